"""The plugin API: everything a plugin may use from the core, in one place.

A plugin imports the core only from here (tests: ``consultplatform.testing``);
``tests/test_architecture.py`` fails on any other import under ``plugins/``.
What is listed in ``__all__`` is the stable surface, documented in
``docs/plugins.md`` ("The plugin API"); the modules behind it may move.
"""

from __future__ import annotations

from consultplatform import audit
from consultplatform.action_vocabulary import (
    DEFAULT_ACTION_HORIZONS,
    DEFAULT_ACTION_KINDS,
    DEFAULT_ACTION_OWNERS,
    ActionVocabulary,
    action_vocabulary,
)
from consultplatform.admin.base import SecureModelView, SecureView
from consultplatform.admin.filters import OptionFilter, RecordFilter
from consultplatform.admin.form_fields import CheckboxListField
from consultplatform.admin.index import registrations_url, session_counts
from consultplatform.admin.model_view import CoreModelView
from consultplatform.auth.roles import is_admin, is_staff, moderates
from consultplatform.cache import once_per_request, remembered
from consultplatform.contributions import (
    AGGREGATE,
    BOOLEAN,
    COLUMN_KINDS,
    DATE,
    DATETIME,
    DECIMAL,
    INTEGER,
    LOCAL_DATETIME,
    PERSONAL,
    PSEUDONYM,
    PSEUDONYMOUS,
    SENSITIVITIES,
    STEP_ORDER,
    TEXT,
    ContentWatch,
    DatasetColumn,
    EventSpec,
    ExportDataset,
    Exporter,
    ExportScope,
    ExportTable,
    MemoSection,
    MigrationSource,
    PersonalDataHolder,
    PublicBlock,
    SessionFormat,
    SessionFormPart,
    StepCheck,
    TrajectoryStep,
)
from consultplatform.db import BaseModel, db, is_postgres, utcnow, write_transaction
from consultplatform.demo import load_demo
from consultplatform.events import emit_after_commit, emit_event
from consultplatform.exporting import (
    EXCEL_BOM,
    EXCEL_DELIMITER,
    counted,
    export_table,
    in_amsterdam,
    keyset_pages,
    keyset_rows,
    neutralise,
)
from consultplatform.extensions import limiter
from consultplatform.forms import SafeForm, options, strip
from consultplatform.hookspecs import hookimpl
from consultplatform.i18n import current_language
from consultplatform.ids import parse_id
from consultplatform.mail.notices import queue_participant_mail
from consultplatform.mixins import MixinBase
from consultplatform.models import (
    Action,
    AgendaDecision,
    AgendaItem,
    AgendaItemAction,
    AgendaItemVersion,
    AuditLog,
    Consultation,
    ConsultationSession,
    Insight,
    InsightAction,
    InsightTheme,
    OutboxMail,
    Participant,
    PluginSetting,
    Registration,
    Sector,
    SessionQuestion,
    StaffUser,
    Theme,
    choices,
    new_token,
)
from consultplatform.models.trajectory import QUOTE_MAX, TEXT_MAX
from consultplatform.participation import took_part
from consultplatform.plugins import PluginError, default_settings
from consultplatform.plugins import registry as plugin_registry
from consultplatform.public.page_state import VISIBLE_STATUSES
from consultplatform.public.signup_form import BaseSignUpForm
from consultplatform.revisions import insights_scope, revision
from consultplatform.seats import lock_session
from consultplatform.services.actions import (
    ActionError,
    ActionInput,
    StaleActionError,
    create_action,
    link_insights,
    unlink_insights,
    update_action,
)
from consultplatform.services.agenda import (
    AgendaError,
    AgendaItemInput,
    create_agenda_item,
    edit_agenda_item,
    record_decision,
)
from consultplatform.services.attendance import mark_attendance
from consultplatform.services.fates import fate_of, open_by_sector, unanswered_insights
from consultplatform.services.insights import (
    ChoicesChangedError,
    InsightGoneError,
    InsightInput,
    InsightInputError,
    Saved,
    SessionClosedError,
    delete_insight,
    record_insight,
    set_aside,
    update_insight,
)
from consultplatform.services.registrations import (
    RegistrationError,
    add_by_staff,
    cancel_by_staff,
    move_in_waiting_list,
    promote_by_staff,
)
from consultplatform.services.reshaping import SplitPart, merge_actions, split_action
from consultplatform.services.sessions import (
    SessionStateError,
    close_session,
    reopen_session,
)
from consultplatform.services.signup import (
    ALREADY,
    CLOSED,
    CONFIRMED,
    OTHER_SECTORS,
    WAITLISTED,
    Applicant,
    Outcome,
    SignUp,
    cancel,
    promote,
    sign_up,
)
from consultplatform.services.themes import ThemeMergeError, find_or_add_theme, merge_themes
from consultplatform.slugs import slugify
from consultplatform.structure.export import TemplateKeys
from consultplatform.structure.load import TemplateError
from consultplatform.tasks import enqueue_task, huey, run_in_app
from consultplatform.text import unsafe_in_line, unsafe_in_text
from consultplatform.timezone import now_local
from consultplatform.tokens import same_token
from consultplatform.urls import public_url
from consultplatform.vocabulary import (
    DEFAULT_ACTORS,
    DEFAULT_CATEGORIES,
    Choice,
    Vocabulary,
    insight_vocabulary,
    parse_choices,
)
from consultplatform.workspace import (
    current_consultation_id,
    moderated_session_ids,
    scope_to,
)

