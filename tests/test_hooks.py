"""Every hook: documented, and tested on its own (test_hook_<name> below)."""

from __future__ import annotations

import inspect
import io
import logging
import pathlib
import re

import pytest

from consultplatform import hookspecs, revisions
from consultplatform.contributions import ContentWatch, ExportScope
from consultplatform.db import db
from consultplatform.demo import load_demo
from consultplatform.events import emit_after_commit
from consultplatform.exporting import export_table
from consultplatform.migrate import SchemaMigration, upgrade
from consultplatform.models import Consultation, ConsultationSession, Registration
from consultplatform.plugins import PluginError, registry
from consultplatform.public.blocks import public_blocks
from consultplatform.testing import factories
from tests.conftest import csrf_from, make_app
from tests.forms import form_data
from tests.plugin_fullhooks import Settings
from tests.plugin_fullhooks.models import FullhooksEvent, FullhooksNote

ROOT = pathlib.Path(__file__).resolve().parents[1]
HOOKS = hookspecs.all_hook_names()


def test_there_are_hooks_for_every_capability():
    for expected in ("cp_session_formats", "cp_models", "cp_admin_views", "cp_blueprints",
                     "cp_exporters", "cp_export_datasets", "cp_memo_sections",
                     "cp_settings_form", "cp_demo_data", *hookspecs.EVENT_HOOKS):
        assert expected in HOOKS


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_docstring(hook):
    doc = inspect.getdoc(getattr(hookspecs, hook))
    assert doc and len(doc) > 40, f"{hook} needs a docstring saying when it is called and what it returns"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_in_the_plugin_guide(hook):
    guide = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    assert f"### `{hook}`" in guide, f"docs/plugins.md needs a section '### `{hook}`'"


def hook_signature(hook: str) -> str:
    """``cp_x(arg: Type) -> Result`` as the hookspec declares it (annotations as written)."""
    signature = inspect.signature(getattr(hookspecs, hook))
    params = ", ".join(f"{p.name}: {p.annotation}" for p in signature.parameters.values())
    return f"{hook}({params}) -> {signature.return_annotation}"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_signature_is_in_the_plugin_guide(hook):
    guide = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    section = guide.split(f"### `{hook}`", 1)[1].split("\n### ", 1)[0]
    expected = f"**Signature.** `{hook_signature(hook)}`"
    assert expected in section, f"docs/plugins.md, section {hook}, needs: {expected}"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_test_of_its_own(hook):
    sources = "\n".join(p.read_text(encoding="utf-8") for folder in ("tests", "plugins")
                        for p in (ROOT / folder).rglob("test_*.py"))
    assert re.search(rf"def test_hook_{hook}\b", sources), f"write def test_hook_{hook}(...)"


def test_the_test_plugin_implements_every_hook(app):
    info = {i.name: i for i in registry(app).info()}
    assert set(info["fullhooks"].hooks) == set(HOOKS)


# --- one test per hook -------------------------------------------------------------------


def test_hook_cp_session_formats(app):
    with app.test_request_context():
        formats = registry().formats()
    assert formats["general"][0] == "core"
    assert formats["fullhooks_panel"][0] == "fullhooks"
    assert str(formats["fullhooks_panel"][1].label) == "Panel (test)"


def test_hook_cp_models(app):
    models = [model for name, model in registry(app).items("cp_models", only_enabled=False)]
    assert FullhooksNote in models
    assert FullhooksNote.table_exists()


def test_hook_cp_migrations(app):
    applied = {(m.namespace, m.name) for m in SchemaMigration.select()}
    assert ("fullhooks", "m0001_initial") in applied
    assert ("core", "m0001_initial") in applied
    with app.app_context():
        assert upgrade(registry()) == []  # nothing left to apply


