"""A test-only plugin that implements every hook, each in the plainest way."""

from __future__ import annotations

from flask import Blueprint, render_template
from wtforms import Form, IntegerField, StringField
from wtforms.validators import NumberRange, Optional

from consultplatform.api import (
    DEFAULT_ACTION_HORIZONS,
    ActionVocabulary,
    ConsultationSession,
    ContentWatch,
    DatasetColumn,
    EventSpec,
    ExportDataset,
    Exporter,
    ExportTable,
    MemoSection,
    MigrationSource,
    PersonalDataHolder,
    PublicBlock,
    SecureModelView,
    SessionFormat,
    SessionFormPart,
    StepCheck,
    TemplateError,
    TrajectoryStep,
    Vocabulary,
    hookimpl,
    parse_choices,
)
from tests.plugin_fullhooks.models import FullhooksContact, FullhooksEvent, FullhooksNote

NAME = "fullhooks"


@hookimpl
def cp_session_formats():
    return [SessionFormat(key="fullhooks_panel", label="Panel (test)",
                          description="A format offered by the test plugin.")]


@hookimpl
def cp_session_sectors(sessions):
    """A panel with a sector of its own takes entrepreneurs of that sector only."""
    panels = [s for s in sessions if s.format_key == "fullhooks_panel" and s.sector_id]
    return {s.id: [s.sector_id] for s in panels} or None


@hookimpl
def cp_template_export(consultation, keys):
    """The test plugin's part of a template: the keys of its panels (plainest possible)."""
    panels = [key for session_id, key in keys.sessions.items()
              if ConsultationSession.get_by_id(session_id).format_key == "fullhooks_panel"]
    return {"panels": panels} if panels else None


@hookimpl
def cp_template_import(consultation, parts, keys):
    """Refuses a part that names a session the template does not have."""
    for key in (parts.get("fullhooks") or {}).get("panels", []):
        if key not in keys.session_ids:
            raise TemplateError("file", f"unknown panel {key}")


@hookimpl
def cp_trajectory_steps(consultation):
    """A step after the workshops: the test plugin's notes, with one check."""
    from flask import url_for

    notes = FullhooksNote.select().count()
    checks = [] if notes else [StepCheck("No notes yet", url_for("fullhooks_note.create_view"))]
    return [TrajectoryStep(key="fullhooks_notes", label="Notes (test)", order=45,
                           state="in_progress" if notes else "not_started",
                           figures=[("Notes", notes)], checks=checks)]


@hookimpl
def cp_moderated_sessions(staff):
    """A panel whose description names a staff member's address is theirs to moderate."""
    from consultplatform.api import ConsultationSession

    return [s.id for s in ConsultationSession.select(ConsultationSession.id)
            .where(ConsultationSession.description == f"co-moderator:{staff.email}")]


@hookimpl
def cp_content_revisions():
    """The notes show on the ping page's public counterpart: a note renews "public"."""
    return [ContentWatch("fullhooks_note", public=True)]


@hookimpl
def cp_models():
    return [FullhooksNote, FullhooksEvent, FullhooksContact]


def _contact_rows(participant_id):
    return [{"id": c.id, "note": c.note} for c in FullhooksContact.select().where(
        FullhooksContact.participant == participant_id).order_by(FullhooksContact.id)]


def _erase_contacts(participant_id):
    if FullhooksContact.select().where((FullhooksContact.participant == participant_id)
                                       & (FullhooksContact.note == "weigeren")).exists():
        raise RuntimeError("the test plugin refuses this erasure")  # a failing holder
    return FullhooksContact.delete().where(
        FullhooksContact.participant == participant_id).execute()


@hookimpl
def cp_personal_data():
    return [PersonalDataHolder(key="fullhooks.contacts", label="Contact notes (test)",
                               models=(FullhooksContact,), export=_contact_rows,
                               erase=_erase_contacts, purpose="Testing the hook.",
                               legal_basis="None: test data.", retention="Until erased.")]


@hookimpl
def cp_migrations():
    return MigrationSource(NAME, "tests.plugin_fullhooks.migrations")


class NoteView(SecureModelView):
    column_list = ["title", "body"]
    form_columns = ["title", "body"]


@hookimpl
def cp_admin_views():
    return [NoteView(FullhooksNote, name="Notes (test)", endpoint="fullhooks_note")]


bp = Blueprint("fullhooks", __name__, url_prefix="/fullhooks", template_folder="templates")


@bp.get("/ping")
def ping():
    return render_template("fullhooks/ping.html", notes=FullhooksNote.select().count())


@hookimpl
def cp_blueprints():
    return [bp]


