"""Review findings, each pinned by a test: bulk delete, repeated ids, cascades,
cross-consultation links, moderators' view of personal data, dates, CSRF message."""

from __future__ import annotations

import threading

from consultplatform.config import _instance_secret_key
from consultplatform.db import make_database
from consultplatform.models import (
    AuditLog,
    Consultation,
    ConsultationSession,
    Participant,
    Registration,
    StaffUser,
    Theme,
)
from consultplatform.testing import factories
from tests.conftest import csrf_from, login, make_staff
from tests.forms import form_data


def _token(client, url="/admin/"):
    return csrf_from(client.get(url).get_data(as_text=True))


def test_bulk_delete_is_audited_per_record(app, admin_client):
    parent = factories.consultation()
    themes = [Theme.create(consultation=parent, name=f"Thema {i}") for i in range(3)]
    response = admin_client.post("/admin/theme/action/", data={
        "csrf_token": _token(admin_client), "action": "delete",
        "rowid": [str(t.id) for t in themes[:2]]})
    assert response.status_code == 302
    assert [t.name for t in Theme.select()] == ["Thema 2"]
    rows = AuditLog.select().where(AuditLog.action == "delete")
    assert sorted(r.details["id"] for r in rows) == sorted(str(t.id) for t in themes[:2])


def test_bulk_delete_cannot_remove_your_own_account(app, admin_client, admin_user):
    other = make_staff("viewer")
    admin_client.post("/admin/staffuser/action/", data={
        "csrf_token": _token(admin_client), "action": "delete",
        "rowid": [str(admin_user.id), str(other.id)]})
    assert StaffUser.get_or_none(StaffUser.id == admin_user.id) is not None
    assert StaffUser.get_or_none(StaffUser.id == other.id) is None


def test_a_repeated_id_is_a_bad_request(app, admin_client):
    first, second = factories.consultation(), factories.consultation()
    for view in ("details", "edit"):
        response = admin_client.get(f"/admin/consultation/{view}/?id={first.id}&id={second.id}")
        assert response.status_code == 400, view
    response = admin_client.post("/admin/consultation/delete/", data={
        "csrf_token": _token(admin_client), "id": [str(first.id), str(second.id)]})
    assert response.status_code == 400
    assert Consultation.select().count() == 2


def test_a_consultation_with_participants_is_not_deleted(app, admin_client):
    parent = factories.consultation()
    factories.registration(factories.participant(parent), factories.session(parent))
    empty = factories.consultation()
    factories.session(empty)
    token = _token(admin_client)
    admin_client.post("/admin/consultation/delete/", data={"csrf_token": token,
                                                            "id": str(parent.id)})
    assert Consultation.get_or_none(Consultation.id == parent.id) is not None
    assert Registration.select().count() == 1
    admin_client.post("/admin/consultation/delete/", data={"csrf_token": token,
                                                            "id": str(empty.id)})
    assert Consultation.get_or_none(Consultation.id == empty.id) is None
    assert ConsultationSession.select().where(
        ConsultationSession.consultation == empty.id).count() == 0  # the database's cascade


def test_no_links_across_consultations(app, admin_client):
    first, second = factories.consultation(), factories.consultation()
    person = factories.participant(first)
    elsewhere = factories.session(second)
    foreign_sector = factories.sector(second)
    url = "/admin/registration/new/"
    data = form_data(admin_client.get(url).get_data(as_text=True))
    data.update(participant=str(person.id), session=str(elsewhere.id))
    response = admin_client.post(url, data=data)
    assert response.status_code == 422
    assert Registration.select().count() == 0
    edit = f"/admin/participant/edit/?id={person.id}"
    data = form_data(admin_client.get(edit).get_data(as_text=True))
    data["sector"] = str(foreign_sector.id)
    assert admin_client.post(edit, data=data).status_code == 422
    assert Participant.get_by_id(person.id).sector_id is None


def test_moderators_see_only_their_own_participants(app):
    moderator = make_staff("moderator")
    parent = factories.consultation()
    mine = factories.session(parent, moderator=moderator)
    theirs = factories.session(parent)
    visible = factories.participant(parent, name="Zichtbaar Persoon")
    hidden = factories.participant(parent, name="Verborgen Persoon")
    factories.registration(visible, mine)
    factories.registration(hidden, theirs)
    client = app.test_client()
    login(client, moderator)
    listing = client.get("/admin/participant/").get_data(as_text=True)
    assert "Zichtbaar Persoon" in listing and "Verborgen Persoon" not in listing
    assert client.get(f"/admin/participant/details/?id={hidden.id}").status_code == 404
    assert client.get(f"/admin/participant/details/?id={visible.id}").status_code == 200


def test_implausible_dates_are_refused(app, admin_client):
    parent = factories.consultation()
    url = f"/admin/consultation/edit/?id={parent.id}"
    data = form_data(admin_client.get(url).get_data(as_text=True))
    data["starts_on"] = "0001-01-01"
    assert admin_client.post(url, data=data).status_code == 422
    assert Consultation.get_by_id(parent.id).starts_on is None


def test_an_expired_form_gets_a_message_in_dutch(app, client):
    response = client.post("/auth/login", data={"email": "a@example.org", "password": "x"})
    assert response.status_code == 400
    assert "Het formulier is verlopen" in response.get_data(as_text=True)


def test_postgres_socket_urls():
    database = make_database("postgresql:///gemeente?host=/var/run/postgresql", ".")
    assert database.database == "gemeente"
    assert database.connect_params["host"] == "/var/run/postgresql"


def test_workers_starting_together_share_one_secret_key(tmp_path):
    keys, barrier = [], threading.Barrier(8)

    def start():
        barrier.wait()
        keys.append(_instance_secret_key(str(tmp_path)))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1 and len(keys[0]) == 64
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]
