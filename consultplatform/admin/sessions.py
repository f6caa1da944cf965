"""The admin's Sessions: seat rules, invitation links, fill levels; changes that
participants must hear about are mailed, freed seats go to the waiting list."""

from __future__ import annotations

import logging
import secrets
from typing import Any
from urllib.parse import urlencode

from flask import flash, g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
)
from wtforms.validators import Length, NumberRange, Optional, Regexp, ValidationError

from consultplatform.admin.columns import format_choices, labelled, local_time
from consultplatform.admin.consultation_scope import ConsultationScopedView
from consultplatform.admin.help_texts import SESSION_HELP, with_help
from consultplatform.admin.index import registrations_url, session_counts
from consultplatform.admin.model_view import CoreModelView
from consultplatform.admin.session_parts import SessionFormParts
from consultplatform.auth.roles import moderates
from consultplatform.db import db, write_transaction
from consultplatform.models import (
    Consultation,
    ConsultationSession,
    Sector,
    StaffUser,
    choices,
)
from consultplatform.plugins import registry
from consultplatform.seats import lock_session
from consultplatform.services.sessions import seat_rule_errors, status_changed
from consultplatform.services.signup import (
    WHEN_AND_WHERE,
    deliver_soon,
    fill_free_seats,
    tell_about_session_change,
)
from consultplatform.templating import format_page_url
from consultplatform.urls import public_url

log = logging.getLogger(__name__)

SIDE_CAP_FIELDS = {side: f"side_cap_{side}" for side, _label in choices.SIDES}
SIDE_CAP_LABELS = {
    "entrepreneur": _l("Seats for entrepreneurs"),
    "government": _l("Seats for government"),
    "education": _l("Seats for education"),
    "other": _l("Seats for others"),
}
# The largest number an integer column holds on both databases.
MAX_INT = 2**31 - 1


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


class SessionView(SessionFormParts, ConsultationScopedView, CoreModelView):
    consultation_field = ConsultationSession.consultation
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
        **{name: local_time(name) for name in ("starts_at", "ends_at", "registration_opens_at",
                                           "registration_closes_at")},
    }
    column_formatters_detail = {**column_formatters, "side_caps": _side_caps,
                                "invite_link": _invite_link_cell}
    form_columns = ["consultation", "format_key", "title", "description", "sector", "starts_at",
                    "ends_at", "location", "online_url", "capacity", "sector_cap",
                    "registration_opens_at", "registration_closes_at", "audience",
                    "reminder_hours", "moderator", "status"]
    form_overrides = {"format_key": SelectField}
    form_args = labelled(form_columns, with_help({
        "online_url": {"validators": [Optional(), Length(max=500), Regexp(
            r"^https://", message=_l("Use a link that starts with https://."))]},
        "capacity": {"validators": [Optional(), NumberRange(min=0, max=MAX_INT)]},
        "sector_cap": {"validators": [Optional(), NumberRange(min=0, max=MAX_INT)]},
        "reminder_hours": {"validators": [Optional(), NumberRange(min=0, max=24 * 366)],
                           "description": _l("Hours before the start that participants get a "
                                             "reminder. Leave empty for no reminder.")},
    }, SESSION_HELP))
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
        return moderates(obj)

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
        self.prepare_parts(form, obj, self._may_write())
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
        self.check_parts(form, model)
        errors = model.clean()
        if model.id is not None and not errors:
            errors.update(seat_rule_errors(model))
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
        self.save_parts(model)
        status_changed(model, before.get("status"))
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