__all__ = [
    "AGGREGATE",
    "ALREADY",
    "BOOLEAN",
    "CLOSED",
    "COLUMN_KINDS",
    "CONFIRMED",
    "DATE",
    "DATETIME",
    "DECIMAL",
    "DEFAULT_ACTION_HORIZONS",
    "DEFAULT_ACTION_KINDS",
    "DEFAULT_ACTION_OWNERS",
    "DEFAULT_ACTORS",
    "DEFAULT_CATEGORIES",
    "EXCEL_BOM",
    "EXCEL_DELIMITER",
    "INTEGER",
    "LOCAL_DATETIME",
    "OTHER_SECTORS",
    "PERSONAL",
    "PSEUDONYM",
    "PSEUDONYMOUS",
    "QUOTE_MAX",
    "SENSITIVITIES",
    "STEP_ORDER",
    "TEXT",
    "TEXT_MAX",
    "VISIBLE_STATUSES",
    "WAITLISTED",
    "Action",
    "ActionError",
    "ActionInput",
    "ActionVocabulary",
    "AgendaDecision",
    "AgendaError",
    "AgendaItem",
    "AgendaItemAction",
    "AgendaItemInput",
    "AgendaItemVersion",
    "Applicant",
    "AuditLog",
    "BaseModel",
    "BaseSignUpForm",
    "CheckboxListField",
    "Choice",
    "ChoicesChangedError",
    "Consultation",
    "ConsultationSession",
    "ContentWatch",
    "CoreModelView",
    "DatasetColumn",
    "EventSpec",
    "ExportDataset",
    "ExportScope",
    "ExportTable",
    "Exporter",
    "Insight",
    "InsightAction",
    "InsightGoneError",
    "InsightInput",
    "InsightInputError",
    "InsightTheme",
    "MemoSection",
    "MigrationSource",
    "MixinBase",
    "OptionFilter",
    "OutboxMail",
    "Outcome",
    "Participant",
    "PersonalDataHolder",
    "PluginError",
    "PluginSetting",
    "PublicBlock",
    "RecordFilter",
    "Registration",
    "RegistrationError",
    "SafeForm",
    "Saved",
    "Sector",
    "SecureModelView",
    "SecureView",
    "SessionClosedError",
    "SessionFormPart",
    "SessionFormat",
    "SessionQuestion",
    "SessionStateError",
    "SignUp",
    "SplitPart",
    "StaffUser",
    "StaleActionError",
    "StepCheck",
    "TemplateError",
    "TemplateKeys",
    "Theme",
    "ThemeMergeError",
    "TrajectoryStep",
    "Vocabulary",
    "action_vocabulary",
    "add_by_staff",
    "audit",
    "cancel",
    "cancel_by_staff",
    "choices",
    "close_session",
    "counted",
    "create_action",
    "create_agenda_item",
    "current_consultation_id",
    "current_language",
    "db",
    "default_settings",
    "delete_insight",
    "edit_agenda_item",
    "emit_after_commit",
    "emit_event",
    "enqueue_task",
    "export_table",
    "fate_of",
    "find_or_add_theme",
    "hookimpl",
    "huey",
    "in_amsterdam",
    "insight_vocabulary",
    "insights_scope",
    "is_admin",
    "is_postgres",
    "is_staff",
    "keyset_pages",
    "keyset_rows",
    "limiter",
    "link_insights",
    "load_demo",
    "lock_session",
    "mark_attendance",
    "merge_actions",
    "merge_themes",
    "moderated_session_ids",
    "moderates",
    "move_in_waiting_list",
    "neutralise",
    "new_token",
    "now_local",
    "once_per_request", "open_by_sector",
    "options",
    "parse_choices",
    "parse_id",
    "plugin_registry",
    "promote",
    "promote_by_staff",
    "public_url",
    "queue_participant_mail",
    "record_decision",
    "record_insight",
    "registrations_url",
    "remembered",
    "reopen_session",
    "revision",
    "run_in_app",
    "same_token",
    "scope_to",
    "session_counts",
    "set_aside",
    "sign_up",
    "slugify",
    "split_action",
    "strip",
    "took_part",
    "unanswered_insights",
    "unlink_insights",
    "unsafe_in_line",
    "unsafe_in_text",
    "update_action",
    "update_insight",
    "utcnow",
    "write_transaction",
]
