"""Roles are enforced on the server: admin all, moderator own sessions, viewer read-only."""

import pytest

from consultplatform.models import AuditLog, ConsultationSession, Theme
from consultplatform.testing import factories
from tests.conftest import csrf_from, login, make_staff


def _client_for(app, role):
    user = make_staff(role)
    client = app.test_client()
    login(client, user)
    return client, user


def _session_form(client, meeting, **changes):
    url = f"/admin/session/edit/?id={meeting.id}"
    response = client.get(url)
    assert response.status_code == 200
    token = csrf_from(response.get_data(as_text=True))
    data = {"csrf_token": token, "format_key": meeting.format_key, "title": meeting.title,
            "description": meeting.description,
            "starts_at": meeting.starts_at.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": meeting.ends_at.strftime("%Y-%m-%dT%H:%M"),
            "location": "", "online_url": "", "status": meeting.status}
    data.update(changes)
    return url, data


def test_moderator_edits_own_session(app):
    client, moderator = _client_for(app, "moderator")
    meeting = factories.session(factories.consultation(), moderator=moderator)
    url, data = _session_form(client, meeting, title="Nieuwe titel")
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert ConsultationSession.get_by_id(meeting.id).title == "Nieuwe titel"


def test_moderator_cannot_edit_someone_elses_session(app):
    client, _ = _client_for(app, "moderator")
    other = make_staff("moderator")
    meeting = factories.session(factories.consultation(), moderator=other, title="Origineel")
    url = f"/admin/session/edit/?id={meeting.id}"
    assert client.get(url).status_code == 403
    token = csrf_from(client.get("/admin/session/").get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, "title": "Gekaapt"})
    assert response.status_code == 403
    assert ConsultationSession.get_by_id(meeting.id).title == "Origineel"
    denied = AuditLog.select().where(AuditLog.result == "denied").count()
    assert denied >= 1


def test_moderator_cannot_reassign_own_session(app):
    """The form a moderator gets has no moderator or capacity field; posting one changes nothing."""
    client, moderator = _client_for(app, "moderator")
    other = make_staff("moderator")
    meeting = factories.session(factories.consultation(), moderator=moderator, capacity=10)
    url, data = _session_form(client, meeting, moderator=str(other.id), capacity="999")
    assert client.post(url, data=data).status_code == 302
    fresh = ConsultationSession.get_by_id(meeting.id)
    assert (fresh.moderator_id, fresh.capacity) == (moderator.id, 10)


def test_moderator_closes_but_cannot_reopen_or_change_the_format(app):
    """Closing is the moderator's; reopening (an arena's insights become writable again)
    and changing the format are for administrators."""
    client, moderator = _client_for(app, "moderator")
    parent = factories.consultation(formats=["general", "fullhooks_panel"])
    meeting = factories.session(parent, moderator=moderator)
    url, data = _session_form(client, meeting, status="closed", format_key="fullhooks_panel")
    assert client.post(url, data=data).status_code == 302
    fresh = ConsultationSession.get_by_id(meeting.id)
    assert (fresh.status, fresh.format_key) == ("closed", "general")
    url, data = _session_form(client, fresh, status="planned")
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert "Alleen een beheerder" in response.get_data(as_text=True)
    assert ConsultationSession.get_by_id(meeting.id).status == "closed"
    admin, _ = _client_for(app, "admin")
    url, data = _session_form(admin, fresh, status="planned")
    data.update(consultation=str(parent.id), capacity="", sector_cap="", audience="public",
                reminder_hours="48")
    assert admin.post(url, data=data).status_code == 302
    assert ConsultationSession.get_by_id(meeting.id).status == "planned"


@pytest.mark.parametrize("role", ["moderator", "viewer"])
def test_no_create_or_delete_of_sessions(app, role):
    client, _ = _client_for(app, role)
    parent = factories.consultation()
    meeting = factories.session(parent)
    token = csrf_from(client.get("/admin/session/").get_data(as_text=True))
    assert client.get("/admin/session/new/").status_code == 403
    response = client.post("/admin/session/new/", data={
        "csrf_token": token, "consultation": str(parent.id), "format_key": "general",
        "title": "Extra", "starts_at": "2030-01-01T10:00", "ends_at": "2030-01-01T12:00"})
    assert response.status_code == 403
    assert client.post("/admin/session/delete/", data={"csrf_token": token,
                                                       "id": str(meeting.id)}).status_code == 403
    assert client.post("/admin/session/action/", data={
        "csrf_token": token, "action": "delete", "rowid": str(meeting.id)}).status_code == 403
    assert ConsultationSession.select().count() == 1


CORE_ENDPOINTS = ["consultation", "session", "sector", "theme", "participant", "registration",
                  "sitepage"]


@pytest.mark.parametrize("endpoint", CORE_ENDPOINTS)
def test_viewer_reads_but_cannot_change(app, endpoint):
    client, _ = _client_for(app, "viewer")
    parent = factories.consultation()
    theme = Theme.create(consultation=parent, name="Samenwerking")
    meeting = factories.session(parent)
    person = factories.participant(parent)
    factories.registration(person, meeting)
    factories.sector(parent)
    assert client.get(f"/admin/{endpoint}/").status_code == 200
    token = csrf_from(client.get(f"/admin/{endpoint}/").get_data(as_text=True))
    before = AuditLog.select().where(AuditLog.result == "success").count()
    model = app.extensions["admin"][0]._views
    view = next(v for v in model if getattr(v, "endpoint", None) == endpoint)
    row = view.model.select().first()
    count = view.model.select().count()
    data = {"csrf_token": token, "name": "x", "title": "x", "id": str(row.id)}
    for url in (f"/admin/{endpoint}/new/", f"/admin/{endpoint}/edit/?id={row.id}",
                f"/admin/{endpoint}/delete/"):
        assert client.post(url, data=data).status_code == 403, url
    assert client.post(f"/admin/{endpoint}/action/", data={
        "csrf_token": token, "action": "delete", "rowid": str(row.id)}).status_code == 403
    assert view.model.select().count() == count
    assert AuditLog.select().where(AuditLog.result == "success").count() == before
    assert Theme.get_by_id(theme.id).name == "Samenwerking"


@pytest.mark.parametrize("role", ["moderator", "viewer"])
def test_staff_accounts_audit_log_and_plugins_are_admin_only(app, role):
    client, _ = _client_for(app, role)
    for url in ("/admin/staffuser/", "/admin/auditlog/", "/admin/plugins/"):
        assert client.get(url).status_code == 403, url
    token = csrf_from(client.get("/admin/").get_data(as_text=True))
    assert client.post("/admin/plugins/toggle", data={
        "csrf_token": token, "name": "fullhooks", "enabled": "0"}).status_code == 403


def test_admin_may_do_everything(app, admin_client):
    parent = factories.consultation()
    meeting = factories.session(parent, moderator=make_staff("moderator"))
    url, data = _session_form(admin_client, meeting, title="Door beheer", consultation=str(parent.id))
    assert admin_client.post(url, data=data).status_code == 302
    assert ConsultationSession.get_by_id(meeting.id).title == "Door beheer"
    for url in ("/admin/staffuser/", "/admin/auditlog/", "/admin/plugins/"):
        assert admin_client.get(url).status_code == 200
