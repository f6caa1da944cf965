"""Admin views of the core models."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_admin.model import typefmt
from flask_babel import format_date, format_datetime
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import PasswordField, SelectField, SelectMultipleField
from wtforms.validators import Email, Length, Optional, Regexp

from consultplatform.admin.base import SecureModelView
from consultplatform.admin.labels import LABELS
from consultplatform.events import emit_after_commit
from consultplatform.models import (
    AuditLog,
    Consultation,
    ConsultationSession,
    Participant,
    Registration,
    Sector,
    SitePage,
    StaffUser,
    Theme,
    choices,
    normalise_email,
)
from consultplatform.plugins import registry
from consultplatform.timezone import localize


def format_choices(keep: list[str] | tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """Formats of enabled plugins, plus ``keep``: keys already chosen stay
    selectable while their plugin is off, so saving never drops them."""
    plugins = registry()
    choices = [(key, str(fmt.label)) for key, (_, fmt) in sorted(plugins.formats().items())]
    offered = {key for key, _ in choices}
    for key in keep or ():
        if key not in offered:
            choices.append((key, str(_l("%(format)s (plugin off)",
                                        format=plugins.format_label(key)))))
    return choices


def _utc_datetime(view, value, name=None):
    return format_datetime(value, "d MMM y HH:mm")  # naive UTC, shown in Amsterdam time


def _date(view, value, name=None):
    return format_date(value, "d MMM y")


def _local(column: str):
    """Formatter for a session time: already Amsterdam wall-clock time."""
    def formatter(view, context, model, name):
        value = getattr(model, column)
        return format_datetime(localize(value), "d MMM y HH:mm") if value else ""
    return formatter


class CoreModelView(SecureModelView):
    column_labels = LABELS
    column_default_sort = ("id", True)
    column_type_formatters = {**typefmt.BASE_FORMATTERS, dt.datetime: _utc_datetime,
                              dt.date: _date}
    column_type_formatters_detail = {**typefmt.DETAIL_FORMATTERS, dt.datetime: _utc_datetime,
                                     dt.date: _date}
    column_choices = {
        "status": [*choices.CONSULTATION_STATUSES, *choices.SESSION_STATUSES,
                   *choices.REGISTRATION_STATUSES],
        "side": choices.SIDES,
        "role": choices.ROLES,
        "audience": choices.AUDIENCES,
        "result": choices.AUDIT_RESULTS,
        "language": choices.LANGUAGES,
    }


class ConsultationView(CoreModelView):
    column_list = ["title", "slug", "status", "organiser", "starts_on", "ends_on"]
    column_searchable_list = ["title", "slug", "organiser"]
    column_filters = ["status", "starts_on", "ends_on"]
    column_details_list = ["title", "slug", "summary", "organiser", "status", "starts_on",
                           "ends_on", "contact_email", "contact_phone", "retention_until",
                           "formats", "created_at"]
    form_columns = ["title", "slug", "summary", "organiser", "status", "starts_on", "ends_on",
                    "contact_email", "contact_phone", "privacy_text", "retention_until",
                    "formats"]
    form_overrides = {"formats": SelectMultipleField}
    form_args = {
        "slug": {"validators": [Regexp(r"^[a-z0-9][a-z0-9-]{0,79}$", message=_l(
            "Use lower-case letters, digits and hyphens only."))]},
        "contact_email": {"validators": [Optional(), Email(), Length(max=254)]},
    }

    def _with_format_choices(self, form, obj=None):
        form.formats.choices = format_choices(keep=(obj.formats if obj is not None else ()))
        return form

    def create_form(self, obj=None):
        form = self._with_format_choices(super().create_form(obj))
        if not form.formats.data:
            form.formats.data = ["general"]
        return form

    def edit_form(self, obj=None):
        return self._with_format_choices(super().edit_form(obj), obj)

    def watched_values(self, model: Any) -> dict[str, Any]:
        return {"status": model.status}

    def after_save(self, model: Any, before: dict[str, Any], is_created: bool) -> None:
        if model.status == "closed" and before.get("status") != "closed":
            emit_after_commit("cp_consultation_closed", consultation=model)


class SectorView(CoreModelView):
    column_list = ["consultation", "name", "default_seat_cap", "position"]
    column_searchable_list = ["name"]
    column_filters = [Consultation.title]
    form_columns = ["consultation", "name", "default_seat_cap", "position"]


class SessionView(CoreModelView):
    column_list = ["title", "consultation", "format_key", "sector", "starts_at", "ends_at",
                   "capacity", "status", "moderator"]
    column_searchable_list = ["title", "location"]
    column_filters = ["status", "format_key", "starts_at", Consultation.title]
    column_formatters = {
        "format_key": lambda v, c, m, n: registry().format_label(m.format_key),
        **{name: _local(name) for name in ("starts_at", "ends_at", "registration_opens_at",
                                           "registration_closes_at")},
    }
    column_formatters_detail = column_formatters
    form_columns = ["consultation", "format_key", "title", "description", "sector", "starts_at",
                    "ends_at", "location", "online_url", "capacity", "sector_cap",
                    "registration_opens_at", "registration_closes_at", "audience",
                    "moderator", "status"]
    form_overrides = {"format_key": SelectField}
    form_args = {"online_url": {"validators": [Optional(), Length(max=500), Regexp(
        r"^https://", message=_l("Use a link that starts with https://."))]}}
    moderator_can_edit_some = True

    def moderator_may_edit(self, obj: Any) -> bool:
        return obj.moderator_id == current_user.id

    def _prepare(self, form, obj):
        form.format_key.choices = format_choices(keep=[obj.format_key] if obj is not None else [])
        if not self._may_write():
            # A moderator runs the session; who moderates it and where it belongs stay with admins.
            for name in ("consultation", "moderator", "capacity", "sector_cap", "audience"):
                if name in form:
                    delattr(form, name)
        return form

    def create_form(self, obj=None):
        return self._prepare(super().create_form(obj), obj)

    def edit_form(self, obj=None):
        return self._prepare(super().edit_form(obj), obj)

    def watched_values(self, model: Any) -> dict[str, Any]:
        return {"status": model.status}

    def after_save(self, model: Any, before: dict[str, Any], is_created: bool) -> None:
        if model.status == "closed" and before.get("status") != "closed":
            emit_after_commit("cp_session_closed", session=model)


class ThemeView(CoreModelView):
    column_list = ["name", "consultation", "colour", "position", "active"]
    column_searchable_list = ["name"]
    column_filters = ["active", Consultation.title]
    form_columns = ["consultation", "name", "description", "colour", "position", "active"]
    form_widget_args = {"colour": {"type": "color"}}


class ParticipantView(CoreModelView):
    column_list = ["name", "email", "organisation", "consultation", "sector", "side", "language"]
    column_searchable_list = ["name", "email", "organisation"]
    column_filters = ["side", "language", Consultation.title]
    form_columns = ["consultation", "name", "email", "organisation", "sector", "side",
                    "language"]
    form_args = {"email": {"validators": [Email(), Length(max=254)]}}

    def on_model_change(self, form, model, is_created: bool) -> None:
        model.email = normalise_email(model.email)
        super().on_model_change(form, model, is_created)


class RegistrationView(CoreModelView):
    column_list = ["participant", "session", "status", "created_at", "cancelled_at"]
    column_details_list = ["participant", "session", "status", "created_at", "updated_at",
                           "cancelled_at"]
    column_filters = ["status", ConsultationSession.title]
    form_columns = ["participant", "session", "status"]

    def watched_values(self, model: Any) -> dict[str, Any]:
        return {"status": model.status}

    def after_save(self, model: Any, before: dict[str, Any], is_created: bool) -> None:
        old, new = before.get("status"), model.status
        if is_created:
            emit_after_commit("cp_registration_created", registration=model)
        elif new == "cancelled" and old != "cancelled":
            emit_after_commit("cp_registration_cancelled", registration=model)
        elif new == "confirmed" and old == "waitlisted":
            emit_after_commit("cp_registration_promoted", registration=model)

    def on_model_change(self, form, model, is_created: bool) -> None:
        from consultplatform.db import utcnow

        model.updated_at = utcnow()
        if model.status == "cancelled" and model.cancelled_at is None:
            model.cancelled_at = utcnow()
        super().on_model_change(form, model, is_created)


class StaffUserView(CoreModelView):
    read_roles = ("admin",)
    column_list = ["name", "email", "role", "active", "language", "last_login_at"]
    column_details_list = ["name", "email", "role", "active", "language", "last_login_at",
                           "created_at"]
    column_searchable_list = ["name", "email"]
    column_filters = ["role", "active"]
    form_columns = ["name", "email", "role", "active", "language"]
    form_extra_fields = {"new_password": PasswordField(
        _l("New password"), validators=[Optional(), Length(min=12, max=200)],
        description=_l("At least 12 characters. Leave empty to keep the current password."),
        render_kw={"autocomplete": "new-password"})}
    form_args = {"email": {"validators": [Email(), Length(max=254)]}}

    def on_model_change(self, form, model, is_created: bool) -> None:
        from wtforms.validators import ValidationError

        model.email = normalise_email(model.email)
        if form.new_password.data:
            model.set_password(form.new_password.data)
        elif is_created:
            form.new_password.errors = [*form.new_password.errors,
                                        str(_l("A new account needs a password."))]
            raise ValidationError(str(_l("A new account needs a password.")))
        if (not is_created and model.id == current_user.id
                and (model.role != "admin" or not model.active)):
            raise ValidationError(str(_l("You cannot take away your own administrator rights.")))
        super().on_model_change(form, model, is_created)

    def delete_model(self, model) -> bool:
        if model.id == current_user.id:
            from flask import flash

            flash(str(_l("You cannot delete your own account.")), "error")
            return False
        return super().delete_model(model)


class AuditLogView(CoreModelView):
    read_roles = ("admin",)
    write_roles = ()
    column_list = ["created_at", "actor_label", "action", "object_type", "object_id",
                   "object_label", "result", "origin"]
    column_details_list = [*column_list, "details"]
    column_searchable_list = ["actor_label", "object_label", "object_type"]
    column_filters = ["action", "result", "object_type", "created_at"]
    column_default_sort = ("created_at", True)


class SitePageView(CoreModelView):
    column_list = ["slug", "title_nl", "title_en", "updated_at"]
    form_columns = ["slug", "title_nl", "title_en", "body_nl", "body_en"]
    form_args = {"slug": {"validators": [Regexp(r"^[a-z0-9-]{1,40}$", message=_l(
        "Use lower-case letters, digits and hyphens only."))]}}
    form_widget_args = {"body_nl": {"rows": 14}, "body_en": {"rows": 14}}

    def on_model_change(self, form, model, is_created: bool) -> None:
        from consultplatform.db import utcnow

        model.updated_at = utcnow()
        super().on_model_change(form, model, is_created)


CORE_VIEWS: list[tuple[type[CoreModelView], type, Any, str]] = [
    (ConsultationView, Consultation, _l("Consultations"), "consultation"),
    (SessionView, ConsultationSession, _l("Sessions"), "session"),
    (SectorView, Sector, _l("Sectors"), "sector"),
    (ThemeView, Theme, _l("Themes"), "theme"),
    (ParticipantView, Participant, _l("Participants"), "participant"),
    (RegistrationView, Registration, _l("Registrations"), "registration"),
    (StaffUserView, StaffUser, _l("Staff"), "staffuser"),
    (SitePageView, SitePage, _l("Site pages"), "sitepage"),
    (AuditLogView, AuditLog, _l("Audit log"), "auditlog"),
]
