"""Admin views of the core models, and what the other admin view modules share
(``CoreModelView``, the filters, ``format_choices``). Sessions and registrations
have modules of their own (``sessions.py``, ``registrations.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import flash, request
from flask_admin.actions import action
from flask_admin.babel import lazy_gettext as admin_lazy_gettext
from flask_admin.contrib.peewee.filters import BasePeeweeFilter, FilterEqual
from flask_admin.contrib.peewee.tools import parse_like_term
from flask_admin.model import typefmt
from flask_babel import format_date, format_datetime, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import (
    PasswordField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import Email, Length, Optional, Regexp, ValidationError

from consultplatform.admin.base import SecureModelView, parse_id
from consultplatform.admin.consultation_scope import ConsultationScopedView
from consultplatform.admin.labels import LABELS
from consultplatform.auth.roles import is_staff
from consultplatform.auth.throttle import unlock
from consultplatform.db import utcnow
from consultplatform.events import emit_after_commit
from consultplatform.models import (
    Consultation,
    ConsultationSession,
    Participant,
    Registration,
    Sector,
    SessionQuestion,
    choices,
    normalise_email,
)
from consultplatform.plugins import registry
from consultplatform.slugs import unique_slug
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
        "slug": {"validators": [Optional(), Regexp(r"^[a-z0-9][a-z0-9-]{0,79}$", message=_l(
            "Use lower-case letters, digits and hyphens only."))],
            "description": _l("The address of the consultation's page: /c/<slug>. Leave empty "
                              "to make it from the title.")},
        "contact_email": {"validators": [Optional(), Email(), Length(max=254)]},
    }

    def scaffold_form(self):
        form_class = super().scaffold_form()
        # The slug may be left empty (it is made from the title): not a required field.
        unbound = form_class.slug
        validators = [v for v in unbound.kwargs.get("validators", [])
                      if type(v).__name__ != "ValueRequired"]
        form_class.slug = type(unbound)(unbound.field_class, *unbound.args,
                                        **{**unbound.kwargs, "validators": validators})
        form_class.slug.creation_counter = unbound.creation_counter
        return form_class

    def on_model_change(self, form, model, is_created: bool) -> None:
        if not model.slug:
            model.slug = unique_slug(model.title, lambda slug: Consultation.select().where(
                (Consultation.slug == slug) & (Consultation.id != (model.id or 0))).exists())
        super().on_model_change(form, model, is_created)

    def _with_format_choices(self, form, obj=None):
        form.formats.choices = format_choices(keep=(obj.formats if obj is not None else ()))
        return form

    def create_form(self, obj=None):
        form = self._with_format_choices(super().create_form(obj))
        if request.method == "GET" and not form.formats.data:
            form.formats.data = ["general"]
        return form

    def may_delete(self, model) -> str | None:
        if model.participants.exists():
            return str(_l("This consultation has participants and cannot be deleted. Archive it "
                          "instead; personal data is erased after its retention date."))
        return None

    def edit_form(self, obj=None):
        return self._with_format_choices(super().edit_form(obj), obj)

    def watched_values(self, model: Any) -> dict[str, Any]:
        return {"status": model.status}

    def after_save(self, model: Any, before: dict[str, Any], is_created: bool) -> None:
        if model.status == "closed" and before.get("status") != "closed":
            emit_after_commit("cp_consultation_closed", consultation=model)


class SectorView(ConsultationScopedView, CoreModelView):
    list_prefetch = (Consultation,)
    column_list = ["consultation", "name", "default_seat_cap", "position"]
    column_searchable_list = ["name"]
    column_filters = [Consultation.title]
    form_columns = ["consultation", "name", "default_seat_cap", "position"]


# --- shared by the session, registration and question views ------------------------

def _labelled(columns: list[str], form_args: dict[str, dict]) -> dict[str, dict]:
    """``form_args`` with the translated label of each column (form labels are not
    taken from ``column_labels``)."""
    args = {name: dict(value) for name, value in form_args.items()}
    for name in columns:
        if name in LABELS:
            args.setdefault(name, {}).setdefault("label", LABELS[name])
    return args


class RecordFilter(FilterEqual):
    """Equals a record number: the registrations or questions of one session."""

    def validate(self, value: Any) -> bool:
        return parse_id(value) is not None

    def clean(self, value: Any) -> int:
        return int(value)


class OptionFilter(FilterEqual):
    """Equals one of fixed options; ``none`` (when offered) means no value."""

    def validate(self, value: Any) -> bool:
        return value in {key for key, _label in self.options}

    def apply(self, query, value):
        if value == "none":
            return query.where(self.column.is_null())
        return super().apply(query, value)


class ConsultationTitleFilter(BasePeeweeFilter):
    """The registrations of the sessions of consultations whose title contains a text."""

    def apply(self, query, value):
        sessions = (ConsultationSession.select(ConsultationSession.id).join(Consultation)
                    .where(Consultation.title ** parse_like_term(value)))
        return query.where(Registration.session.in_(sessions))

    def operation(self):
        return admin_lazy_gettext("contains")


class ParticipantView(CoreModelView):
    list_prefetch = ((Consultation, Participant), (Sector, Participant))
    column_list = ["name", "email", "organisation", "consultation", "sector", "side", "language"]
    column_searchable_list = ["name", "email", "organisation"]
    column_filters = ["side", "language", Consultation.title]
    form_columns = ["consultation", "name", "email", "organisation", "sector", "side",
                    "language"]
    form_args = {"email": {"validators": [Email(), Length(max=254)]}}

    def on_model_change(self, form, model, is_created: bool) -> None:
        model.email = normalise_email(model.email)
        super().on_model_change(form, model, is_created)

    def scope_query(self, query):
        """A moderator sees only the people registered for sessions they moderate."""
        if is_staff() and current_user.role == "moderator":
            theirs = (Registration.select(Registration.participant)
                      .join(ConsultationSession)
                      .where(ConsultationSession.moderator == current_user.id))
            return query.where(Participant.id.in_(theirs))
        return query


class QuestionView(CoreModelView):
    """Questions on a session's sign-up form; administrators write, staff read."""

    list_prefetch = (ConsultationSession,)
    column_list = ["session", "position", "kind", "label_nl", "required"]
    column_details_list = ["session", "position", "kind", "label_nl", "label_en", "choices_nl",
                           "choices_en", "required"]
    column_default_sort = [("session", False), ("position", False)]
    column_searchable_list = ["label_nl", "label_en"]
    column_filters = [
        RecordFilter(SessionQuestion.session, _l("Session number")),
        ConsultationSession.title,
        OptionFilter(SessionQuestion.kind, _l("Question type"), options=choices.QUESTION_KINDS),
        "required",
    ]
    column_choices = {**CoreModelView.column_choices, "kind": choices.QUESTION_KINDS}
    form_columns = ["session", "position", "kind", "label_nl", "label_en", "choices_nl",
                    "choices_en", "required"]
    form_overrides = {"choices_nl": TextAreaField, "choices_en": TextAreaField}
    form_args = _labelled(form_columns, {
        "choices_nl": {"description": _l("Choice questions: one option per line.")},
        "choices_en": {"description": _l("Optional: the same options in English, one per line, "
                                         "in the same order.")},
    })
    form_widget_args = {"choices_nl": {"rows": 6}, "choices_en": {"rows": 6}}



