"""Admin views of the core models."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import Any
from urllib.parse import urlencode

from flask import flash, g, request
from flask_admin.actions import action
from flask_admin.babel import lazy_gettext as admin_lazy_gettext
from flask_admin.contrib.peewee.filters import BasePeeweeFilter, FilterEqual
from flask_admin.contrib.peewee.tools import parse_like_term
from flask_admin.model import typefmt
from flask_babel import format_date, format_datetime, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from peewee import fn
from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import Email, Length, NumberRange, Optional, Regexp, ValidationError

from consultplatform import audit
from consultplatform.admin.base import SecureModelView, parse_id
from consultplatform.admin.consultation_scope import ConsultationScopedView
from consultplatform.admin.index import registrations_url, session_counts
from consultplatform.admin.labels import LABELS
from consultplatform.attendance import mark_attendance
from consultplatform.auth.roles import is_staff, moderates
from consultplatform.auth.throttle import unlock
from consultplatform.db import db, utcnow, write_transaction
from consultplatform.events import emit_after_commit
from consultplatform.i18n import current_language
from consultplatform.models import (
    Consultation,
    ConsultationSession,
    Participant,
    Registration,
    Sector,
    SessionQuestion,
    StaffUser,
    choices,
    normalise_email,
)
from consultplatform.plugins import registry
from consultplatform.seats import lock_session
from consultplatform.signup import (
    ALREADY,
    CLOSED,
    CONFIRMED,
    OTHER_SECTORS,
    WAITLISTED,
    WHEN_AND_WHERE,
    Applicant,
    SignUp,
    cancel,
    deliver_soon,
    fill_free_seats,
    promote,
    sign_up,
    tell_about_session_change,
)
from consultplatform.slugs import unique_slug
from consultplatform.templating import format_page_url
from consultplatform.timezone import localize
from consultplatform.urls import public_url

log = logging.getLogger(__name__)


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


# --- sessions, registrations and questions: helpers ---------------------------------

SIDE_CAP_FIELDS = {side: f"side_cap_{side}" for side, _label in choices.SIDES}
SIDE_CAP_LABELS = {
    "entrepreneur": _l("Seats for entrepreneurs"),
    "government": _l("Seats for government"),
    "education": _l("Seats for education"),
    "other": _l("Seats for others"),
}
# The largest number an integer column holds on both databases.
MAX_INT = 2**31 - 1


def _labelled(columns: list[str], form_args: dict[str, dict]) -> dict[str, dict]:
    """``form_args`` with the translated label of each column (form labels are not
    taken from ``column_labels``)."""
    args = {name: dict(value) for name, value in form_args.items()}
    for name in columns:
        if name in LABELS:
            args.setdefault(name, {}).setdefault("label", LABELS[name])
    return args


def queue_positions(session_ids: list[int]) -> dict[int, int]:
    """{registration id: place on its session's waiting list (1 = next)}, one query.
    The order is the one promotion uses: queue rank, then id."""
    if not session_ids:
        return {}
    position = fn.ROW_NUMBER().over(partition_by=[Registration.session],
                                    order_by=[Registration.queue_rank, Registration.id])
    query = (Registration.select(Registration.id, position.alias("position"))
             .where((Registration.status == "waitlisted")
                    & Registration.session.in_(sorted(set(session_ids)))))
    return dict(query.tuples())


def invite_link(meeting: ConsultationSession) -> str:
    """The invitation link of an invite-only session (empty without a token)."""
    if not meeting.invite_token:
        return ""
    query = urlencode({"uitnodiging": meeting.invite_token})
    return public_url(f"/c/{meeting.consultation.slug}/aanmelden?{query}")


def _fill_levels(view, context, model, name) -> Markup:
    """Confirmed / capacity and waiting list, linked to the session's registrations."""
    counts = g.get("cp_session_counts")
    if counts is None or model.id not in counts:  # the details page: this session only
        counts = session_counts([model.id])
    mine = counts.get(model.id, {})
    confirmed, waiting = mine.get("confirmed", 0), mine.get("waitlisted", 0)
    if model.capacity is None:
        text = _("%(confirmed)d confirmed (no limit), %(waiting)d waiting",
                 confirmed=confirmed, waiting=waiting)
    else:
        text = _("%(confirmed)d / %(capacity)d confirmed, %(waiting)d waiting",
                 confirmed=confirmed, capacity=model.capacity, waiting=waiting)
    return Markup('<a href="{}">{}</a>').format(registrations_url(model.id), text)


def _format_cell(view, context, model, name) -> Markup | str:
    """The format's label, with a link to the page where staff run the session
    when the format offers one (``SessionFormat.staff_endpoint``)."""
    label = registry().format_label(model.format_key)
    url = format_page_url(model, "staff")
    if not url:
        return label
    return Markup('{} (<a href="{}">{}</a>)').format(label, url, _("run the session"))


def _side_caps(view, context, model, name) -> str:
    caps = model.side_caps or {}
    return ", ".join(f"{choices.label(choices.SIDES, side)}: {caps[side]}"
                     for side in SIDE_CAP_FIELDS if side in caps)


def _invite_link_cell(view, context, model, name) -> Markup | str:
    if model.audience != "invite":
        return ""
    if not moderates(model):
        return _("(only for administrators and the session's moderator)")
    link = invite_link(model)
    return Markup("<code>{}</code>").format(link) if link else ""


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


class SessionView(ConsultationScopedView, CoreModelView):
    # Each tied to the session itself: peewee would otherwise fetch the sectors as the
    # consultation's (Sector.consultation), and load each row's sector one by one.
    list_prefetch = ((Consultation, ConsultationSession), (Sector, ConsultationSession),
                     (StaffUser, ConsultationSession))
    column_list = ["title", "consultation", "format_key", "sector", "starts_at", "ends_at",
                   "capacity", "registrations", "status", "moderator"]
    column_details_list = ["title", "consultation", "format_key", "description", "sector",
                           "starts_at", "ends_at", "location", "online_url", "capacity",
                           "sector_cap", "side_caps", "registrations", "registration_opens_at",
                           "registration_closes_at", "audience", "invite_link", "reminder_hours",
                           "moderator", "status", "created_at"]
    column_searchable_list = ["title", "location"]
    column_filters = ["status", "format_key", "starts_at", Consultation.title]
    column_formatters = {
        "format_key": _format_cell,
        "registrations": _fill_levels,
        **{name: _local(name) for name in ("starts_at", "ends_at", "registration_opens_at",
                                           "registration_closes_at")},
    }
    column_formatters_detail = {**column_formatters, "side_caps": _side_caps,
                                "invite_link": _invite_link_cell}
    form_columns = ["consultation", "format_key", "title", "description", "sector", "starts_at",
                    "ends_at", "location", "online_url", "capacity", "sector_cap",
                    "registration_opens_at", "registration_closes_at", "audience",
                    "reminder_hours", "moderator", "status"]
    form_overrides = {"format_key": SelectField}
    form_args = _labelled(form_columns, {
        "online_url": {"validators": [Optional(), Length(max=500), Regexp(
            r"^https://", message=_l("Use a link that starts with https://."))]},
        "capacity": {"validators": [Optional(), NumberRange(min=0, max=MAX_INT)]},
        "sector_cap": {"validators": [Optional(), NumberRange(min=0, max=MAX_INT)]},
        "reminder_hours": {"validators": [Optional(), NumberRange(min=0, max=24 * 366)],
                           "description": _l("Hours before the start that participants get a "
                                             "reminder. Leave empty for no reminder.")},
    })
    form_extra_fields = {
        **{field: IntegerField(SIDE_CAP_LABELS[side], validators=[
            Optional(), NumberRange(min=0, max=MAX_INT)],
            description=_l("Leave empty for no limit.")) for side, field in SIDE_CAP_FIELDS.items()},
        "new_invite_link": BooleanField(_l("New invitation link"), description=_l(
            "Invitation-only sessions: make a new link. The old link stops working.")),
    }
    edit_template = "admin/cp_session_edit.html"
    scoped_choices = {"sector": Sector}
    moderator_can_edit_some = True
    # Fields a moderator's form does not have: who moderates, where it belongs, its format
    # (a format's data, such as an arena's insights, hangs on it), the seat rules.
    ADMIN_ONLY = ("consultation", "format_key", "moderator", "capacity", "sector_cap",
                  "audience", "new_invite_link", *SIDE_CAP_FIELDS.values())
    # A moderator may close or cancel their session; reopening is for administrators
    # (a closed Expertarena's insights are read-only for its moderators).
    FINAL_STATUSES = ("closed", "cancelled")

    def moderator_may_edit(self, obj: Any) -> bool:
        return obj.moderator_id == current_user.id

    def scaffold_form(self):
        form_class = super().scaffold_form()
        # The extra fields next to the fields they belong with, not at the end.
        for anchor, names in (("sector_cap", list(SIDE_CAP_FIELDS.values())),
                              ("registration_closes_at", ["reminder_hours"]),
                              ("audience", ["new_invite_link"])):
            base = getattr(form_class, anchor).creation_counter
            for step, name in enumerate(names, start=1):
                getattr(form_class, name).creation_counter = base + step / 100
        return form_class

    def _prepare(self, form, obj):
        form.format_key.choices = format_choices(keep=[obj.format_key] if obj is not None else [])
        if not self._may_write():
            for name in self.ADMIN_ONLY:
                if name in form:
                    delattr(form, name)
        elif obj is not None and not form.is_submitted():
            for side, name in SIDE_CAP_FIELDS.items():
                form[name].data = (obj.side_caps or {}).get(side)
        return form

    def create_form(self, obj=None):
        return self._prepare(super().create_form(obj), obj)

    def edit_form(self, obj=None):
        form = self._prepare(super().edit_form(obj), obj)
        if obj is not None and obj.audience == "invite" and moderates(obj):
            self._template_args["invite_link"] = invite_link(obj)
        return form

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True,
                 page_size=None):
        count, rows = super().get_list(page, sort_column, sort_desc, search, filters,
                                       execute=execute, page_size=page_size)
        if execute:
            counts = session_counts(row.id for row in rows)
            g.cp_session_counts = {row.id: counts.get(row.id, {}) for row in rows}
        return count, rows

    def on_model_change(self, form, model, is_created: bool) -> None:
        before = (g.get("cp_before_data") or {}).get("status")
        if not is_created and not self._may_write() and before in self.FINAL_STATUSES \
                and model.status != before:
            message = str(_l("Only an administrator can reopen a closed or cancelled session."))
            form.status.errors = [*form.status.errors, message]
            raise ValidationError(message)
        if SIDE_CAP_FIELDS["entrepreneur"] in form:
            model.side_caps = {side: form[name].data for side, name in SIDE_CAP_FIELDS.items()
                               if form[name].data is not None}
        renew = "new_invite_link" in form and form.new_invite_link.data
        if model.audience == "invite" and (renew or not model.invite_token):
            model.invite_token = secrets.token_urlsafe(24)
        errors = model.clean()
        if errors:
            # The model names a side's cap "side_caps.<side>"; the form has a field per side.
            for key, message in errors.items():
                name = SIDE_CAP_FIELDS.get(key.removeprefix("side_caps."), key)
                if name in form:
                    form[name].errors = [*form[name].errors, message]
            raise ValidationError(" ".join(errors.values()))
        super().on_model_change(form, model, is_created)

    def update_model(self, form, model) -> bool:
        # The session row locked first (the write lock on SQLite): the confirmed seats
        # counted in clean() cannot change before the new capacity is saved.
        with write_transaction():
            lock_session(model.id)
            return super().update_model(form, model)

    @staticmethod
    def _seat_rules(model: Any) -> tuple:
        return model.capacity, model.sector_cap, dict(model.side_caps or {})

    def watched_values(self, model: Any) -> dict[str, Any]:
        return {"status": model.status, "seats": self._seat_rules(model),
                **{name: getattr(model, name) for name in WHEN_AND_WHERE}}

    def after_save(self, model: Any, before: dict[str, Any], is_created: bool) -> None:
        if model.status == "closed" and before.get("status") != "closed":
            emit_after_commit("cp_session_closed", session=model)
        if not is_created and tell_about_session_change(model, before):
            deliver_soon()
        if not is_created and before.get("seats") != self._seat_rules(model):
            # More room may let waiting people in: once the change is committed.
            session_id = model.id
            db.obj.after_commit(lambda: self.fill_seats_of(session_id))

    @staticmethod
    def fill_seats_of(session_id: int) -> None:
        """Give free seats to waiting people (with their mails) and say so; outside
        any transaction, after the change that freed them is committed."""
        try:
            promoted = fill_free_seats(session_id)
        except Exception:
            log.exception("filling the free seats of session %s failed", session_id)
            flash(_("The change was saved, but the waiting list could not be updated. "
                    "Try again or give places by hand."), "error")
            return
        if promoted:
            flash(ngettext("%(num)d person on the waiting list got a place and is told by mail.",
                           "%(num)d people on the waiting list got a place and are told by mail.",
                           len(promoted)), "success")


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


