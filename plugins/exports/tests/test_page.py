"""The export page: who sees which datasets, streamed downloads, and the purpose and
audit row of a personal download. Real database, real requests."""

from __future__ import annotations

import pytest

from consultplatform.api import AuditLog, Insight
from consultplatform.testing import (
    assert_flat_statements,
    choose_consultation,
    csrf_from,
    factories,
    login,
    make_staff,
)

from . import helpers
from .helpers import PAGE, PEOPLE, download_url, keys_on

CORE_AND_ARENA = {"sessions", "participation", "expertarena_insights", "expertarena_matrix",
                  "expertarena_attendance"}


@pytest.fixture
def app(migrated, instance_dir, pytestconfig):
    with helpers.app_with_people(migrated, instance_dir, pytestconfig) as application:
        yield application


@pytest.fixture
def world(app):
    return helpers.build()


def staff_client(app, world, role: str):
    user = world.moderator if role == "moderator" else make_staff(role)
    client = app.test_client()
    login(client, user)
    choose_consultation(client, world.consultation)
    return client


def downloads(world) -> list[AuditLog]:
    return list(AuditLog.select().where(AuditLog.action == "export.download"))


def purpose_post(client, world, data: dict, format_key: str = "tsv", *, token: bool = True):
    """The purpose form of the personal dataset as sent from the page."""
    form = {f"{PEOPLE}-{name}": value for name, value in data.items()}
    if token:
        form[f"{PEOPLE}-csrf_token"] = csrf_from(client.get(PAGE).get_data(as_text=True))
    return client.post(download_url(world, PEOPLE, format_key), data=form)


def test_the_page_asks_for_a_consultation_when_none_is_chosen(app, admin_client):
    factories.consultation()
    page = admin_client.get(PAGE)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Kies een consultatie" in html and "cp-export-datasets" not in html


def test_an_admin_sees_every_dataset_with_its_row_count(app, world):
    client = staff_client(app, world, "admin")
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert keys_on(html, world.consultation.id) >= CORE_AND_ARENA | {PEOPLE}
    rows = helpers.rows_by_key(html, world.consultation.id)
    insights = rows["expertarena_insights"]
    assert insights["rows"] == 3 and insights["contains"] == "Gepseudonimiseerd, zonder namen"
    assert insights["label"].startswith("Inzichten uit Expertarena's (zonder namen) ")
    assert rows["participation"]["contains"] == "Geaggregeerd"
    people = rows[PEOPLE]
    assert people["rows"] == 3 and people["contains"] == "Persoonsgegevens"
    # A personal dataset has no download link: the link goes to its purpose form.
    assert people["links"] == [f"#purpose-{PEOPLE}"]
    assert f'id="purpose-{PEOPLE}"' in html
    assert rows["sessions"]["rows"] == 3
    # Every streaming format, the exports plugin's own and the test plugin's TSV.
    assert rows["sessions"]["links"] == [download_url(world, "sessions", key)
                                         for key in ("tsv", "csv-excel", "csv", "jsonl")]


def test_the_page_speaks_english_too(app, world):
    client = staff_client(app, world, "admin")
    client.post("/taal", data={"csrf_token": csrf_from(client.get(PAGE).get_data(as_text=True)),
                               "lang": "en", "next": PAGE})
    html = client.get(PAGE).get_data(as_text=True)
    contains = {row["contains"] for row in helpers.dataset_rows(html)}
    assert {"Aggregates", "Pseudonymous, no names", "Personal data"} <= contains


def test_a_viewer_sees_no_personal_data_and_is_refused_it(app, world, instance_dir):
    client = staff_client(app, world, "viewer")
    html = client.get(PAGE).get_data(as_text=True)
    rows = helpers.rows_by_key(html, world.consultation.id)
    assert set(rows) >= CORE_AND_ARENA and PEOPLE not in rows
    assert "Persoonsgegevens" not in {row["contains"] for row in rows.values()}
    assert "purpose-" not in html
    before = helpers.files_under(instance_dir)
    assert client.get(download_url(world, PEOPLE)).status_code == 403
    assert purpose_post(client, world, {"purpose": "invitations"}).status_code == 403
    assert helpers.files_under(instance_dir) == before
    assert downloads(world) == []
    refused = AuditLog.select().where(AuditLog.result == "denied").count()
    assert refused == 2
    # What they may have, they get.
    assert client.get(download_url(world, "participation")).status_code == 200


