"""Core models. Plugins add theirs through the ``cp_models`` hook."""

from consultplatform.models.audit import AuditLog
from consultplatform.models.consultation import (
    Consultation,
    ConsultationSession,
    Sector,
    Theme,
)
from consultplatform.models.outbox import OutboxMail
from consultplatform.models.people import Participant, Registration, SeatTally, new_token
from consultplatform.models.plugin_state import PluginSetting, PluginState
from consultplatform.models.questions import ConsultationQuestion, SessionQuestion
from consultplatform.models.revision import ContentRevision
from consultplatform.models.site import SitePage
from consultplatform.models.staff import StaffRecoveryCode, StaffUser, normalise_email
from consultplatform.models.trajectory import (
    TRAJECTORY_MODELS,
    Action,
    AgendaDecision,
    AgendaItem,
    AgendaItemAction,
    AgendaItemVersion,
    Insight,
    InsightAction,
    InsightTheme,
)
from consultplatform.models.workspace import StaffWorkspace

CORE_MODELS = [
    StaffUser,
    StaffRecoveryCode,
    Consultation,
    Sector,
    ConsultationSession,
    Theme,
    Participant,
    Registration,
    SeatTally,
    ContentRevision,
    AuditLog,
    SitePage,
    PluginState,
    PluginSetting,
    SessionQuestion,
    ConsultationQuestion,
    OutboxMail,
    StaffWorkspace,
    *TRAJECTORY_MODELS,
]

__all__ = [
    "CORE_MODELS",
    "Action",
    "AgendaDecision",
    "AgendaItem",
    "AgendaItemAction",
    "AgendaItemVersion",
    "AuditLog",
    "Consultation",
    "ConsultationQuestion",
    "ConsultationSession",
    "Insight",
    "InsightAction",
    "InsightTheme",
    "OutboxMail",
    "Participant",
    "PluginSetting",
    "PluginState",
    "Registration",
    "SeatTally",
    "Sector",
    "SessionQuestion",
    "SitePage",
    "StaffRecoveryCode",
    "StaffUser",
    "StaffWorkspace",
    "Theme",
    "new_token",
    "normalise_email",
]