def _tsv_chunks(table: ExportTable):
    yield ("\t".join(c.key for c in table.dataset.columns) + "\n").encode()
    for row in table.rows:
        yield ("\t".join(str(v) for v in row) + "\n").encode()


@hookimpl
def cp_exporters():
    return [Exporter(key="tsv", label="Tab-separated", mimetype="text/tab-separated-values",
                     extension="tsv", chunks=_tsv_chunks)]


@hookimpl
def cp_export_datasets(consultation):
    def rows(scope):
        return [[consultation.slug, FullhooksNote.select().count()]]

    return [ExportDataset(key="fullhooks_notes", label="Notes",
                          columns=[DatasetColumn("consultation", "Consultation"),
                                   DatasetColumn("notes", "Notes", kind="integer")],
                          rows=rows, count=lambda scope: 1)]


@hookimpl
def cp_public_blocks(consultation):
    """The notes on the test plugin's own consultations' pages; "fullhooks-wrong" gets a
    block without the plugin's prefix (the core refuses it)."""
    if not consultation.slug.startswith("fullhooks-"):
        return []
    key = "notes" if consultation.slug == "fullhooks-wrong" else "fullhooks_notes"
    return [PublicBlock(key=key, template="fullhooks/public_block.html", order=10,
                        context={"notes": FullhooksNote.select().count()})]


@hookimpl
def cp_memo_sections(consultation):
    return [MemoSection(key="fullhooks", title="Test section", order=10,
                        paragraphs=[f"Memo for {consultation.slug}."])]


class Settings(Form):
    greeting = StringField("Greeting", default="hallo")
    limit = IntegerField("Limit", default=3, validators=[Optional(), NumberRange(min=0, max=99)])


def _panel_prepare(form, consultation_id, session):
    if session is not None and not form.is_submitted():
        note = FullhooksNote.get_or_none(FullhooksNote.title == f"Panel {session.id}")
        form.fullhooks_panel_topic.data = note.body if note else ""


def _panel_check(data):
    if data.get("fullhooks_panel_topic") == "verboden":
        return {"fullhooks_panel_topic": "Dit onderwerp mag niet."}
    return {}


def _panel_save(session_id, data):
    note, _created = FullhooksNote.get_or_create(title=f"Panel {session_id}")
    note.body = data.get("fullhooks_panel_topic") or ""
    note.save()


@hookimpl
def cp_session_form_parts():
    return [SessionFormPart(
        format_key="fullhooks_panel",
        fields={"fullhooks_panel_topic": StringField("Topic of the panel")},
        prepare=_panel_prepare, save=_panel_save, check=_panel_check)]


@hookimpl
def cp_settings_form():
    return Settings


@hookimpl
def cp_demo_data(consultation):
    FullhooksNote.create(title=f"Demo note for {consultation.slug}")
    return {"notes": 1}


@hookimpl
def cp_merge_themes(source, target):
    # The test plugin has no theme references of its own: it records the call.
    _event("cp_merge_themes", source.id)
    return {"calls": 1}


def _event(hook: str, object_id: int) -> None:
    FullhooksEvent.create(hook=hook, object_id=object_id)


@hookimpl
def cp_registration_created(registration):
    _event("cp_registration_created", registration.id)


@hookimpl
def cp_registration_cancelled(registration):
    _event("cp_registration_cancelled", registration.id)


@hookimpl
def cp_registration_promoted(registration):
    _event("cp_registration_promoted", registration.id)


@hookimpl
def cp_session_closed(session):
    _event("cp_session_closed", session.id)


@hookimpl
def cp_consultation_closed(consultation):
    _event("cp_consultation_closed", consultation.id)


@hookimpl
def cp_insight_vocabulary(consultation):
    # Only for the test plugin's own consultations: the Expertarena's lists stay the rest's.
    if not consultation.slug.startswith("fullhooks-"):
        return None
    return Vocabulary(parse_choices("kans | Kans | Opportunity\nzorg | Zorg | Worry"),
                      parse_choices("wij | Wij | Us"))


@hookimpl
def cp_action_vocabulary(consultation):
    if not consultation.slug.startswith("fullhooks-"):
        return None
    return ActionVocabulary(parse_choices("plan | Plan | Plan"), parse_choices("wij | Wij | Us"),
                            parse_choices(DEFAULT_ACTION_HORIZONS))


NOTE_PUBLISHED = "fullhooks.note_published"


@hookimpl
def cp_register_events():
    return [EventSpec(NOTE_PUBLISHED, description="A note was published.", fields=("note",))]


@hookimpl
def cp_event(name, payload):
    if name == NOTE_PUBLISHED:
        _event(f"cp_event:{name}", payload["note"])
