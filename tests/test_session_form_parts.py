"""Plugin fields on the session form (hook cp_session_form_parts), through the test
plugin's "topic of the panel": shown for its format only, to administrators only,
checked, saved in the session's own transaction, gone when the plugin is off."""

from __future__ import annotations

from consultplatform.testing import csrf_from, factories, login, make_staff
from tests.forms import form_data
from tests.plugin_fullhooks.models import FullhooksNote


def _edit(client, session, **changes):
    url = f"/admin/session/edit/?id={session.id}"
    data = form_data(client.get(url).get_data(as_text=True))
    data.update(changes)
    return client.post(url, data=data)


def test_hook_cp_session_form_parts(app, admin_client):
    parent = factories.consultation()
    panel = factories.session(parent, format_key="fullhooks_panel")
    meeting = factories.session(parent)
    assert "fullhooks_panel_topic" in admin_client.get(
        f"/admin/session/edit/?id={panel.id}").get_data(as_text=True)
    assert "fullhooks_panel_topic" not in admin_client.get(
        f"/admin/session/edit/?id={meeting.id}").get_data(as_text=True)
    # A new session of a consultation that uses the format: the field is offered.
    assert "fullhooks_panel_topic" in admin_client.get(
        f"/admin/session/new/?consultation={parent.id}").get_data(as_text=True)

    assert _edit(admin_client, panel, fullhooks_panel_topic="Stikstof").status_code == 302
    assert FullhooksNote.get(FullhooksNote.title == f"Panel {panel.id}").body == "Stikstof"
    page = admin_client.get(f"/admin/session/edit/?id={panel.id}").get_data(as_text=True)
    assert 'value="Stikstof"' in page  # the part fills in the current value

    refused = _edit(admin_client, panel, fullhooks_panel_topic="verboden", title="Nieuw")
    assert refused.status_code == 422
    assert "Dit onderwerp mag niet." in refused.get_data(as_text=True)
    assert FullhooksNote.get(FullhooksNote.title == f"Panel {panel.id}").body == "Stikstof"
    panel = type(panel).get_by_id(panel.id)
    assert panel.title != "Nieuw"  # the session's own change is refused with it


def test_moderators_and_switched_off_plugins_get_no_part_fields(app, admin_client, client):
    parent = factories.consultation()
    moderator = make_staff("moderator")
    panel = factories.session(parent, format_key="fullhooks_panel", moderator=moderator)
    login(client, moderator)
    page = client.get(f"/admin/session/edit/?id={panel.id}").get_data(as_text=True)
    assert "fullhooks_panel_topic" not in page and "Topic of the panel" not in page

    token = csrf_from(admin_client.get("/admin/plugins/").get_data(as_text=True))
    assert admin_client.post("/admin/plugins/toggle", data={
        "csrf_token": token, "name": "fullhooks", "enabled": "0"}).status_code == 303
    page = admin_client.get(f"/admin/session/edit/?id={panel.id}").get_data(as_text=True)
    assert "fullhooks_panel_topic" not in page
