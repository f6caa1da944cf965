"""The audit log in the admin, for a CISO: each filter, times typed in Amsterdam time,
the CSV export (Dutch Excel, formulas neutralised, only what is filtered, streamed,
itself logged), administrators only, and no way to change a row."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest

from consultplatform.admin.filters import amsterdam_to_utc
from consultplatform.models import AuditLog
from consultplatform.testing import login, make_staff
from tests.conftest import csrf_from

LIST = "/admin/auditlog/"
EXPORT = "/admin/auditlog/export/csv/"


def row(**fields) -> AuditLog:
    values = {"action": "update", "object_type": "Consultation", "object_id": "1",
              "object_label": "Ondernemersdialoog", "result": "success",
              "origin": "192.0.2.1", "created_at": dt.datetime(2026, 6, 1, 10, 0)}
    values.update(fields)
    return AuditLog.create(**values)


def filter_index(client, name: str, operation: str) -> int:
    """The index of a filter in the list's URL (``flt0_<index>``), found by its label
    and operation as the page offers them."""
    html = client.get(LIST).get_data(as_text=True)
    groups = re.search(r'id="filter-groups-data"[^>]*>(.*?)</', html, re.S)
    assert groups, "no filter data on the list"
    import json

    for label, items in json.loads(groups.group(1)).items():
        for item in items:
            if label == name and item["operation"] == operation:
                return item["index"]
    raise AssertionError(f"no filter {name!r} {operation!r}")


def listed(client, query: str) -> str:
    response = client.get(LIST + "?" + query)
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    return response.get_data(as_text=True)


def exported(client, query: str = "") -> list[list[str]]:
    response = client.get(EXPORT + ("?" + query if query else ""))
    assert response.status_code == 200
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


@pytest.fixture
def en_admin(admin_client):
    admin_client.set_cookie("lang", "en")
    return admin_client


# --- filters ------------------------------------------------------------------------


def test_filter_by_actor_offers_staff_by_name(en_admin, admin_user):
    other = make_staff("moderator", email="jan@example.org")
    row(actor=admin_user, actor_label=admin_user.email, object_label="mine")
    row(actor=other, actor_label=other.email, object_label="his")
    row(actor=None, actor_label="", object_label="nobody's")
    html = en_admin.get(LIST).get_data(as_text=True)
    assert "Test moderator (jan@example.org)" in html
    index = filter_index(en_admin, "Who", "is")
    page = listed(en_admin, f"flt0_{index}={other.id}")
    assert "his" in page and "mine" not in page and "nobody&#39;s" not in page
    page = listed(en_admin, f"flt0_{index}=none")
    assert "nobody&#39;s" in page and "his" not in page
    assert en_admin.get(LIST + f"?flt0_{index}=jan").status_code == 400


@pytest.mark.parametrize(("column", "label", "wanted", "other"), [
    ("action", "Action", "delete", "update"),
    ("object_type", "Object type", "StaffUser", "Consultation"),
    ("object_id", "Object number", "77", "78"),
])
def test_filter_by_text_columns(en_admin, column, label, wanted, other):
    row(**{column: wanted, "object_label": "wanted row"})
    row(**{column: other, "object_label": "other row"})
    index = filter_index(en_admin, label, "is")
    page = listed(en_admin, f"flt0_{index}={wanted}")
    assert "wanted row" in page and "other row" not in page


def test_filter_by_result_offers_its_labels(en_admin):
    row(result="denied", object_label="refused row")
    row(result="success", object_label="done row")
    index = filter_index(en_admin, "Result", "is")
    page = listed(en_admin, f"flt0_{index}=denied")
    assert "refused row" in page and "done row" not in page
    assert en_admin.get(LIST + f"?flt0_{index}=whatever").status_code == 400


def test_time_filter_reads_amsterdam_time(en_admin):
    """Stored 22:30 UTC on 28 March is 23:30 in Amsterdam (winter time); 01:30 UTC on
    29 March, after the clocks went forward at 01:00 UTC, is 03:30 in Amsterdam."""
    row(created_at=dt.datetime(2026, 3, 28, 22, 30), object_label="saturday night")
    row(created_at=dt.datetime(2026, 3, 29, 1, 30), object_label="after the change")
    row(created_at=dt.datetime(2026, 3, 29, 0, 30), object_label="before the change")
    list_page = listed(en_admin, "")
    assert "28 Mar 2026 23:30" in list_page and "29 Mar 2026 03:30" in list_page
    after = filter_index(en_admin, "When", "from")
    until = filter_index(en_admin, "When", "until")
    # From Sunday 00:00 Amsterdam time: not Saturday's row, though its UTC date differs.
    page = listed(en_admin, f"flt0_{after}=2026-03-29+00:00:00")
    assert "before the change" in page and "after the change" in page
    assert "saturday night" not in page
    # Until Saturday 23:30 Amsterdam time: Saturday's row (22:30 UTC) only.
    page = listed(en_admin, f"flt0_{until}=2026-03-28+23:30:00")
    assert "saturday night" in page and "before the change" not in page
    # From 03:00 (summer time, 01:00 UTC): the row after the change only.
    page = listed(en_admin, f"flt0_{after}=2026-03-29+03:00:00&flt1_{until}=2026-03-29+04:00:00")
    assert "after the change" in page
    assert "before the change" not in page and "saturday night" not in page
    assert en_admin.get(LIST + f"?flt0_{after}=29-03-2026").status_code == 400


def test_amsterdam_to_utc_around_both_changes():
    assert amsterdam_to_utc(dt.datetime(2026, 1, 15, 12, 0)) == dt.datetime(2026, 1, 15, 11, 0)
    assert amsterdam_to_utc(dt.datetime(2026, 7, 15, 12, 0)) == dt.datetime(2026, 7, 15, 10, 0)
    assert amsterdam_to_utc(dt.datetime(2026, 3, 29, 0, 0)) == dt.datetime(2026, 3, 28, 23, 0)
    # 02:30 on 29 March does not exist; taken as winter time (03:30 summer time).
    assert amsterdam_to_utc(dt.datetime(2026, 3, 29, 2, 30)) == dt.datetime(2026, 3, 29, 1, 30)
    # 02:30 on 25 October happens twice: the first (summer time).
    assert amsterdam_to_utc(dt.datetime(2026, 10, 25, 2, 30)) == dt.datetime(2026, 10, 25, 0, 30)


def test_filter_labels_in_dutch(admin_client):
    html = admin_client.get(LIST).get_data(as_text=True)
    for words in ("Wie", "Wanneer", "vanaf", "tot en met", "Objecttype", "Geen account"):
        assert words in html, words


# --- the CSV export -----------------------------------------------------------------


def test_export_is_excel_csv_with_formulas_neutralised(en_admin, admin_user):
    row(actor=admin_user, actor_label=admin_user.email, object_label="=HYPERLINK(\"x\")",
        object_id="-1", origin="@evil", details={"fields": ["title"]},
        created_at=dt.datetime(2026, 3, 28, 23, 30))
    row(object_label="+31 6 12345678")
    row(object_label="\tcmd")
    # The login's row and the export's own row are in the file too: rows of this test only.
    response = en_admin.get(EXPORT + f"?flt0_{filter_index(en_admin, 'Action', 'is')}=update")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.is_streamed
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="auditlog-\d{4}-\d{2}-\d{2}\.csv"', disposition)
    assert response.headers["Cache-Control"] == "no-store"
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8")[1:]), delimiter=";"))
    assert rows[0][:3] == ["When (Amsterdam time)", "When (UTC)", "Who"]
    data = rows[1:]
    assert len(data) == 3
    oldest = data[-1]
    assert oldest[:5] == ["2026-03-29 00:30:00", "2026-03-28T23:30:00Z", admin_user.email,
                          str(admin_user.id), admin_user.name]
    assert oldest[7] == "'-1" and oldest[8] == "'=HYPERLINK(\"x\")" and oldest[10] == "'@evil"
    assert oldest[11] == '{"fields": ["title"]}'
    labels = {r[8] for r in data}
    assert {"'+31 6 12345678", "'\tcmd"} <= labels


def test_export_has_only_the_filtered_rows_and_is_logged(en_admin, admin_user):
    row(action="delete", object_label="deleted one")
    row(action="update", object_label="updated one")
    index = filter_index(en_admin, "Action", "is")
    rows = exported(en_admin, f"flt0_{index}=delete&search=deleted")
    assert [r[8] for r in rows[1:]] == ["deleted one"]
    logged = AuditLog.get(AuditLog.action == "export")
    assert logged.actor_id == admin_user.id
    assert logged.object_type == "AuditLog"
    assert logged.details == {"filters": [["action", "FilterEqual", "delete"]], "search": True}


def test_export_in_dutch(admin_client):
    row()
    rows = exported(admin_client)
    assert rows[0][:2] == ["Wanneer (Nederlandse tijd)", "Wanneer (UTC)"]


def test_export_walks_the_log_in_batches(en_admin, monkeypatch):
    from consultplatform.admin import audit_log

    monkeypatch.setattr(audit_log, "EXPORT_BATCH", 2)
    for n in range(5):
        row(object_label=f"row {n}")
    rows = exported(en_admin, f"flt0_{filter_index(en_admin, 'Action', 'is')}=update")
    assert [r[8] for r in rows[1:]] == [f"row {n}" for n in range(4, -1, -1)]


def test_the_list_links_to_the_export_with_its_filters(en_admin):
    index = filter_index(en_admin, "Action", "is")
    html = listed(en_admin, f"flt0_{index}=delete")
    assert f'href="/admin/auditlog/export/csv/?flt0_{index}=delete"' in html


# --- access and read-only -------------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "moderator"])
def test_only_administrators_see_or_export_the_log(app, role):
    client = app.test_client()
    login(client, make_staff(role))
    row()
    for url in (LIST, EXPORT, LIST + "details/?id=1"):
        assert client.get(url).status_code == 403, url
    assert AuditLog.select().where(AuditLog.action == "export").count() == 0


def test_anonymous_is_sent_to_the_login(client):
    for url in (LIST, EXPORT):
        response = client.get(url)
        assert response.status_code == 302
        assert "/auth/login" in response.headers["Location"]


def test_no_write_url_changes_the_log(admin_client):
    entry = row(object_label="keep me")
    token = csrf_from(admin_client.get("/admin/").get_data(as_text=True))
    html = admin_client.get(LIST).get_data(as_text=True)
    assert "/admin/auditlog/new/" not in html and "/admin/auditlog/edit/" not in html
    assert "/admin/auditlog/delete/" not in html and 'name="action"' not in html
    refused = {
        ("GET", f"{LIST}new/"): {},
        ("POST", f"{LIST}new/"): {"action": "x", "csrf_token": token},
        ("GET", f"{LIST}edit/?id={entry.id}"): {},
        ("POST", f"{LIST}edit/?id={entry.id}"): {"action": "x", "csrf_token": token},
        ("POST", f"{LIST}delete/"): {"id": str(entry.id), "csrf_token": token},
        ("POST", f"{LIST}action/"): {"action": "delete", "rowid": str(entry.id),
                                      "csrf_token": token},
        ("POST", f"{LIST}ajax/update/"): {"list_form_pk": str(entry.id), "action": "x",
                                          "csrf_token": token},
    }
    for (method, url), data in refused.items():
        response = admin_client.open(url, method=method, data=data)
        assert response.status_code in (403, 404, 405), (method, url, response.status_code)
    for method in ("PUT", "PATCH", "DELETE"):
        assert admin_client.open(f"{LIST}?id={entry.id}", method=method).status_code == 405
    kept = AuditLog.get_by_id(entry.id)
    assert (kept.object_label, kept.action) == ("keep me", "update")
    assert AuditLog.select().where(AuditLog.object_label == "keep me").count() == 1