def test_hook_cp_content_revisions(app):
    """The test plugin watches its notes: every write renews the public revision, by
    the trigger the upgrade installed (whatever wrote the row)."""
    watches = revisions.content_watches(registry(app))
    assert ContentWatch("fullhooks_note", public=True) in watches
    seen = [revisions.revision(revisions.PUBLIC_SCOPE)]
    note = FullhooksNote.create(title="een")
    seen.append(revisions.revision(revisions.PUBLIC_SCOPE))
    FullhooksNote.update(title="twee").where(FullhooksNote.id == note.id).execute()
    seen.append(revisions.revision(revisions.PUBLIC_SCOPE))
    note.delete_instance()
    seen.append(revisions.revision(revisions.PUBLIC_SCOPE))
    assert len(set(seen)) == 4, seen
    with pytest.raises(ValueError, match="names no revision"):
        revisions.watched(ContentWatch("fullhooks_note"))
    with pytest.raises(ValueError, match="not a table or column name"):
        revisions.watched(ContentWatch("fullhooks_note; DROP TABLE x", public=True))


def test_hook_cp_admin_views(app, admin_client):
    views = [v for v in app.extensions["admin"][0]._views if v.endpoint == "fullhooks_note"]
    assert len(views) == 1 and views[0].plugin_name == "fullhooks"
    assert admin_client.get("/admin/fullhooks_note/").status_code == 200


def test_hook_cp_blueprints(app, client, migrated, tmp_path):
    FullhooksNote.create(title="een")
    assert "notes: 1" in client.get("/fullhooks/ping").get_data(as_text=True)
    # instance/templates overrides a plugin's template (a municipality's branding).
    override = tmp_path / "templates" / "fullhooks"
    override.mkdir(parents=True)
    (override / "ping.html").write_text("overridden {{ notes }}")
    branded = make_app(migrated, tmp_path)
    assert branded.test_client().get("/fullhooks/ping").get_data(as_text=True) == "overridden 1"


def test_hook_cp_exporters(app):
    exporters = dict(registry(app).items("cp_exporters"))
    (exporter,) = [e for name, e in registry(app).items("cp_exporters") if name == "fullhooks"]
    assert "fullhooks" in exporters
    parent = factories.consultation(slug="export-test")
    with app.app_context():
        datasets = [d for _, d in registry().items("cp_export_datasets", consultation=parent)]
    notes = next(d for d in datasets if d.key == "fullhooks_notes")
    out = io.BytesIO()
    exporter.write_file(export_table(notes, ExportScope(), "nl"), out)
    assert out.getvalue() == b"consultation\tnotes\nexport-test\t0\n"


def test_hook_cp_export_datasets(app):
    parent = factories.consultation()
    meeting = factories.session(parent, capacity=5)
    for status in ("confirmed", "confirmed", "waitlisted"):
        factories.registration(factories.participant(parent), meeting, status=status)
    with app.app_context():
        datasets = {(name, d.key): d for name, d in
                    registry().items("cp_export_datasets", consultation=parent)}
    sessions = datasets[("core", "sessions")]
    keys = [column.key for column in sessions.columns]
    (row,) = sessions.rows(ExportScope())
    assert dict(zip(keys, row, strict=True))["confirmed"] == 2
    assert dict(zip(keys, row, strict=True))["waitlisted"] == 1
    assert sessions.count(ExportScope()) == 1
    assert sessions.rows(ExportScope(session_ids=frozenset({meeting.id + 1}))) == []
    assert ("fullhooks", "fullhooks_notes") in datasets


