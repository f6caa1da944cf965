"""The plugin machinery: discovery, switches, settings, formats, validation."""

from __future__ import annotations

import textwrap
import time

import pytest

from consultplatform.models import AuditLog, PluginSetting, PluginState
from consultplatform.plugins import PluginError, registry
from consultplatform.testing import count_queries, factories
from tests.conftest import csrf_from, make_app
from tests.plugin_fullhooks.models import FullhooksNote


def _write_distribution(root, name="epdemo", version="1.2.3"):
    """A real installed distribution on sys.path: module + dist-info with an entry point."""
    module = root / f"{name}_plugin.py"
    module.write_text(textwrap.dedent(f"""
        from consultplatform.api import hookimpl
        from consultplatform.contributions import SessionFormat

        @hookimpl
        def cp_session_formats():
            return [SessionFormat(key="{name}_talk", label="Talk")]
    """))
    info = root / f"{name}_plugin-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}-plugin\nVersion: {version}\n")
    (info / "entry_points.txt").write_text(f"[consultplatform]\n{name} = {name}_plugin\n")


def test_entry_point_plugins_are_discovered(migrated, instance_dir, tmp_path, monkeypatch):
    _write_distribution(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    app = make_app(migrated, instance_dir)
    plugins = registry(app)
    info = {i.name: i for i in plugins.info()}
    assert info["epdemo"].version == "1.2.3"
    assert info["epdemo"].hooks == ("cp_session_formats",)
    with app.app_context():
        assert "epdemo_talk" in plugins.formats()


def test_plugins_allowed_restricts_loading(migrated, instance_dir, tmp_path, monkeypatch):
    _write_distribution(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    app = make_app(migrated, instance_dir, PLUGINS_ALLOWED=[])
    assert "epdemo" not in registry(app).names()
    assert "core" in registry(app).names()


@pytest.mark.parametrize("module, message", [
    ("duplicate_format", "already offered"),
    ("bad_table", "must start with"),
    ("plain_admin_view", "must subclass"),
    ("date_settings", "does not store as plain JSON"),
    ("wrapper", "wrappers are not supported"),
    ("stray_watch", "ContentWatch items for tables named 'stray_watch_"),
])
def test_bad_plugins_are_refused_at_start(migrated, instance_dir, module, message):
    with pytest.raises(PluginError, match=message):
        make_app(migrated, instance_dir,
                 PLUGINS_EXTRA=[f"{module}=tests.bad_plugins.{module}"])


def test_plugin_names_may_not_prefix_each_other(migrated, instance_dir):
    with pytest.raises(PluginError, match="would share the prefix"):
        make_app(migrated, instance_dir, PLUGINS_EXTRA=[
            "fullhooks=tests.plugin_fullhooks", "arena=tests.bad_plugins.empty",
            "arena_x=tests.bad_plugins.wrapper"])


def test_an_extra_entry_for_a_loaded_plugin_is_ignored(migrated, instance_dir):
    app = make_app(migrated, instance_dir, PLUGINS_EXTRA=[
        "fullhooks=tests.plugin_fullhooks", "fullhooks=tests.bad_plugins.empty"])
    assert registry(app).pm.get_plugin("fullhooks").__name__ == "tests.plugin_fullhooks"


def test_saving_a_consultation_keeps_formats_of_a_disabled_plugin(app, admin_client):
    from consultplatform.models import Consultation
    from tests.forms import form_data

    parent = factories.consultation(formats=["general", "fullhooks_panel"])
    _toggle(admin_client, "fullhooks", False)
    url = f"/admin/consultation/edit/?id={parent.id}"
    data = form_data(admin_client.get(url).get_data(as_text=True))
    assert sorted(data["formats"]) == ["fullhooks_panel", "general"]
    data["title"] = "Nieuwe titel"
    assert admin_client.post(url, data=data).status_code == 302
    saved = Consultation.get_by_id(parent.id)
    assert saved.title == "Nieuwe titel"
    assert sorted(saved.formats) == ["fullhooks_panel", "general"]


def _toggle(client, name, enabled):
    token = csrf_from(client.get("/admin/plugins/").get_data(as_text=True))
    return client.post("/admin/plugins/toggle", data={"csrf_token": token, "name": name,
                                                     "enabled": "1" if enabled else "0"})


def test_disabling_removes_views_pages_and_formats_without_restart(app, admin_client):
    FullhooksNote.create(title="bewaard")
    parent = factories.consultation()
    assert admin_client.get("/admin/fullhooks_note/").status_code == 200
    assert admin_client.get("/fullhooks/ping").status_code == 200
    assert "fullhooks_panel" in admin_client.get("/admin/session/new/").get_data(as_text=True)
    assert "Notes (test)" in admin_client.get("/admin/").get_data(as_text=True)

    assert _toggle(admin_client, "fullhooks", False).status_code == 303
    assert PluginState.get(PluginState.name == "fullhooks").enabled is False
    assert admin_client.get("/admin/fullhooks_note/").status_code == 404
    assert admin_client.get("/fullhooks/ping").status_code == 404
    assert "Notes (test)" not in admin_client.get("/admin/").get_data(as_text=True)
    assert "fullhooks_panel" not in admin_client.get("/admin/session/new/").get_data(as_text=True)
    with app.test_request_context():
        assert "fullhooks_panel" not in registry().formats()
    assert AuditLog.select().where(AuditLog.action == "disable").count() == 1

    assert _toggle(admin_client, "fullhooks", True).status_code == 303
    assert admin_client.get("/fullhooks/ping").get_data(as_text=True).count("notes: 1") == 1
    assert admin_client.get("/admin/fullhooks_note/").status_code == 200
    assert FullhooksNote.get().title == "bewaard"
    assert parent.id  # consultation untouched


def test_a_second_worker_sees_the_switch_within_a_second(app, admin_client, migrated,
                                                         instance_dir):
    """Another app (another gunicorn worker) keeps its copy of the switches for
    PLUGIN_STATE_SECONDS, reading no state meanwhile, then reads them again."""
    other = make_app(migrated, instance_dir, PLUGIN_STATE_SECONDS=0.5).test_client()
    assert other.get("/fullhooks/ping").status_code == 200
    with count_queries() as counted:
        assert other.get("/fullhooks/ping").status_code == 200
    assert not [sql for sql in counted.statements if "plugin_state" in sql]
    _toggle(admin_client, "fullhooks", False)
    switched = time.monotonic()
    while other.get("/fullhooks/ping").status_code != 404:
        assert time.monotonic() - switched < 1.0, "the other worker still serves the plugin"
        time.sleep(0.05)
    # The worker that switched sees it at once.
    assert admin_client.get("/fullhooks/ping").status_code == 404


def test_core_cannot_be_switched_off(app, admin_client):
    assert _toggle(admin_client, "core", False).status_code == 404
    assert _toggle(admin_client, "nonexistent", False).status_code == 404
    assert PluginState.select().count() == 0


def test_settings_lookup_consultation_install_default(app, admin_client):
    first, second = factories.consultation(), factories.consultation()
    with app.app_context():
        assert registry().settings("fullhooks") == {"greeting": "hallo", "limit": 3}

    url = "/admin/plugins/settings/fullhooks"
    token = csrf_from(admin_client.get(url).get_data(as_text=True))
    response = admin_client.post(url, data={"csrf_token": token, "greeting": "goedendag",
                                            "limit": "3"})
    assert response.status_code == 303
    curl = f"{url}?consultation={first.id}"
    token = csrf_from(admin_client.get(curl).get_data(as_text=True))
    assert admin_client.post(curl, data={"csrf_token": token, "greeting": "goedendag",
                                         "limit": "7"}).status_code == 303

    with app.app_context():
        plugins = registry()
        assert plugins.settings("fullhooks") == {"greeting": "goedendag", "limit": 3}
        assert plugins.settings("fullhooks", first) == {"greeting": "goedendag", "limit": 7}
        assert plugins.settings("fullhooks", second) == {"greeting": "goedendag", "limit": 3}
    # Only the difference is stored for the consultation, as JSON.
    row = PluginSetting.get(PluginSetting.consultation == first.id)
    assert row.data == {"limit": 7}


def test_invalid_settings_are_refused(app, admin_client):
    url = "/admin/plugins/settings/fullhooks"
    token = csrf_from(admin_client.get(url).get_data(as_text=True))
    response = admin_client.post(url, data={"csrf_token": token, "greeting": "x",
                                            "limit": "500"})
    assert response.status_code == 422
    assert "500" in response.get_data(as_text=True)
    assert PluginSetting.select().count() == 0


def test_settings_of_unknown_plugin_or_consultation_are_404(app, admin_client):
    assert admin_client.get("/admin/plugins/settings/nope").status_code == 404
    assert admin_client.get("/admin/plugins/settings/core").status_code == 404
    url = "/admin/plugins/settings/fullhooks?consultation="
    for bad in ("999999", "abc", "9" * 40):
        assert admin_client.get(url + bad).status_code == 404


def test_session_format_must_be_one_the_consultation_uses(app, admin_client):
    parent = factories.consultation(formats=["general"])
    admin_client.set_cookie("lang", "en")
    token = csrf_from(admin_client.get("/admin/session/new/").get_data(as_text=True))
    response = admin_client.post("/admin/session/new/", data={
        "csrf_token": token, "consultation": str(parent.id), "format_key": "fullhooks_panel",
        "title": "Paneldiscussie", "starts_at": "2031-03-01T10:00",
        "ends_at": "2031-03-01T12:00", "audience": "public", "status": "planned"})
    assert response.status_code == 422
    assert "does not use this format" in response.get_data(as_text=True)