class StaffUserView(CoreModelView):
    read_roles = ("admin",)
    column_list = ["name", "email", "role", "active", "language", "last_login_at", "locked_until"]
    column_details_list = ["name", "email", "role", "active", "language", "last_login_at",
                           "locked_until", "created_at"]
    column_formatters = {"locked_until": lambda v, c, m, n: format_datetime(
        m.locked_until, "d MMM y HH:mm") if m.locked_until and m.locked_until > utcnow() else ""}
    column_formatters_detail = column_formatters

    @action("unlock", _l("Unlock (after wrong passwords)"),
            _l("Unlock the selected accounts? They can log in again at once."))
    def action_unlock(self, ids: list[str]) -> None:
        unlocked = sum(unlock(int(ident)) for ident in ids)
        flash(ngettext("%(num)d account unlocked.", "%(num)d accounts unlocked.", unlocked),
              "success")
    column_searchable_list = ["name", "email"]
    column_filters = ["role", "active"]
    form_columns = ["name", "email", "role", "active", "language"]
    form_extra_fields = {"new_password": PasswordField(
        _l("New password"), validators=[Optional(), Length(min=12, max=200)],
        description=_l("At least 12 characters. Leave empty to keep the current password."),
        render_kw={"autocomplete": "new-password"})}
    form_args = {"email": {"validators": [Email(), Length(max=254)]}}

    def on_model_change(self, form, model, is_created: bool) -> None:

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

    def may_delete(self, model) -> str | None:
        if model.id == current_user.id:
            return str(_l("You cannot delete your own account."))
        return None


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
    column_searchable_list = ["slug", "title_nl", "title_en"]
    form_columns = ["slug", "title_nl", "title_en", "body_nl", "body_en"]
    form_args = {"slug": {"validators": [Regexp(r"^[a-z0-9-]{1,40}$", message=_l(
        "Use lower-case letters, digits and hyphens only."))]}}
    form_widget_args = {"body_nl": {"rows": 14}, "body_en": {"rows": 14}}

    def on_model_change(self, form, model, is_created: bool) -> None:
        from consultplatform.db import utcnow

        model.updated_at = utcnow()
        super().on_model_change(form, model, is_created)