def test_hook_cp_session_sectors(app):
    from consultplatform.eligibility import allowed_sectors
    from consultplatform.services.signup import CONFIRMED, OTHER_SECTORS, Applicant, SignUp, sign_up

    parent = factories.consultation()
    farming, retail = factories.sector(parent, "Landbouw"), factories.sector(parent, "Retail")
    panel = factories.session(parent, format_key="fullhooks_panel", sector=farming)
    open_panel = factories.session(parent, format_key="fullhooks_panel")
    with app.test_request_context():
        assert allowed_sectors([panel, open_panel]) == {panel.id: frozenset({farming.id})}

        def attempt(email, sector, side="entrepreneur"):
            return sign_up(SignUp(consultation=parent, session_ids=[panel.id], applicant=Applicant(
                name="Iemand", email=email, sector_id=sector.id, side=side)))[0].result

        assert attempt("boer@example.org", farming) == CONFIRMED
        assert attempt("winkel@example.org", retail) == OTHER_SECTORS
        assert attempt("ambtenaar@example.org", retail, side="government") == CONFIRMED
        registry().set_enabled("fullhooks", False)
        assert allowed_sectors([panel]) == {}
        assert attempt("winkel2@example.org", retail) == CONFIRMED


def test_hook_cp_memo_sections(app):
    parent = factories.consultation(slug="memo-test")
    person = factories.participant(parent, name="Geheime Naam", email="geheim@example.org")
    factories.registration(person, factories.session(parent))
    with app.test_request_context():
        sections = sorted((s for _, s in registry().items("cp_memo_sections", consultation=parent)),
                          key=lambda s: s.order)
    assert [s.key for s in sections] == ["fullhooks", "participation"]
    text = repr(sections)
    assert "Geheime Naam" not in text and "geheim@example.org" not in text  # aggregates only
    assert sections[1].table[1][-1] == 1


def test_hook_cp_settings_form(app):
    assert registry(app).settings_form("fullhooks") is Settings
    assert registry(app).settings_form("core") is None


def test_hook_cp_demo_data(app):
    with app.app_context():
        report = load_demo(registry())
    assert report["fullhooks.notes"] == 1
    assert report["template.sectors"] == 7 and report["template.themes"] == 7
    assert 35 <= report["core.participants"] <= 45
    assert FullhooksNote.get().title == "Demo note for sociaal-economische-agenda"


# --- events: fired after the commit, through the real admin paths -----------------------------


def _events(hook):
    return [e.object_id for e in FullhooksEvent.select().where(FullhooksEvent.hook == hook)]


def _edit(admin_client, endpoint, obj_id, **changes):
    url = f"/admin/{endpoint}/edit/?id={obj_id}"
    data = form_data(admin_client.get(url).get_data(as_text=True))
    data.update(changes)
    response = admin_client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]


def _action(admin_client, endpoint, name, obj_id):
    token = csrf_from(admin_client.get(f"/admin/{endpoint}/").get_data(as_text=True))
    response = admin_client.post(f"/admin/{endpoint}/action/", data={
        "csrf_token": token, "action": name, "rowid": str(obj_id)})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]


def test_hook_cp_registration_created(app, admin_client):
    parent = factories.consultation()
    meeting, person = factories.session(parent), factories.participant(parent)
    url = "/admin/registration/new/"
    data = form_data(admin_client.get(url).get_data(as_text=True))
    data.update(participant=str(person.id), session=str(meeting.id), status="confirmed")
    assert admin_client.post(url, data=data).status_code == 302
    assert _events("cp_registration_created") == [Registration.get().id]


def test_hook_cp_registration_cancelled(app, admin_client):
    parent = factories.consultation()
    reg = factories.registration(factories.participant(parent), factories.session(parent))
    _action(admin_client, "registration", "cancel", reg.id)
    assert _events("cp_registration_cancelled") == [reg.id]
    assert Registration.get_by_id(reg.id).cancelled_at is not None


def test_hook_cp_registration_promoted(app, admin_client):
    parent = factories.consultation()
    reg = factories.registration(factories.participant(parent), factories.session(parent),
                                 status="waitlisted")
    _action(admin_client, "registration", "promote", reg.id)
    assert _events("cp_registration_promoted") == [reg.id]
    assert _events("cp_registration_cancelled") == []


