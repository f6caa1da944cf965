"""Admin create/edit/delete: refused without a CSRF token; with one, one audit row each."""

from consultplatform.models import AuditLog, Theme
from consultplatform.testing import factories
from tests.conftest import csrf_from


def _theme_form(admin_client, url, **fields):
    token = csrf_from(admin_client.get(url).get_data(as_text=True))
    data = {"csrf_token": token, "name": "Arbeidsmarkt", "description": "", "colour": "#1f5f8b",
            "position": "1", "active": "y"}
    data.update(fields)
    return data


def _audit_rows(action):
    return list(AuditLog.select().where(AuditLog.action == action))


def test_create_without_token_is_refused(admin_client):
    parent = factories.consultation()
    data = _theme_form(admin_client, "/admin/theme/new/", consultation=str(parent.id))
    del data["csrf_token"]
    response = admin_client.post("/admin/theme/new/", data=data)
    assert response.status_code == 400
    assert Theme.select().count() == 0
    assert _audit_rows("create") == []


def test_create_with_bad_token_is_refused(admin_client):
    parent = factories.consultation()
    data = _theme_form(admin_client, "/admin/theme/new/", consultation=str(parent.id))
    data["csrf_token"] = "forged" + data["csrf_token"][6:]
    assert admin_client.post("/admin/theme/new/", data=data).status_code == 400
    assert Theme.select().count() == 0


def test_create_with_token_works_and_is_audited(admin_client, admin_user):
    parent = factories.consultation()
    data = _theme_form(admin_client, "/admin/theme/new/", consultation=str(parent.id))
    response = admin_client.post("/admin/theme/new/", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    theme = Theme.get()
    assert theme.name == "Arbeidsmarkt"
    rows = _audit_rows("create")
    assert len(rows) == 1
    row = rows[0]
    assert (row.actor_id, row.object_type, row.object_id, row.result) == (
        admin_user.id, "Theme", str(theme.id), "success")
    assert row.origin == "127.0.0.1"
    assert "name" in row.details["fields"]


def test_edit_without_token_changes_nothing(admin_client):
    theme = Theme.create(consultation=factories.consultation(), name="Huisvesting")
    url = f"/admin/theme/edit/?id={theme.id}"
    data = _theme_form(admin_client, url, consultation=str(theme.consultation_id), name="Wonen")
    del data["csrf_token"]
    assert admin_client.post(url, data=data).status_code == 400
    assert Theme.get_by_id(theme.id).name == "Huisvesting"
    assert _audit_rows("update") == []


def test_edit_with_token_works_and_is_audited(admin_client):
    theme = Theme.create(consultation=factories.consultation(), name="Huisvesting")
    url = f"/admin/theme/edit/?id={theme.id}"
    data = _theme_form(admin_client, url, consultation=str(theme.consultation_id), name="Wonen",
                       position="0")
    assert admin_client.post(url, data=data).status_code == 302
    assert Theme.get_by_id(theme.id).name == "Wonen"
    rows = _audit_rows("update")
    assert len(rows) == 1 and rows[0].object_id == str(theme.id)
    assert rows[0].details["fields"] == ["name"]


def test_delete_without_token_changes_nothing(admin_client):
    theme = Theme.create(consultation=factories.consultation(), name="Bereikbaarheid")
    response = admin_client.post("/admin/theme/delete/", data={"id": str(theme.id)})
    assert response.status_code == 400
    assert Theme.select().count() == 1
    assert _audit_rows("delete") == []


def test_delete_with_token_works_and_is_audited(admin_client):
    theme = Theme.create(consultation=factories.consultation(), name="Bereikbaarheid")
    token = csrf_from(admin_client.get("/admin/theme/").get_data(as_text=True))
    response = admin_client.post("/admin/theme/delete/", data={"id": str(theme.id),
                                                                "csrf_token": token})
    assert response.status_code == 302
    assert Theme.select().count() == 0
    rows = _audit_rows("delete")
    assert len(rows) == 1
    assert rows[0].details["id"] == str(theme.id)


def test_invalid_form_is_422_and_keeps_input(admin_client):
    parent = factories.consultation()
    data = _theme_form(admin_client, "/admin/theme/new/", consultation=str(parent.id),
                       colour="blue", name="Positionering")
    response = admin_client.post("/admin/theme/new/", data=data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Positionering" in body  # what was typed stays in the form
    assert Theme.select().count() == 0
    assert _audit_rows("create") == []
