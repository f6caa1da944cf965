"""Who comes to an arena: the moderator marks attendance (counts per side and
sector), staff invite the public side, administrators set an arena's sectors and
extra moderators. Names only for staff who may see them."""

from __future__ import annotations

import pytest

from consultplatform.api import AuditLog, OutboxMail, Participant, Registration
from consultplatform.testing import csrf_from, factories, login, make_staff
from consultplatform_expertarena.models import ExpertarenaArenaModerator, ExpertarenaArenaSector

from . import helpers


@pytest.fixture
def arena(app):
    parent = helpers.consultation()
    farm = factories.sector(parent, "Landbouw")
    moderator = make_staff("moderator")
    session = helpers.arena(parent, moderator=moderator, sectors=(farm,))
    people = {
        "boer": factories.participant(parent, name="Bea Boer", sector=farm),
        "teler": factories.participant(parent, name="Tom Teler", sector=farm),
        "ambtenaar": factories.participant(parent, name="Anna Ambt", side="government"),
    }
    regs = {key: factories.registration(person, session) for key, person in people.items()}
    return {"consultation": parent, "farm": farm, "moderator": moderator,
            "session": session, "registrations": regs}


def _client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def test_moderator_marks_attendance_and_sees_the_counts(app, arena):
    client = _client(app, arena["moderator"])
    url = f"/admin/expertarena/{arena['session'].id}/aanwezigheid"
    page = client.get(url).get_data(as_text=True)
    assert "Bea Boer" in page and "Anna Ambt" in page
    regs = arena["registrations"]
    response = client.post(url + "/opslaan", data={
        "csrf_token": csrf_from(page), "confirm": "1", f"att-{regs['boer'].id}": "attended",
        f"att-{regs['teler'].id}": "no_show", f"att-{regs['ambtenaar'].id}": "attended"})
    assert response.status_code == 303
    marks = {key: Registration.get_by_id(r.id).attendance for key, r in regs.items()}
    assert marks == {"boer": "attended", "teler": "no_show", "ambtenaar": "attended"}
    assert AuditLog.select().where(AuditLog.action == "attendance").count() == 3
    page = client.get(url).get_data(as_text=True)
    # Landbouw, entrepreneurs: 2 with a place, 1 came, 1 did not; government: 1/1/0.
    assert "2 / 1 / 1" in page and "1 / 1 / 0" in page and "3 / 2 / 1" in page
    # Clearing a mark: "not recorded".
    client.post(url + "/opslaan", data={"csrf_token": csrf_from(page), "confirm": "1",
                                        f"att-{regs['teler'].id}": ""})
    assert Registration.get_by_id(regs["teler"].id).attendance is None
    assert Registration.get_by_id(regs["boer"].id).attendance == "attended"  # left alone


def test_a_mark_that_cannot_be_read_changes_nothing(app, arena):
    client = _client(app, arena["moderator"])
    url = f"/admin/expertarena/{arena['session'].id}/aanwezigheid"
    regs = arena["registrations"]
    token = csrf_from(client.get(url).get_data(as_text=True))
    response = client.post(url + "/opslaan", data={
        "csrf_token": token, "confirm": "1", f"att-{regs['boer'].id}": "attended",
        f"att-{regs['teler'].id}": "maybe"})
    assert response.status_code == 422
    assert Registration.select().where(Registration.attendance.is_null(False)).count() == 0


def test_who_may_see_and_mark_attendance(app, arena):
    url = f"/admin/expertarena/{arena['session'].id}/aanwezigheid"
    regs = arena["registrations"]
    viewer = _client(app, make_staff("viewer"))
    page = viewer.get(url)
    assert page.status_code == 200 and "Bea Boer" in page.get_data(as_text=True)
    token = csrf_from(page.get_data(as_text=True))
    body = {"csrf_token": token, "confirm": "1", f"att-{regs['boer'].id}": "attended"}
    assert viewer.post(url + "/opslaan", data=body).status_code == 403
    stranger = _client(app, make_staff("moderator"))
    assert stranger.get(url).status_code == 403  # names are not theirs to see
    assert stranger.post(url + "/opslaan", data=body).status_code in (400, 403)
    assert Registration.select().where(Registration.attendance.is_null(False)).count() == 0


