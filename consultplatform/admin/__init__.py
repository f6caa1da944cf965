"""Flask-Admin at /admin: the core views, the Plugins page and plugins' views."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from consultplatform.admin.audit_log import AuditLogView
from consultplatform.admin.base import AccessMixin, SecureModelView, SecureView
from consultplatform.admin.consultation_questions import ConsultationQuestionView
from consultplatform.admin.consultations import ConsultationView
from consultplatform.admin.index import IndexView
from consultplatform.admin.new_consultation import NewConsultationView
from consultplatform.admin.outbox import OutboxMailView
from consultplatform.admin.participants import ParticipantView
from consultplatform.admin.plugins_view import PluginsView
from consultplatform.admin.questions import QuestionView
from consultplatform.admin.registrations import RegistrationView
from consultplatform.admin.sectors import SectorView
from consultplatform.admin.sessions import SessionView
from consultplatform.admin.site_pages import SitePageView
from consultplatform.admin.staff import StaffUserView
from consultplatform.admin.themes import ThemeView
from consultplatform.admin.wording import use_own_wording
from consultplatform.admin.workspace import WorkspaceView, switcher
from consultplatform.hardening import csp_nonce
from consultplatform.models import (
    AuditLog,
    Consultation,
    ConsultationQuestion,
    ConsultationSession,
    OutboxMail,
    Participant,
    Registration,
    Sector,
    SessionQuestion,
    SitePage,
    StaffUser,
    Theme,
)
from consultplatform.plugins import PluginError, PluginRegistry

__all__ = ["SecureModelView", "SecureView", "init_admin"]


# The core's model views in menu order: (view class, model, menu label, endpoint).
CORE_VIEWS: list[tuple[type, type, Any, str]] = [
    (ConsultationView, Consultation, _l("Consultations"), "consultation"),
    (SessionView, ConsultationSession, _l("Sessions"), "session"),
    (SectorView, Sector, _l("Sectors"), "sector"),
    (ThemeView, Theme, _l("Themes"), "theme"),
    (ParticipantView, Participant, _l("Participants"), "participant"),
    (RegistrationView, Registration, _l("Registrations"), "registration"),
    (QuestionView, SessionQuestion, _l("Sign-up questions"), "question"),
    (ConsultationQuestionView, ConsultationQuestion, _l("Sign-up questions per consultation"),
     "consultationquestion"),
    (StaffUserView, StaffUser, _l("Staff"), "staffuser"),
    (SitePageView, SitePage, _l("Site pages"), "sitepage"),
    (AuditLogView, AuditLog, _l("Audit log"), "auditlog"),
]


def init_admin(app: Flask, plugins: PluginRegistry) -> Admin:
    use_own_wording(app)
    admin = Admin(
        app,
        name=app.config["SITE_NAME"],
        index_view=IndexView(name=_l("Overview"), url="/admin"),
        theme=Bootstrap4Theme(base_template="admin/cp_base.html", swatch="default", fluid=True),
        csp_nonce_generator=csp_nonce,
    )
    for view_class, model, label, endpoint in CORE_VIEWS:
        admin.add_view(view_class(model, name=label, endpoint=endpoint))
    admin.add_view(OutboxMailView(OutboxMail, name=_l("Outbox"), endpoint="outbox"))
    admin.add_view(PluginsView(name=_l("Plugins"), endpoint="plugins", url="/admin/plugins"))
    admin.add_view(WorkspaceView(name=_l("Consultation"), endpoint="workspace",
                                 url="/admin/werkruimte"))
    app.jinja_env.globals["workspace_switcher"] = switcher
    admin.add_view(NewConsultationView(name=_l("New consultation"), endpoint="new_consultation",
                                       url="/admin/nieuwe-consultatie"))
    for plugin_name, view in plugins.items("cp_admin_views", only_enabled=False):
        if not isinstance(view, AccessMixin):
            raise PluginError(f"{plugin_name}: admin views must subclass SecureModelView "
                              "or SecureView")
        if not plugins.owns(plugin_name, view.endpoint or ""):
            raise PluginError(f"{plugin_name}: admin view endpoint {view.endpoint!r} must "
                              f"be the plugin name or start with '{plugin_name}_'")
        view.plugin_name = plugin_name
        admin.add_view(view)
    return admin