def test_hook_cp_session_closed(app, admin_client):
    meeting = factories.session(factories.consultation())
    _edit(admin_client, "session", meeting.id, title="Nog open")
    assert _events("cp_session_closed") == []
    _edit(admin_client, "session", meeting.id, status="closed")
    assert _events("cp_session_closed") == [meeting.id]
    _edit(admin_client, "session", meeting.id, title="Gesloten en hernoemd")
    assert _events("cp_session_closed") == [meeting.id]  # once, not on every save


def test_hook_cp_consultation_closed(app, admin_client):
    parent = factories.consultation()
    _edit(admin_client, "consultation", parent.id, status="closed")
    assert _events("cp_consultation_closed") == [parent.id]
    assert Consultation.get_by_id(parent.id).status == "closed"


def test_events_wait_for_the_commit_and_vanish_on_rollback(app):
    meeting = factories.session(factories.consultation())
    with app.test_request_context():
        with db.atomic() as txn:
            emit_after_commit("cp_session_closed", session=meeting)
            assert _events("cp_session_closed") == []  # not before the commit
            txn.rollback()
        assert _events("cp_session_closed") == []
        with db.atomic():
            emit_after_commit("cp_session_closed", session=meeting)
        assert _events("cp_session_closed") == [meeting.id]


def test_disabled_plugins_hear_no_events(app):
    meeting = factories.session(factories.consultation())
    with app.test_request_context():
        registry().set_enabled("fullhooks", False)
        with db.atomic():
            emit_after_commit("cp_session_closed", session=meeting)
    assert _events("cp_session_closed") == []


def test_a_failing_event_handler_is_logged_not_raised(app, caplog, monkeypatch):
    import tests.plugin_fullhooks as plugin

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(plugin, "_event", broken)
    meeting = factories.session(factories.consultation())
    with app.test_request_context(), caplog.at_level(logging.ERROR), db.atomic():
        emit_after_commit("cp_session_closed", session=meeting)
    assert "fullhooks failed in cp_session_closed" in caplog.text
    assert ConsultationSession.get_by_id(meeting.id)  # the commit stands


def test_hook_cp_merge_themes(app, admin_client):
    """The merge page asks every plugin (switched off too) to move its references, in
    the merge's transaction; then the old theme is gone and the merge is audited."""
    from consultplatform.models import AuditLog, Theme

    parent = factories.consultation()
    keep = Theme.create(consultation=parent, name="Arbeidsmarkt")
    drop = Theme.create(consultation=parent, name="Werk")
    with app.app_context():
        registry().set_enabled("fullhooks", False)
    url = f"/admin/theme/merge/?id={drop.id}"
    token = csrf_from(admin_client.get(url).get_data(as_text=True))
    response = admin_client.post(url, data={"csrf_token": token, "target": str(keep.id)})
    assert response.status_code == 303
    assert _events("cp_merge_themes") == [drop.id]
    assert Theme.get_or_none(Theme.id == drop.id) is None
    entry = AuditLog.get(AuditLog.action == "merge")
    assert entry.object_id == str(keep.id)
    assert entry.details["merged"] == str(drop.id)
    assert entry.details["moved"]["fullhooks.calls"] == 1


def test_hook_cp_public_blocks(app, client):
    """The test plugin's block shows on its consultations' pages, in the cached page too
    (its notes renew the public revision); a block without the plugin's prefix stops the
    page; a switched-off plugin's block is gone."""
    factories.consultation(slug="fullhooks-page")
    factories.consultation(slug="other-page")
    FullhooksNote.create(title="een")
    assert "notes: 1" in client.get("/c/fullhooks-page").get_data(as_text=True)
    assert "notes:" not in client.get("/c/other-page").get_data(as_text=True)
    FullhooksNote.create(title="twee")
    assert "notes: 2" in client.get("/c/fullhooks-page").get_data(as_text=True)
    with app.test_request_context():
        assert [b.key for b in public_blocks(Consultation.get(slug="fullhooks-page"))] == [
            "fullhooks_notes"]
        with pytest.raises(PluginError, match="must carry the plugin's name"):
            public_blocks(factories.consultation(slug="fullhooks-wrong"))
        registry().set_enabled("fullhooks", False)
    assert "notes:" not in client.get("/c/fullhooks-page").get_data(as_text=True)