def test_staff_invite_the_public_side(app, arena):
    client = _client(app, arena["moderator"])
    url = f"/admin/expertarena/{arena['session'].id}/uitnodigen"
    token = csrf_from(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, "name": "Olga Onderwijs",
                                      "email": "Olga@Example.org", "organisation": "ROC",
                                      "side": "education", "sector": "", "language": "en"})
    assert response.status_code == 303
    person = Participant.get(Participant.email == "olga@example.org")
    assert (person.side, person.language) == ("education", "en")
    registration = Registration.get(Registration.participant == person.id)
    assert registration.status == "confirmed"
    mail = OutboxMail.get(OutboxMail.registration == registration.id)
    assert mail.kind == "confirmation" and mail.language == "en"
    # Bad input: a clear message, nothing added.
    response = client.post(url, data={"csrf_token": token, "name": " ", "email": "geen-adres",
                                      "side": "koning", "language": "nl"})
    assert response.status_code == 422
    assert Participant.select().count() == 4
    viewer = _client(app, make_staff("viewer"))
    assert viewer.get(url).status_code == 403


def test_administrators_set_sectors_and_extra_moderators(app, arena):
    admin = _client(app, make_staff("admin"))
    shop = factories.sector(arena["consultation"], "Detailhandel")
    colleague = make_staff("moderator")
    url = f"/admin/expertarena/{arena['session'].id}/instellingen"
    token = csrf_from(admin.get(url).get_data(as_text=True))
    response = admin.post(url, data={"csrf_token": token, "sector": [
        str(arena["farm"].id), str(shop.id)], "moderator": [str(colleague.id)]})
    assert response.status_code == 303
    # In the consultation's order of sectors (by position, then name).
    assert [r.sector_id for r in ExpertarenaArenaSector.select().order_by(
        ExpertarenaArenaSector.position)] == [shop.id, arena["farm"].id]
    assert [r.staff_id for r in ExpertarenaArenaModerator.select()] == [colleague.id]
    # The colleague now moderates the arena: they may record insights. With two sectors
    # there is no default: the moderator chooses.
    colleague_client = _client(app, colleague)
    response = helpers.post_insight(colleague_client, arena["session"])
    assert response.status_code == 422 and "Kies een sector." in response.get_data(as_text=True)
    response = helpers.post_insight(colleague_client, arena["session"], sector=str(shop.id))
    assert response.status_code == 303
    # A sector of another consultation, or none at all: refused.
    elsewhere = factories.sector(helpers.consultation(), "Zorg")
    assert admin.post(url, data={"csrf_token": token,
                                 "sector": [str(elsewhere.id)]}).status_code == 422
    assert admin.post(url, data={"csrf_token": token}).status_code == 422
    moderator = _client(app, arena["moderator"])
    assert moderator.get(url).status_code == 403


def test_saving_sectors_twice_at_once_keeps_one_set(app, arena):
    """Six administrators' saves of the same form at the same moment (a double click
    times six): each answered, and the arena has the chosen sectors once."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    shop = factories.sector(arena["consultation"], "Detailhandel")
    url = f"/admin/expertarena/{arena['session'].id}/instellingen"
    admin = make_staff("admin")
    clients = []
    for _ in range(6):
        client = _client(app, admin)
        clients.append((client, csrf_from(client.get(url).get_data(as_text=True))))
    barrier = threading.Barrier(len(clients))

    def save(pair):
        client, token = pair
        barrier.wait(timeout=30)
        return client.post(url, data={"csrf_token": token, "sector": [
            str(arena["farm"].id), str(shop.id)]}).status_code

    with ThreadPoolExecutor(len(clients)) as pool:
        codes = list(pool.map(save, clients))
    assert codes == [303] * len(clients)
    assert sorted(r.sector_id for r in ExpertarenaArenaSector.select()) == sorted(
        [arena["farm"].id, shop.id])
