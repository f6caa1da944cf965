"""Issue 8, points 5, 6, 15-19: control characters, the calendar file, redirect
targets, Host headers, security headers, formula cells, unfinished mail files."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from consultplatform.contributions import DatasetColumn, ExportDataset, ExportScope, ExportTable
from consultplatform.exporting import export_table, neutralise
from consultplatform.mail.delivery import TEMP_PREFIX, TEMP_SUFFIX, remove_stale_temporaries
from consultplatform.models import Consultation, OutboxMail, Participant, Registration, Sector
from consultplatform.testing import factories
from tests.conftest import csrf_from, make_app
from tests.forms import form_data

START = dt.datetime(2031, 3, 14, 19, 30)
HOSTILE_LINES = ["Anouk\r\nBcc: victim@example.org", "Anouk\x1b[31m", "Anouk\u202egpj.exe",
                 "Anouk\x00", "Anouk\tAkkerman", "Anouk\u2028Akkerman"]


@pytest.fixture
def meeting(app):
    consultation = factories.consultation(slug="agenda")
    sector = Sector.create(consultation=consultation, name="Bouw")
    session = factories.session(consultation, title="Bijeenkomst", capacity=10,
                                starts_at=START, ends_at=START + dt.timedelta(hours=2))
    return consultation, sector, session


def _signup_data(client, sector, session, **fields):
    data = form_data(client.get("/c/agenda/aanmelden").get_data(as_text=True))
    data.update(name="Anouk Akkerman", email="anouk@example.org", organisation="Bouwbedrijf",
                sector=str(sector.id), side="entrepreneur", privacy="y",
                sessions=[str(session.id)])
    data.update(fields)
    return data


# --- point 5: control and direction characters ------------------------------------------


@pytest.mark.parametrize("field", ["name", "organisation"])
@pytest.mark.parametrize("value", HOSTILE_LINES)
def test_sign_up_refuses_control_characters_with_a_field_message(client, meeting, field, value):
    _, sector, session = meeting
    response = client.post("/c/agenda/aanmelden",
                           data=_signup_data(client, sector, session, **{field: value}))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Haal de regeleinden en onzichtbare stuurtekens uit dit veld." in body
    assert Participant.select().count() == 0 and OutboxMail.select().count() == 0


def test_self_service_details_refuse_a_line_break_in_the_name(client, meeting):
    _, sector, session = meeting
    client.post("/c/agenda/aanmelden", data=_signup_data(client, sector, session))
    token = Registration.get().token
    page = client.get(f"/aanmelding/{token}")
    data = form_data(page.get_data(as_text=True), "/aanmelding/")
    data["name"] = "Anouk\nKwaadwillend"
    response = client.post(f"/aanmelding/{token}", data=data)
    assert response.status_code == 422
    assert Participant.get().name == "Anouk Akkerman"


@pytest.mark.parametrize("value", ["Titel\r\nmet regels", "Titel\x00", "Titel\u202e"])
def test_admin_forms_refuse_control_characters_in_one_line_fields(admin_client, value):
    page = admin_client.get("/admin/consultation/new/")
    data = form_data(page.get_data(as_text=True))
    data.update(title=value, slug="nieuw", organiser="Gemeente")
    response = admin_client.post("/admin/consultation/new/", data=data)
    assert response.status_code == 422
    assert "is-invalid" in response.get_data(as_text=True)
    assert Consultation.select().count() == 0


def test_multi_line_text_keeps_line_breaks_but_not_nul(admin_client):
    page = admin_client.get("/admin/consultation/new/")
    data = form_data(page.get_data(as_text=True))
    data.update(title="Titel", slug="regels", organiser="Gemeente", summary="Eén\r\nTwee\tDrie")
    assert admin_client.post("/admin/consultation/new/", data=data).status_code == 302
    assert Consultation.get().summary == "Eén\r\nTwee\tDrie"
    data.update(slug="nul", summary="Eén\x00Twee")
    assert admin_client.post("/admin/consultation/new/", data=data).status_code == 422
    assert Consultation.select().count() == 1


# --- point 6: the calendar file to download -----------------------------------------------


def test_downloaded_calendar_file_publishes_and_mail_requests(client, meeting):
    _, sector, session = meeting
    client.post("/c/agenda/aanmelden", data=_signup_data(client, sector, session))
    registration = Registration.get()
    body = client.get(f"/aanmelding/{registration.token}/agenda/{registration.id}.ics").data
    assert b"METHOD:PUBLISH" in body and b"METHOD:REQUEST" not in body
    assert b"ATTENDEE" not in body  # RFC 5546: a published event names no attendees
    invitation = OutboxMail.get(OutboxMail.kind == "confirmation").ics
    assert "METHOD:REQUEST" in invitation and "ATTENDEE" in invitation


# --- point 15: control characters in redirect targets ------------------------------------


@pytest.mark.parametrize("target", ["/admin/\r\nSet-Cookie: x=1", "/\nLocation: http://evil",
                                    "/x\x00y", "/\x1b"])
def test_login_and_language_switch_redirect_safely(app, client, admin_user, target):
    token = csrf_from(client.get("/auth/login").get_data(as_text=True))
    response = client.post("/auth/login?next=" + target, data={
        "csrf_token": token, "email": admin_user.email, "password": "correct horse battery"})
    assert response.status_code in (302, 400)
    assert "\n" not in response.headers.get("Location", "")
    response = client.post("/taal", data={"csrf_token": token, "lang": "en", "next": target})
    assert response.status_code in (303, 400)
    assert response.headers.get("Location", "/") in ("/", "")


def test_an_admin_save_with_a_crlf_return_url_is_refused_before_saving(admin_client):
    page = admin_client.get("/admin/consultation/new/")
    data = form_data(page.get_data(as_text=True))
    data.update(title="Titel", slug="terug", organiser="Gemeente")
    response = admin_client.post("/admin/consultation/new/?url=/admin/%0d%0aX-Evil:%201",
                                 data=data)
    assert response.status_code == 400
    assert Consultation.select().count() == 0
    data["url"] = "/admin/\r\nX-Evil: 1"
    assert admin_client.post("/admin/consultation/new/", data=data).status_code == 400
    assert Consultation.select().count() == 0


# --- point 16: malformed Host headers -------------------------------------------------------


@pytest.mark.parametrize("host", ["..", "a..", "a" * 64 + ".example.org", "-a.example.org",
                                  "exa mple.org", "a.example.org:99999x", "[zz", "\u00e9..x"])
@pytest.mark.parametrize("path", ["/", "/c/agenda", "/admin/", "/bestaat-niet", "/auth/login"])
def test_a_malformed_host_gets_a_plain_400(client, meeting, host, path):
    response = client.get(path, headers={"Host": host})
    assert response.status_code == 400
    assert "Ongeldig verzoek" in response.get_data(as_text=True)


@pytest.mark.parametrize("host", ["localhost", "inspraak.example.nl", "127.0.0.1:5000",
                                  "[::1]:8080", "a" * 63 + ".nl", "xn--bcher-kva.example"])
def test_ordinary_hosts_are_served(client, meeting, host):
    assert client.get("/c/agenda", headers={"Host": host}).status_code == 200


# --- point 17: security headers --------------------------------------------------------------


def test_admin_pages_have_a_strict_policy_with_a_nonce_and_are_not_stored(admin_client):
    response = admin_client.get("/admin/consultation/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "'unsafe-inline'" not in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers


def test_each_page_gets_its_own_nonce(admin_client):
    first = admin_client.get("/admin/").headers["Content-Security-Policy"]
    second = admin_client.get("/admin/").headers["Content-Security-Policy"]
    assert first != second


def test_private_pages_are_not_stored_public_ones_may_be(client, meeting):
    _, sector, session = meeting
    client.post("/c/agenda/aanmelden", data=_signup_data(client, sector, session))
    token = Registration.get().token
    assert client.get(f"/aanmelding/{token}").headers["Cache-Control"] == "no-store"
    assert client.get("/auth/login").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/c/agenda").headers.get("Cache-Control", "")


def test_hsts_when_cookies_are_secure(migrated, tmp_path):
    app = make_app(migrated, tmp_path, SESSION_COOKIE_SECURE=True)
    response = app.test_client().get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


# --- point 18: formula cells ---------------------------------------------------------------------


def _write_csv(table: ExportTable, out) -> None:
    lines = [",".join(c.key for c in table.dataset.columns)]
    lines += [",".join(str(v) for v in row) for row in table.rows]
    out.write("\n".join(lines).encode())


def _written(dataset: ExportDataset, write=_write_csv) -> str:
    out = io.BytesIO()
    write(export_table(dataset, ExportScope(), "nl"), out)
    return out.getvalue().decode()


def test_the_shared_writer_neutralises_formula_cells_of_every_kind():
    rows = [["=HYPERLINK(\"http://evil\",\"klik\")", 3], ["+31 6", -4], ["@SUM(A1)", "-2+3"],
            ["\t=1", "\r=1"], ["gewoon", "a=b"]]
    dataset = ExportDataset(key="x", label="x", rows=lambda scope: iter(rows),
                            count=lambda scope: len(rows),
                            columns=[DatasetColumn("tekst", "Tekst"),
                                     DatasetColumn("getal", "Getal", kind="integer")])
    lines = _written(dataset).split("\n")
    assert lines[1] == "'=HYPERLINK(\"http://evil\",\"klik\"),3"
    assert lines[2] == "'+31 6,-4"  # numbers stay numbers
    assert lines[3] == "'@SUM(A1),'-2+3"  # text in a column declared a number: still text
    assert lines[4] == "'\t=1,'\r=1"
    assert lines[5] == "gewoon,a=b"
    assert neutralise(12) == 12 and neutralise(None) is None


def test_pseudonyms_differ_between_exports_and_hold_within_one():
    rows = [[7, "a"], [8, "b"], [7, "c"]]
    dataset = ExportDataset(key="x", label="x", rows=lambda scope: iter(rows),
                            count=lambda scope: 3,
                            columns=[DatasetColumn("person", "Person", kind="pseudonym"),
                                     DatasetColumn("t", "T")])
    first = [line.split(",")[0] for line in _written(dataset).split("\n")[1:]]
    second = [line.split(",")[0] for line in _written(dataset).split("\n")[1:]]
    assert first[0] == first[2] != first[1] and "7" not in first and "8" not in first
    assert not set(first) & set(second)


def test_datasets_of_every_plugin_come_out_neutralised(app):
    """The core's session titles through the test plugin's exporter."""
    from consultplatform.plugins import registry

    consultation = factories.consultation(slug="export", formats=["general"])
    factories.session(consultation, title="=HYPERLINK(\"http://evil\")")
    with app.test_request_context():
        exporter = next(e for name, e in registry().items("cp_exporters") if name == "fullhooks")
        datasets = [d for _name, d in registry().items("cp_export_datasets",
                                                     consultation=consultation)]
        sessions = next(d for d in datasets if d.key == "sessions")
        text = _written(sessions, exporter.write_file)
    assert "\t'=HYPERLINK" in text and "\t=HYPERLINK" not in text


# --- point 19: unfinished mail files ----------------------------------------------------------------

_KILLED_WRITER = textwrap.dedent("""
    import sys, time
    from email.message import EmailMessage
    from consultplatform.mail.delivery import FileTransport

    class SlowMessage(EmailMessage):
        def as_bytes(self, *args, **kwargs):
            print("writing", flush=True)
            time.sleep(60)
            return b"never"

    class Mail:
        id, attempts = 1, 1

    FileTransport(sys.argv[1]).send(SlowMessage(), Mail())
""")


def test_a_worker_killed_mid_write_leaves_no_mail_and_its_leftover_is_cleaned(tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    child = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(folder)],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "writing"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    child.stdout.close()
    left = os.listdir(folder)
    assert len(left) == 1 and left[0].startswith(TEMP_PREFIX) and left[0].endswith(TEMP_SUFFIX)
    assert not [name for name in left if name.endswith(".eml")]
    # A fresh leftover may belong to a writer still at work: kept.
    assert remove_stale_temporaries(str(folder)) == 0
    old = time.time() - 3600
    os.utime(folder / left[0], (old, old))
    (folder / "20260101T000000-mail-7-1.eml").write_bytes(b"Subject: kept\n\nok\n")
    assert remove_stale_temporaries(str(folder)) == 1
    assert os.listdir(folder) == ["20260101T000000-mail-7-1.eml"]
