"""A person's own data (issue 12, points 2, 3 and 5): everything the core and the
plugins hold about them, downloaded through their mail link; erasure asked there,
confirmed from the mail, after which no table holds their name, e-mail address or
phone number while the counts per sector and side stay as they were."""

from __future__ import annotations

import json
import re

import pytest
from peewee import fn

from consultplatform.db import db, is_postgres
from consultplatform.demo import load_demo
from consultplatform.models import (
    AuditLog,
    ConsultationSession,
    Insight,
    OutboxMail,
    Participant,
    Registration,
)
from consultplatform.plugins import registry
from consultplatform.privacy.core_data import plain
from consultplatform.testing import csrf_from


@pytest.fixture
def person(app):
    """A demo entrepreneur with a phone number, registered for an arena and a meeting
    still ahead, and named by a moderator in one insight."""
    with app.app_context():
        load_demo(registry())
    arena = ConsultationSession.get(ConsultationSession.format_key == "expertarena")
    someone = (Participant.select().join(Registration)
               .where((Registration.session == arena.id)
                      & (Participant.side == "entrepreneur")).first())
    someone.phone = "06 12345678"
    someone.save()
    ahead = ConsultationSession.get(ConsultationSession.title == "Startbijeenkomst")
    Registration.get_or_create(participant=someone, session=ahead,
                               defaults={"status": "confirmed"})
    insight = Insight.get(Insight.session == arena.id)
    insight.text = f"{insight.text} (zei {someone.name})"
    insight.save()
    return someone


def _link(person: Participant) -> str:
    return f"/aanmelding/{Registration.get(Registration.participant == person.id).token}"


def _counts(consultation_id: int) -> list[tuple]:
    return list(Participant.select(Participant.sector, Participant.side,
                                   fn.COUNT(Participant.id))
                .where(Participant.consultation == consultation_id)
                .group_by(Participant.sector, Participant.side)
                .order_by(Participant.sector, Participant.side).tuples())


def _text_anywhere(needles: list[str]) -> list[str]:
    """Every table, every column, every row: where any of ``needles`` still is."""
    found = []
    for table in db.obj.get_tables():
        columns = [c.name for c in db.obj.get_columns(table)]
        quoted = ", ".join(f'"{c}"' for c in columns)
        for row in db.obj.execute_sql(f'SELECT {quoted} FROM "{table}"').fetchall():
            text = " ".join(str(v) for v in row if v is not None).casefold()
            found += [f"{table}: {n}" for n in needles if n.casefold() in text]
    return found