# Registration actions a moderator may run on the sessions they moderate.
ATTENDANCE_ACTIONS = ("attended", "no_show")
# The gap between queue ranks when a waiting list is numbered again (see _move_in_queue).
QUEUE_STEP = 1024.0
# The order of the actions in the list's "with selected" menu.
REGISTRATION_ACTIONS = ("attended", "no_show", "promote", "move_up", "move_down", "cancel")


def _answers(registration: Registration) -> Markup:
    """The answers to the session's questions, as the staff member reads them:
    question, then the chosen options' labels or the text given."""
    questions = {str(q.id): q for q in SessionQuestion.select().where(
        SessionQuestion.session == registration.session_id).order_by(SessionQuestion.position)}
    language = current_language()
    items = []
    for key, value in (registration.answers or {}).items():
        question = questions.get(key)
        if question is None:
            continue  # the question was deleted since
        if question.kind in ("single", "multiple"):
            options = question.options(language)
            picked = value if isinstance(value, list) else [value]
            shown = ", ".join(options[int(i)] for i in picked
                              if str(i).isdigit() and int(i) < len(options))
        elif question.kind == "yes_no":
            shown = str(_l("Yes")) if value == "yes" else str(_l("No"))
        else:
            shown = str(value)
        items.append(Markup("<dt>{}</dt><dd>{}</dd>").format(question.label(language), shown))
    return Markup("<dl>{}</dl>").format(Markup("").join(items)) if items else Markup("")