def test_hook_cp_action_vocabulary(app):
    """The first plugin that answers gives the action lists; the action service refuses
    other codes; other consultations keep the defaults."""
    from consultplatform.action_vocabulary import action_vocabulary
    from consultplatform.services.actions import ActionError, ActionInput, create_action

    ours = factories.consultation(slug="fullhooks-actions")
    other = factories.consultation()
    with app.test_request_context():
        assert action_vocabulary(ours).codes("kind") == {"plan"}
        assert action_vocabulary(ours).label("owner", "wij", "en") == "Us"
        assert action_vocabulary(other).codes("kind") >= {"action", "proposal", "governance"}
        made = create_action(ours.id, ActionInput(title="Loket", kind="plan", owner="wij"))
        assert (made.kind, made.owner) == ("plan", "wij")
        with pytest.raises(ActionError) as refused:
            create_action(ours.id, ActionInput(title="Loket", kind="action", owner="wij"))
        assert refused.value.field == "kind"


def test_hook_cp_insight_vocabulary(app):
    """The first plugin that answers gives the lists; the insight service refuses other
    codes; without an answer (or for other consultations) the case's defaults apply."""
    from consultplatform.services.insights import InsightInput, InsightInputError, record_insight
    from consultplatform.vocabulary import insight_vocabulary

    ours = factories.consultation(slug="fullhooks-vocabulary")
    other = factories.consultation()
    with app.test_request_context():
        assert insight_vocabulary(ours).category_codes() == {"kans", "zorg"}
        assert insight_vocabulary(ours).actor_codes() == {"wij"}
        assert "ambities" in insight_vocabulary(other).category_codes()
        meeting = factories.session(ours)
        saved = record_insight(meeting.id, InsightInput(text="Ruimte", category="kans",
                                                        actor="wij"))
        assert saved.insight.category == "kans"
        with pytest.raises(InsightInputError) as refused:
            record_insight(meeting.id, InsightInput(text="Ruimte", category="ambities"))
        assert refused.value.field == "category"


def test_hook_cp_register_events(app):
    """Declared events are known by name; an undeclared one cannot be fired, and a
    plugin may only declare events in its own name."""
    from consultplatform.contributions import EventSpec
    from consultplatform.events import emit_event
    from consultplatform.plugins import PluginError, PluginRegistry

    events = registry(app).events()
    assert events["fullhooks.note_published"][0] == "fullhooks"
    assert events["fullhooks.note_published"][1].fields == ("note",)
    with app.test_request_context(), pytest.raises(ValueError, match="not a declared event"):
        emit_event("fullhooks.never_declared", note=1)

    class Impostor:
        @staticmethod
        @hookspecs.hookimpl
        def cp_register_events():
            return [EventSpec("validation.poll_closed")]

    plugins = PluginRegistry(allowed=[])
    plugins.pm.register(Impostor, name="impostor")
    with pytest.raises(PluginError, match=r"must be named 'impostor\.<what>'"):
        plugins._collect_events()


def test_hook_cp_event(app):
    """A plugin event reaches every enabled plugin's cp_event after the commit, and
    not at all when the transaction rolls back."""
    from consultplatform.events import emit_event

    with app.test_request_context():
        with db.atomic():
            emit_event("fullhooks.note_published", note=41)
            assert _events("cp_event:fullhooks.note_published") == []  # not before the commit
        assert _events("cp_event:fullhooks.note_published") == [41]
        with db.atomic() as txn:
            emit_event("fullhooks.note_published", note=42)
            txn.rollback()
        assert _events("cp_event:fullhooks.note_published") == [41]
        registry().set_enabled("fullhooks", False)
        emit_event("fullhooks.note_published", note=43)
        assert _events("cp_event:fullhooks.note_published") == [41]
