"""Every hook the core calls. Plugins implement them with ``@hookimpl``.

All hooks take keyword arguments only (pluggy passes them by name; an
implementation may accept a subset). Hooks that return data return lists
(or ``None``); the core validates and registers what comes back. A plugin
never mutates the Flask app itself. Each hook is documented in
``docs/plugins.md`` and has its own test.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import wtforms
    from flask import Blueprint
    from flask_admin import BaseView

    from consultplatform.action_vocabulary import ActionVocabulary
    from consultplatform.contributions import (
        ContentWatch,
        EventSpec,
        ExportDataset,
        Exporter,
        MemoSection,
        MigrationSource,
        PersonalDataHolder,
        PublicBlock,
        SessionFormat,
        SessionFormPart,
        TrajectoryStep,
    )
    from consultplatform.db import BaseModel
    from consultplatform.models import (
        Consultation,
        ConsultationSession,
        Registration,
        StaffUser,
        Theme,
    )
    from consultplatform.structure.export import TemplateKeys
    from consultplatform.vocabulary import Vocabulary

PROJECT = "consultplatform"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --- what a plugin offers (collected once at start-up) -------------------------


@hookspec
def cp_session_formats() -> list[SessionFormat]:
    """Session formats this plugin offers (e.g. Expertarena, workshop).

    Called at start-up (to validate keys: unique, ``[a-z][a-z0-9_]{1,59}``) and on
    each request that lists formats; formats of a disabled plugin are left
    out. A consultation uses only the formats ticked in its ``formats`` list.
    Returns a list of :class:`~consultplatform.contributions.SessionFormat`.
    """


@hookspec
def cp_models() -> list[type[BaseModel]]:
    """Peewee models of this plugin, subclasses of ``consultplatform.db.BaseModel``.

    Called at start-up and by ``flask db upgrade``. Table names must start with
    the plugin's name and an underscore. Tables stay when the plugin is
    disabled, so re-enabling it brings its data back.
    """


@hookspec(firstresult=True)
def cp_migrations() -> MigrationSource | None:
    """Where this plugin's numbered schema migrations live.

    Called by ``flask db upgrade``. Returns a
    :class:`~consultplatform.contributions.MigrationSource` naming a package of
    ``mNNNN_name.py`` modules, each with ``up(migrator, db)``. A plugin with
    models but no migrations gets its tables created from ``cp_models``.
    """


@hookspec
def cp_admin_views() -> list[BaseView]:
    """Flask-Admin views, instances of ``consultplatform.admin.SecureModelView``
    or ``consultplatform.admin.SecureView`` (so access checks and the audit log
    apply).

    Called once at start-up; the core adds them to /admin. While the plugin is
    disabled they are hidden from the menu and answer 404.
    """


@hookspec
def cp_blueprints() -> list[Blueprint]:
    """Flask blueprints with the plugin's pages; names must start with the plugin name.

    Called once at start-up; the core registers them. While the plugin is
    disabled every route of them answers 404. Templates belong under
    ``templates/<plugin>/`` so names never collide.
    """


@hookspec
def cp_exporters() -> list[Exporter]:
    """File formats (CSV, XLSX, ...) any export dataset can be written in.

    Called when the export page, the export CLI or the worker looks up formats.
    Returns a list of :class:`~consultplatform.contributions.Exporter`, whose
    ``write`` writes the rows of an ``ExportTable`` to a binary stream as they come.
    """


@hookspec
def cp_export_datasets(consultation: Consultation) -> list[ExportDataset]:
    """Tables this plugin offers to every exporter for ``consultation``.

    Called when datasets are listed or exported. Declaring one reads nothing:
    ``rows(scope)`` reads lazily, ``count(scope)`` counts; ``sensitivity`` says who
    may export it (``PERSONAL``: administrators only) and whether it may be
    published as open data (``AGGREGATE`` only).
    """


@hookspec
def cp_memo_sections(consultation: Consultation) -> list[MemoSection]:
    """Sections this plugin contributes to the council memo of ``consultation``.

    Called when the memo is rendered; sections are sorted by ``order``.
    A memo is a public document (Woo): aggregates only, no names or e-mails.
    """


@hookspec(firstresult=True)
def cp_settings_form() -> type[wtforms.Form] | None:
    """The WTForms form class of this plugin's settings, or ``None``.

    Called when the Plugins admin page is shown and when settings are read.
    Values are stored as JSON per install and per consultation; a lookup goes
    consultation -> install -> the field's ``default``. Only fields whose data is
    plain JSON are accepted (string, integer, float, boolean, select, radio,
    multiple select); anything else is refused at start-up.
    """


@hookspec
def cp_demo_data(consultation: Consultation) -> dict[str, int] | None:
    """Add this plugin's part of the demo consultation.

    Called by ``flask demo load`` inside its transaction. The core's own
    implementation runs first (``tryfirst``), so ``consultation`` already has its
    sectors, themes, sessions and people when a plugin's runs.
    Returns counts of what was added (for the command's report) or ``None``.
    Fictional data only.
    """


@hookspec
def cp_session_sectors(sessions: list[ConsultationSession]) -> dict[int, list[int]] | None:
    """The sectors whose entrepreneurs may take a seat in each of ``sessions``.

    Called by the sign-up (inside its transaction, for the sessions being signed up
    for), by the sign-up form (to say which sessions are whose) and when waiting
    people are promoted; enabled plugins only. Returns ``{session id: [sector id,
    ...]}`` for the sessions this plugin restricts and leaves the others out (a
    session nobody names is open to every sector). Entrepreneurs of another sector,
    or of none, cannot take a seat there and are told which sessions are theirs;
    the public side (government, education, others) is never restricted.
    """


@hookspec
def cp_template_export(consultation: Consultation, keys: TemplateKeys) -> dict[str, Any] | None:
    """This plugin's part of ``consultation``'s template (consultplatform.structure).

    Called when a consultation is copied or exported as a template file, for every
    installed plugin. Returns a JSON object of the plugin's own structure of the
    consultation (an arena's sectors, a workshop's scope), referring to sectors and
    sessions by their template keys (``keys.sectors``, ``keys.sessions``: {id: key}),
    never to people; or None when it has none. Plugin settings per consultation
    are copied by the core already.
    """


@hookspec
def cp_template_import(consultation: Consultation, parts: dict[str, Any],
                       keys: TemplateKeys) -> None:
    """Make this plugin's part of a template in the new ``consultation``.

    Called inside the transaction that creates a consultation from a template (a
    copy, an imported file), after its sectors and sessions exist, for every
    installed plugin. ``parts`` holds every plugin's part by plugin name: take
    your own, if there is one; ``keys.sector_ids`` and ``keys.session_ids`` map the
    template's keys to the new rows' ids. Raise ``TemplateError("file", message)``
    for a part you cannot use: nothing of the import is kept.
    """


@hookspec
def cp_trajectory_steps(consultation: Consultation) -> list[TrajectoryStep]:
    """This plugin's steps of ``consultation``'s trajectory, for its dashboard.

    Called when a staff member opens the admin with ``consultation`` chosen; enabled
    plugins only (a switched-off plugin's steps do not show). Returns
    :class:`TrajectoryStep` items: where the step goes among the case's steps
    (``STEP_ORDER``: set-up 10, invitation and sign-up 20, Expertarenas 30,
    workshops 40, draft agenda 50, validation 60, memo 70, follow-up 80), its state
    (not started, in progress, done), the figures that matter, and what is missing
    before the next step, each with the link that fixes it. A fixed number of
    queries, please: the dashboard is every staff member's start page.
    """


@hookspec
def cp_session_form_parts() -> list[SessionFormPart]:
    """Fields this plugin adds to the admin's session form for sessions of its format
    (:class:`SessionFormPart`), so staff set a session up on one page rather than on
    a separate page of the plugin.

    Called when the session form is built (each request); enabled plugins only.
    Administrators see the fields on a new session (for the formats the consultation
    uses) and on a session of the part's format; moderators never. ``check`` refuses
    sent values with a message on the field; ``save`` runs in the session's own save
    transaction.
    """


@hookspec
def cp_personal_data() -> list[PersonalDataHolder]:
    """What this plugin holds about one participant, and how to erase it
    (:class:`PersonalDataHolder`): for the person's own page and download, for
    erasure on request (by the person through their mail link, or by staff) and for
    retention (a consultation past its retention date).

    Called for every plugin, enabled or not: a switched-off plugin's rows are still
    about the person. Declare every model with personal data; a test fails when a
    model with a participant or registration foreign key is declared by nobody.
    ``erase`` runs inside the erasure's transaction; an exception undoes all of it.
    """


@hookspec
def cp_moderated_sessions(staff: StaffUser) -> list[int]:
    """Sessions this plugin makes ``staff`` a moderator of, besides the session's own
    ``moderator`` (an Expertarena's co-moderators, a workshop's facilitators).

    Called when the admin works out which consultations a moderator may choose and
    see (consultplatform.workspace); enabled plugins only. Returns session ids (an
    empty list when there are none). One query, please: it runs on staff pages.
    """


@hookspec
def cp_content_revisions() -> list[ContentWatch]:
    """Tables of this plugin whose rows the core's cached pages or figures show.

    Called at every ``flask db upgrade``, after the migrations, for every loaded
    plugin (switched on or not). Returns :class:`ContentWatch` items: for each
    table the core installs a database trigger that renews the named content
    revisions on every insert, update and delete (``public``: the public pages;
    ``session_column`` / ``consultation_column``: the insights revision of that
    row's consultation, for the analyses). Tables must carry the plugin's prefix.
    Without it, a cached page showing the plugin's rows would stay as it was.
    """


@hookspec
def cp_public_blocks(consultation: Consultation) -> list[PublicBlock]:
    """Blocks this plugin adds to ``consultation``'s public page, below its sessions
    (:class:`PublicBlock`: a template of the plugin's, its values, an order).

    Called when the page is rendered (and on the staff preview); enabled plugins only.
    The page is cached under the public content revision: show only what tables that
    renew it (``cp_content_revisions``) or plugin settings hold. A fixed number of
    queries, please; keys must carry the plugin's prefix and templates live under
    ``templates/<plugin>/``.
    """


@hookspec(firstresult=True)
def cp_insight_vocabulary(consultation: Consultation) -> Vocabulary | None:
    """The category and who-should-act lists ``consultation``'s insights use.

    The core owns insights; the plugin whose settings hold these lists answers
    (the Expertarena does). The first answer counts; with none the case's four
    categories and four actors apply (``consultplatform.vocabulary``). The insight
    service refuses a code that is not in the list.
    """


@hookspec(firstresult=True)
def cp_action_vocabulary(consultation: Consultation) -> ActionVocabulary | None:
    """The kind, owner and horizon lists ``consultation``'s actions use.

    The core owns actions; the plugin whose settings hold these lists answers (the
    workshops do). The first answer counts; with none the case's lists apply
    (``consultplatform.action_vocabulary``). The action service refuses a code that
    is not in the list.
    """


@hookspec
def cp_register_events() -> list[EventSpec]:
    """Events this plugin fires, so other plugins can listen without the core
    knowing either (``validation.poll_closed`` for the memo plugin).

    Called at start-up; each :class:`~consultplatform.contributions.EventSpec`
    name must be ``<plugin>.<what>`` and unique. The plugin fires one with
    ``emit_event(name, **payload)``; an undeclared name raises ``ValueError``.
    """


# --- inside a core transaction -------------------------------------------------------


@hookspec
def cp_merge_themes(source: Theme, target: Theme) -> dict[str, int] | None:
    """Move this plugin's references from theme ``source`` to theme ``target``.

    Called when an administrator merges two themes of one consultation, inside the
    merge's transaction and before ``source`` is deleted, for **all** plugins, enabled
    or not (a switched-off plugin's data must follow the merge too). Rows that would
    then point at ``target`` twice are merged or dropped by the plugin. An exception
    rolls the whole merge back. Returns counts of what was moved, for the audit log
    (``{"insights": 12}``), or ``None``.
    """


# --- events (called after the transaction that caused them has committed) --------


@hookspec
def cp_registration_created(registration: Registration) -> None:
    """A registration was created (confirmed or on the waiting list).

    Called after the commit; an exception is logged and does not undo it.
    """


@hookspec
def cp_registration_cancelled(registration: Registration) -> None:
    """A registration was cancelled. Called after the commit."""


@hookspec
def cp_registration_promoted(registration: Registration) -> None:
    """A registration moved from the waiting list to confirmed. Called after the commit."""


@hookspec
def cp_session_closed(session: ConsultationSession) -> None:
    """A session's status became "closed". Called after the commit."""


@hookspec
def cp_consultation_closed(consultation: Consultation) -> None:
    """A consultation's status became "closed". Called after the commit."""


@hookspec
def cp_event(name: str, payload: dict[str, Any]) -> None:
    """A plugin event (declared with ``cp_register_events``) happened: ``name`` and
    its ``payload`` (plain values: ids, codes, counts). Called after the commit of
    the transaction that fired it, for every enabled plugin; a listener checks
    ``name`` and ignores the rest. An exception is logged and does not undo it.
    """


EVENT_HOOKS = (
    "cp_event",
    "cp_registration_created",
    "cp_registration_cancelled",
    "cp_registration_promoted",
    "cp_session_closed",
    "cp_consultation_closed",
)


def all_hook_names() -> list[str]:
    return sorted(name for name in globals() if name.startswith("cp_"))