class RegistrationView(CoreModelView):
    list_prefetch = ((Participant, Registration), (ConsultationSession, Registration))
    column_list = ["participant", "session", "status", "queue_position", "attendance",
                   "created_at", "promoted_at", "cancelled_at"]
    column_details_list = ["participant", "session", "status", "queue_position", "attendance",
                           "answers", "created_at", "updated_at", "promoted_at", "cancelled_at"]
    column_sortable_list = ["participant", "session", "status", "attendance", "created_at",
                            "promoted_at", "cancelled_at", ("queue_position", Registration.queue_rank)]
    column_filters = [
        # First, so a session's list is "?flt0_0=<id>" (index.registrations_url).
        RecordFilter(Registration.session, _l("Session number")),
        ConsultationSession.title,
        ConsultationTitleFilter(Registration.session, _l("Consultation")),
        OptionFilter(Registration.status, _l("Status"), options=choices.REGISTRATION_STATUSES),
        OptionFilter(Registration.attendance, _l("Attendance"),
                     options=[*choices.ATTENDANCE, ("none", _l("Not recorded"))]),
    ]
    column_formatters = {
        "queue_position": lambda v, c, m, n: v._queue_position(m),
        "attendance": lambda v, c, m, n: choices.label(choices.ATTENDANCE, m.attendance)
        if m.attendance else "",
    }
    column_formatters_detail = {**column_formatters,
                                "answers": lambda v, c, m, n: _answers(m)}
    # Manual add: a participant and a session; the seat rules decide the status. An
    # attendance mark for someone added at the door is kept when they get a seat.
    form_columns = ["participant", "session", "attendance"]
    # Editing: the attendance only. Status changes go through the list actions, which
    # use the sign-up service (locks, mails, the waiting list).
    edit_columns = ["attendance"]
    form_args = _labelled(["participant", "session", "attendance"], {
        "participant": {"get_label": lambda p: f"{p.name} <{p.email}>"},
        "attendance": {"blank_text": _l("Not recorded")},
    })
    list_template = "admin/cp_registration_list.html"
    unique_messages = {("session", "participant"): _l(
        "This participant is already signed up for this session.")}
    # Deleting many at once would skip the waiting list; "cancel" hands seats on.
    action_disallowed_list = ["delete"]

    def init_actions(self) -> None:
        super().init_actions()
        self._actions.sort(key=lambda item: REGISTRATION_ACTIONS.index(item[0])
                           if item[0] in REGISTRATION_ACTIONS else len(REGISTRATION_ACTIONS))

    # --- forms -----------------------------------------------------------------

    def _scaffold_with(self, columns: list[str]):
        saved = self.form_columns
        self.form_columns = columns
        try:
            return self.scaffold_form()
        finally:
            self.form_columns = saved

    def get_create_form(self):
        return self._scaffold_with(self.form_columns)

    def get_edit_form(self):
        return self._scaffold_with(self.edit_columns)

    def create_model(self, form):
        """Sign the participant up as the public form would: the seat rules decide
        between a seat and the waiting list, and the mail goes into the outbox."""
        person, meeting = form.participant.data, form.session.data
        if person.consultation_id != meeting.consultation_id:
            form.session.errors = [*form.session.errors, _(
                "This session belongs to another consultation than the participant.")]
            return False
        request_ = SignUp(
            consultation=meeting.consultation,
            applicant=Applicant(name=person.name, email=person.email,
                                organisation=person.organisation, sector_id=person.sector_id,
                                side=person.side, phone=person.phone,
                                language=person.language),
            session_ids=[meeting.id], by_staff=True)
        try:
            with write_transaction():
                outcome = sign_up(request_)[0]
                registration = outcome.registration
                if outcome.result == CONFIRMED and form.attendance.data:
                    registration.attendance = form.attendance.data
                    registration.save(only=[Registration.attendance])
                if outcome.result in (CONFIRMED, WAITLISTED):
                    audit.record("create", registration, details={
                        "fields": ["participant", "session"], "status": outcome.result,
                        "attendance": registration.attendance})
        except Exception as exc:
            if not self.handle_view_exception(exc):
                raise
            return False
        if outcome.result == ALREADY:
            form.participant.errors = [*form.participant.errors, _(
                "This participant is already signed up for this session.")]
            return False
        if outcome.result == CLOSED:
            form.session.errors = [*form.session.errors, _(
                "This session has been closed or cancelled, so no one can be added.")]
            return False
        if outcome.result == OTHER_SECTORS:
            form.session.errors = [*form.session.errors, _(
                "This session is for entrepreneurs of other sectors than this participant's.")]
            return False
        if outcome.result == CONFIRMED:
            flash(_("The participant has a place; a confirmation mail is queued."), "success")
        else:
            flash(_("The session is full for this participant: they are on the waiting list "
                    "and a mail saying so is queued."), "info")
        return outcome.registration

    def on_model_change(self, form, model, is_created: bool) -> None:
        model.updated_at = utcnow()
        super().on_model_change(form, model, is_created)

    def delete_model(self, model) -> bool:
        if model.status != "cancelled":
            # A cancellation first, under the session lock: the person gets the CANCEL
            # for their calendar and the seat goes to the waiting list.
            cancel(model.id)
            model = Registration.get_by_id(model.id)
        return super().delete_model(model)

    # --- the list ----------------------------------------------------------------

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True,
                 page_size=None):
        count, rows = super().get_list(page, sort_column, sort_desc, search, filters,
                                       execute=execute, page_size=page_size)
        if execute:
            waiting = {row.session_id for row in rows if row.status == "waitlisted"}
            g.cp_queue_positions = queue_positions(sorted(waiting))
            g.cp_list_session = next(
                (int(value) for index, _name, value in filters or ()
                 if isinstance(self._filters[index], RecordFilter)), None)
        return count, rows

    def _queue_position(self, model) -> Any:
        if model.status != "waitlisted":
            return ""
        positions = g.get("cp_queue_positions")
        if positions is None or model.id not in positions:  # the details page
            positions = queue_positions([model.session_id])
        return positions.get(model.id, "")

    def session_summary(self) -> dict | None:
        """The session the list is filtered on, with its fill level (for the heading)."""
        session_id = g.get("cp_list_session")
        meeting = ConsultationSession.get_or_none(ConsultationSession.id == session_id) \
            if session_id is not None else None
        if meeting is None:
            return None
        counts = session_counts([meeting.id]).get(meeting.id, {})
        return {"session": meeting, "confirmed": counts.get("confirmed", 0),
                "waitlisted": counts.get("waitlisted", 0)}

    # --- who may see and do what ---------------------------------------------------

    def scope_query(self, query):
        """A moderator sees the registrations of the sessions they moderate (as with
        participants); administrators and viewers see all."""
        if self._is_moderator():
            theirs = (ConsultationSession.select(ConsultationSession.id)
                      .where(ConsultationSession.moderator == current_user.id))
            return query.where(Registration.session.in_(theirs))
        return query

    def _is_moderator(self) -> bool:
        return is_staff() and current_user.role == "moderator"

    def is_action_allowed(self, name: str) -> bool:
        if name == "delete":
            return False
        if self._may_write():
            return super().is_action_allowed(name)
        return self._is_moderator() and name in ATTENDANCE_ACTIONS

    def _handle_view(self, name: str, **kwargs: Any):
        # The base treats every action as a write (admins only). A moderator may mark
        # attendance, and only when every selected registration is of a session they
        # moderate; anything else is refused before the action runs.
        if name != "action_view" or self._may_write() or not self._is_moderator():
            return super()._handle_view(name, **kwargs)
        denied = super(SecureModelView, self)._handle_view(name, **kwargs)
        if denied is not None:
            return denied
        if request.method == "POST":
            if request.form.get("action") not in ATTENDANCE_ACTIONS:
                return self._deny(name)
            self._check_action()
            if self._not_moderated(self._idents(request.form.getlist("rowid"))):
                return self._deny(name)
        return None

    @staticmethod
    def _not_moderated(idents: list[int]) -> bool:
        """Is any of these registrations of a session the current user does not moderate?"""
        return (Registration.select(Registration.id).join(ConsultationSession)
                .where(Registration.id.in_(idents)
                       & (ConsultationSession.moderator.is_null()
                          | (ConsultationSession.moderator != current_user.id)))
                .exists())

    def _idents(self, ids: list[str]) -> list[int]:
        return sorted({self._parse_pk(raw) for raw in ids} - {None})

    # --- actions -----------------------------------------------------------------

    @action("attended", _l("Mark as attended"),
            _l("Mark the selected people as attended? Only confirmed registrations change."))
    def action_attended(self, ids: list[str]) -> None:
        self._mark_attendance(ids, "attended")

    @action("no_show", _l("Mark as did not come"),
            _l("Mark the selected people as not having come? Only confirmed registrations "
               "change."))
    def action_no_show(self, ids: list[str]) -> None:
        self._mark_attendance(ids, "no_show")

    def _mark_attendance(self, ids: list[str], value: str) -> None:
        idents = self._idents(ids)
        if not self._may_write() and self._not_moderated(idents):  # checked before; again
            self._deny("action_view")
        changed = mark_attendance(dict.fromkeys(idents, value))
        flash(ngettext("Attendance recorded for %(num)d person.",
                       "Attendance recorded for %(num)d people.", changed), "success")
        if changed < len(idents):
            flash(_("Registrations that are not confirmed, or already had this mark, were left "
                    "as they are."), "info")

    @action("promote", _l("Give a place (from the waiting list)"),
            _l("Give the selected people on the waiting list a place, even when the session "
               "or their sector is full? They are told by mail."))
    def action_promote(self, ids: list[str]) -> None:
        promoted = 0
        waiting = (Registration.select(Registration.id)
                   .where(Registration.id.in_(self._idents(ids)))
                   .order_by(Registration.queue_rank, Registration.id))
        for ident in [row.id for row in waiting]:
            with write_transaction():
                registration = promote(ident)
                if registration is not None:
                    audit.record("promote", registration)
                    promoted += 1
        flash(ngettext("%(num)d person got a place and is told by mail.",
                       "%(num)d people got a place and are told by mail.", promoted), "success")
        if promoted < len(self._idents(ids)):
            flash(_("Only people on the waiting list can be given a place; the others were "
                    "left as they are."), "info")

    @action("cancel", _l("Cancel the registration"),
            _l("Cancel the selected registrations? Their places go to the first people on the "
               "waiting list who fit, and everyone concerned is told by mail."))
    def action_cancel(self, ids: list[str]) -> None:
        cancelled, promoted = 0, 0
        for ident in self._idents(ids):
            with write_transaction():
                lock_session(Registration.get_by_id(ident).session_id)
                status = Registration.get_by_id(ident).status  # read under the lock
                if status == "cancelled":
                    continue
                moved_up = cancel(ident, by_staff=True)
                audit.record("cancel", Registration.get_by_id(ident), details={
                    "was": status, "promoted": [str(r.id) for r in moved_up]})
                cancelled += 1
                promoted += len(moved_up)
        flash(ngettext("%(num)d registration cancelled.", "%(num)d registrations cancelled.",
                       cancelled), "success")
        if promoted:
            flash(ngettext("%(num)d person on the waiting list got the free place.",
                           "%(num)d people on the waiting list got the free places.", promoted),
                  "success")

    @action("move_up", _l("Move up the waiting list"),
            _l("Move the selected people one place up their session's waiting list?"))
    def action_move_up(self, ids: list[str]) -> None:
        self._move(ids, up=True)

    @action("move_down", _l("Move down the waiting list"),
            _l("Move the selected people one place down their session's waiting list?"))
    def action_move_down(self, ids: list[str]) -> None:
        self._move(ids, up=False)

    def _move(self, ids: list[str], *, up: bool) -> None:
        selected = set(self._idents(ids))
        sessions = sorted({row.session_id for row in Registration.select(Registration.session)
                           .where(Registration.id.in_(sorted(selected))
                                  & (Registration.status == "waitlisted"))})
        moved = 0
        for session_id in sessions:
            with write_transaction():
                lock_session(session_id)
                moved += self._move_in_queue(session_id, selected, up=up)
        flash(ngettext("%(num)d person moved on the waiting list.",
                       "%(num)d people moved on the waiting list.", moved), "success")
        if moved < len(selected):
            flash(_("People who are not on a waiting list, or already first (or last), stay "
                    "where they are."), "info")

    @staticmethod
    def _move_in_queue(session_id: int, selected: set[int], *, up: bool) -> int:
        """Swap each selected waiting person with the unselected neighbour above (or
        below), so a selected block moves as one; then hand out the queue ranks the
        list already had, in the new order. Only rows whose rank changes are written."""
        queue = list(Registration.select()
                     .where((Registration.session == session_id)
                            & (Registration.status == "waitlisted"))
                     .order_by(Registration.queue_rank, Registration.id))
        order = queue[:]
        indexes = range(1, len(order)) if up else range(len(order) - 2, -1, -1)
        step = -1 if up else 1
        moved: list[Registration] = []
        for i in indexes:
            if order[i].id in selected and order[i + step].id not in selected:
                order[i], order[i + step] = order[i + step], order[i]
                moved.append(order[i + step])
        if not moved:
            return 0
        ranks = sorted(r.queue_rank for r in queue)
        if len(set(ranks)) < len(ranks):
            # Tied ranks (people who signed up in the same instant, or within the
            # precision of the column) cannot be swapped: number the whole list again,
            # below its first rank so nobody who signs up later gets ahead. Steps of
            # 1024 stay distinct even in a single-precision column.
            ranks = [ranks[0] - QUEUE_STEP * (len(ranks) - 1 - i) for i in range(len(ranks))]
        for registration, rank in zip(order, ranks, strict=True):
            if registration.queue_rank != rank:
                registration.queue_rank, registration.updated_at = rank, utcnow()
                registration.save(only=[Registration.queue_rank, Registration.updated_at])
        for registration in moved:
            audit.record("move_up" if up else "move_down", registration,
                         details={"session": str(session_id)})
        return len(moved)


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