def test_the_download_lists_every_row_held_about_the_person(app, client, person):
    page = client.get(f"{_link(person)}/gegevens")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert person.email in html and "Uw gegevens" in html
    response = client.get(f"{_link(person)}/gegevens.json")
    assert response.status_code == 200 and "attachment" in response.headers[
        "Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    parts = {part["key"]: part["rows"] for part in data["parts"]}
    assert parts["core.participant"] == [json.loads(json.dumps(plain(person), default=str))]
    registrations = Registration.select().where(Registration.participant == person.id)
    assert [r["id"] for r in parts["core.registrations"]] == sorted(r.id for r in registrations)
    assert all("token" not in r for r in parts["core.registrations"])  # the link is no data
    assert {m["id"] for m in parts["core.mails"]} == {m.id for m in OutboxMail.select().where(
        OutboxMail.to_address == person.email)}
    assert "core.named" not in parts  # staff notes naming them: for staff only
    assert {p["plugin"] for p in data["parts"]} >= {"core", "expertarena", "fullhooks"}
    assert parts["expertarena.arenas"]  # the arenas they were registered for


def test_erasure_asked_through_the_link_and_confirmed_from_the_mail(app, client, person):
    name, email, phone = person.name, person.email, person.phone
    counts = _counts(person.consultation_id)
    link = _link(person)
    page = client.get(f"{link}/verwijderen").get_data(as_text=True)
    sent = client.post(f"{link}/verwijderen", data={"csrf_token": csrf_from(page)})
    assert sent.status_code == 200 and "Kijk in uw e-mail" in sent.get_data(as_text=True)
    assert Participant.get_by_id(person.id).erased_at is None  # nothing yet
    mail = OutboxMail.get(OutboxMail.kind == "erase_confirm")
    assert mail.to_address == email
    confirm = re.search(r"https?://\S+/aanmelding/verwijderen/\S+", mail.text_body).group(0)
    confirm = confirm.split("://", 1)[1].split("/", 1)[1]
    form = client.get(f"/{confirm}")
    assert form.status_code == 200
    done = client.post(f"/{confirm}", data={"csrf_token": csrf_from(form.get_data(as_text=True))})
    assert done.status_code == 200 and "verwijderd" in done.get_data(as_text=True)

    assert _text_anywhere([name, email, phone]) == []
    assert _counts(person.consultation_id) == counts
    ahead = Registration.get((Registration.participant == person.id) & (
        Registration.session == ConsultationSession.get(
            ConsultationSession.title == "Startbijeenkomst")))
    assert ahead.status == "cancelled"
    row = AuditLog.get(AuditLog.action == "erase")
    assert row.details["reason"] == "own_request" and row.origin == ""
    assert client.get(link).status_code == 404  # the old link is gone with the data
    again = client.get(f"/{confirm}")
    assert again.status_code == 200 and "eerder" in again.get_data(as_text=True)


def test_a_forged_or_damaged_confirmation_link_erases_nothing(app, client, person):
    for token in ("abc", "eyJwIjoxfQ.forged.signature", "x" * 300):
        assert client.get(f"/aanmelding/verwijderen/{token}").status_code == 404
        assert client.post(f"/aanmelding/verwijderen/{token}").status_code in (400, 404)
    assert Participant.get_by_id(person.id).erased_at is None


def test_news_consent_is_shown_with_its_version_and_withdrawn_there(app, client, person):
    person.news_opt_in, person.news_consent_version = True, "v-abc123"
    person.save()
    page = client.get(f"{_link(person)}/gegevens").get_data(as_text=True)
    assert "v-abc123" in page
    response = client.post(f"{_link(person)}/nieuws-intrekken",
                           data={"csrf_token": csrf_from(page)})
    assert response.status_code == 303
    after = Participant.get_by_id(person.id)
    assert not after.news_opt_in and after.news_consent_at is not None


def test_staff_erase_a_request_by_letter_with_the_reason(app, admin_client, person):
    name = person.name
    url = f"/admin/participant/gegevens/?id={person.id}"
    page = admin_client.get(url)
    assert page.status_code == 200 and person.email in page.get_data(as_text=True)
    download = admin_client.get(f"/admin/participant/gegevens.json?id={person.id}")
    assert download.status_code == 200 and json.loads(download.get_data(as_text=True))[
        "participant"] == person.id
    token = csrf_from(page.get_data(as_text=True))
    refused = admin_client.post(url, data={"csrf_token": token, "reason": "letter"})
    assert refused.status_code == 422  # not confirmed: nothing happens
    assert Participant.get_by_id(person.id).erased_at is None
    staff_view = json.loads(download.get_data(as_text=True))
    named = {part["key"]: part["rows"] for part in staff_view["parts"]}["core.named"]
    assert [row["table"] for row in named] == ["insight"] and name in named[0]["text"]
    done = admin_client.post(url, data={"csrf_token": token, "reason": "letter", "confirm": "y"})
    assert done.status_code == 303
    assert _text_anywhere([name, person.email]) == []
    row = AuditLog.get(AuditLog.action == "erase")
    assert row.details["reason"] == "letter" and row.details["by"] == "staff"
    assert AuditLog.select().where(AuditLog.action == "export_personal_data").count() == 1


def test_only_administrators_see_a_persons_data_in_the_admin(app, client, person):
    from consultplatform.testing import login, make_staff

    login(client, make_staff("viewer"))
    assert client.get(f"/admin/participant/gegevens/?id={person.id}").status_code == 403
    assert client.get(f"/admin/participant/gegevens.json?id={person.id}").status_code == 403


# --- what a review found: names steered by the person, deletes, the index, archiving ---


def test_only_a_whole_name_of_two_words_is_looked_for_in_staff_notes(app, client, person):
    from consultplatform.models import Action
    from consultplatform.privacy.core_data import name_pattern

    assert name_pattern("een") is None and name_pattern("n d") is None
    pattern = name_pattern("Jan  de Vries")
    assert pattern.search("zei jan de vries gisteren") and not pattern.search("Jan de Vriesland")
    action = Action.create(consultation=person.consultation_id, title="Bellen",
                           description=f"Bel {person.name} over de stage")
    own = json.loads(client.get(f"{_link(person)}/gegevens.json").get_data(as_text=True))
    assert "core.named" not in {part["key"] for part in own["parts"]}  # staff only
    erase_participant_now(app, person.id)
    assert person.name not in Action.get_by_id(action.id).description
    assert "[naam verwijderd]" in Action.get_by_id(action.id).description


def erase_participant_now(app, participant_id: int) -> None:
    from consultplatform.privacy.erasure import erase_participant

    with app.app_context():
        erase_participant(participant_id, "letter")


def test_a_name_like_een_steers_nothing(app, client, person):
    before = {i.id: i.text for i in Insight.select()}
    person.name = "een"
    person.save()
    data = json.loads(client.get(f"{_link(person)}/gegevens.json").get_data(as_text=True))
    assert all(part["key"] != "core.named" for part in data["parts"])
    erase_participant_now(app, person.id)
    assert {i.id: i.text for i in Insight.select()} == before


def test_deleting_a_participant_in_the_admin_erases_first(app, admin_client, person):
    email = person.email
    OutboxMail.create(kind="confirmation", to_address=email, subject="S", text_body="Beste",
                      registration=Registration.get(Registration.participant == person.id))
    assert OutboxMail.select().where(OutboxMail.to_address == email).count() > 0
    page = admin_client.get("/admin/participant/").get_data(as_text=True)
    response = admin_client.post("/admin/participant/delete/", data={
        "csrf_token": csrf_from(page), "id": str(person.id), "url": "/admin/participant/"})
    assert response.status_code == 302
    assert Participant.get_or_none(Participant.id == person.id) is None
    assert OutboxMail.select().where(OutboxMail.to_address == email).count() == 0
    assert AuditLog.get(AuditLog.action == "erase").details["reason"] == "deleted"


def test_an_erased_name_leaves_no_entry_in_the_search_index(app, person):
    if is_postgres():
        pytest.skip("the FTS5 index is SQLite's; PostgreSQL indexes the table itself")
    person.name = "Quirijn Xylofoonbouwer"
    person.save()
    db.obj.execute_sql("CREATE VIRTUAL TABLE IF NOT EXISTS temp.cp_terms "
                       "USING fts5vocab(main, participant_search, 'row')")

    def count(term: str) -> int:
        row = db.obj.execute_sql("SELECT cnt FROM temp.cp_terms WHERE term = ?",
                                 (term,)).fetchone()
        return row[0] if row else 0

    assert count("xyl") >= 1
    erase_participant_now(app, person.id)
    assert count("xyl") == 0


def test_the_own_data_pages_stay_open_for_an_archived_consultation(app, client, person):
    consultation = person.consultation
    consultation.status = "archived"
    consultation.save()
    assert client.get(_link(person)).status_code == 410  # the registration page is over
    assert client.get(f"{_link(person)}/gegevens").status_code == 200  # the rights are not


def test_a_signed_link_is_masked_in_the_log(app):
    from consultplatform.logging_setup import redact
    from consultplatform.privacy.links import erase_token

    with app.app_context():
        token = erase_token(123)
    assert token not in redact(f"GET /aanmelding/verwijderen/{token} 200")