def test_a_moderator_exports_only_their_own_sessions(app, world):
    client = staff_client(app, world, "moderator")
    html = client.get(PAGE).get_data(as_text=True)
    keys = keys_on(html, world.consultation.id)
    assert keys >= {"sessions", "expertarena_insights", "expertarena_attendance"}
    assert not keys & {"participation", "expertarena_matrix", "fullhooks_notes", PEOPLE}
    assert "alleen de sessies die u modereert" in html
    response = client.get(download_url(world, "expertarena_insights"))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Eigen inzicht 1" in body and "Eigen inzicht 2" in body
    assert "Ander inzicht" not in body
    sessions = client.get(download_url(world, "sessions")).get_data(as_text=True)
    assert "Arena landbouw" in sessions and "Bijeenkomst" not in sessions
    for key in ("participation", PEOPLE):
        assert client.get(download_url(world, key)).status_code == 403


def test_a_download_streams_the_dataset(app, world):
    client = staff_client(app, world, "viewer")
    response = client.get(download_url(world, "sessions"))
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/tab-separated-values"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="exporteren-sessions-')
    assert response.headers["Content-Disposition"].endswith('.tsv"')
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].split("\t")[:3] == ["id", "title", "format"]
    assert sorted(line.split("\t")[1] for line in lines[1:]) == [
        "Arena detailhandel", "Arena landbouw", "Bijeenkomst"]


def test_unknown_datasets_and_formats_are_not_found(app, world):
    client = staff_client(app, world, "admin")
    for url in (download_url(world, "nothing_here"), download_url(world, "sessions", "doc"),
                download_url(world, "sessions", "x" * 200),
                f"/admin/export/{world.consultation.id + 99}/sessions.tsv"):
        assert client.get(url).status_code == 404, url


def test_personal_data_need_a_purpose(app, world):
    client = staff_client(app, world, "admin")
    # A link straight to the file leads to the form that asks why.
    link = client.get(download_url(world, PEOPLE))
    assert link.status_code == 303 and link.headers["Location"].endswith(f"#purpose-{PEOPLE}")
    cases = [({"purpose": "", "purpose_text": ""}, "Kies waarvoor u deze persoonsgegevens nodig"),
             ({"purpose": "iets", "purpose_text": ""}, "Kies waarvoor u deze persoonsgegevens"),
             ({"purpose": "other", "purpose_text": "  "}, "beschrijf het doel"),
             ({"purpose": "other", "purpose_text": "x" * 501}, "hoogstens 500 tekens")]
    for data, message in cases:
        response = purpose_post(client, world, data)
        assert response.status_code == 422, data
        html = response.get_data(as_text=True)
        assert message in html and "Er is niets gedownload" in html, data
        assert "Persoon 1" not in html
    # What was typed is still there.
    assert "x" * 501 in html
    assert downloads(world) == []


def test_a_personal_download_is_audited_once_with_its_purpose(app, world):
    client = staff_client(app, world, "admin")
    response = purpose_post(client, world, {"purpose": "other",
                                            "purpose_text": "Bedankbrief na afloop"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert all(f"Persoon {n}" in body for n in (1, 2, 3))
    (row,) = downloads(world)
    assert row.result == "success" and row.object_id == str(world.consultation.id)
    assert row.actor_label.startswith("admin-")
    assert row.details == {"dataset": PEOPLE, "format": "tsv", "purpose": "other",
                           "purpose_text": "Bedankbrief na afloop", "rows": 3}


def test_a_purpose_post_without_its_token_is_refused(app, world):
    client = staff_client(app, world, "admin")
    response = purpose_post(client, world, {"purpose": "invitations"}, token=False)
    assert response.status_code == 400
    assert "Persoon 1" not in response.get_data(as_text=True)
    assert downloads(world) == []


def test_a_post_needs_an_administrator(app, world):
    client = staff_client(app, world, "viewer")
    token = csrf_from(client.get(PAGE).get_data(as_text=True))
    response = client.post(download_url(world, "sessions"), data={"csrf_token": token})
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["admin", "moderator"])
def test_the_page_runs_as_many_statements_with_more_data(app, world, role):
    client = staff_client(app, world, role)

    def grow() -> None:
        for n in range(4):
            arena = factories.session(world.consultation, format_key="expertarena",
                                      moderator=world.moderator, sector=world.farm)
            person = factories.participant(world.consultation, sector=world.shop)
            factories.registration(person, arena)
            Insight.create(session=arena, sector=world.farm, category="ambities",
                           text=f"Meer {n}")

    assert_flat_statements(client, PAGE, grow)
