"""The admin's Registrations: the list per session with waiting-list places,
attendance, promoting, cancelling and moving through the sign-up service."""

from __future__ import annotations

from typing import Any

from flask import flash, g, request
from flask_admin.actions import action
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from consultplatform.admin.base import SecureModelView
from consultplatform.admin.columns import labelled
from consultplatform.admin.filters import ConsultationTitleFilter, OptionFilter, RecordFilter
from consultplatform.admin.index import session_counts
from consultplatform.admin.model_view import CoreModelView
from consultplatform.admin.registration_columns import answers_markup, queue_positions
from consultplatform.auth.roles import is_staff
from consultplatform.db import utcnow
from consultplatform.models import (
    ConsultationSession,
    Participant,
    Registration,
    choices,
)
from consultplatform.services.attendance import mark_attendance
from consultplatform.services.registrations import (
    RegistrationError,
    add_by_staff,
    cancel_by_staff,
    move_in_waiting_list,
    promote_by_staff,
)
from consultplatform.services.signup import (
    ALREADY,
    CLOSED,
    CONFIRMED,
    OTHER_SECTORS,
    cancel,
)

# Registration actions a moderator may run on the sessions they moderate.
ATTENDANCE_ACTIONS = ("attended", "no_show")
# The order of the actions in the list's "with selected" menu.
REGISTRATION_ACTIONS = ("attended", "no_show", "promote", "move_up", "move_down", "cancel")


class RegistrationView(CoreModelView):
    session_field = Registration.session
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
                                "answers": lambda v, c, m, n: answers_markup(m)}
    # Manual add: a participant and a session; the seat rules decide the status. An
    # attendance mark for someone added at the door is kept when they get a seat.
    form_columns = ["participant", "session", "attendance"]
    # Editing: the attendance only. Status changes go through the list actions, which
    # use the sign-up service (locks, mails, the waiting list).
    edit_columns = ["attendance"]
    form_args = labelled(["participant", "session", "attendance"], {
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
        try:
            outcome = add_by_staff(person.id, meeting.id, attendance=form.attendance.data or None)
        except RegistrationError as refused:
            form.session.errors = [*form.session.errors, str(refused)]
            return False
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
            # Numbered for the rows shown only (one statement, whatever the page holds).
            g.cp_queue_positions = queue_positions(
                [row.id for row in rows if row.status == "waitlisted"])
            g.cp_list_session = next(
                (int(value) for index, _name, value in filters or ()
                 if isinstance(self._filters[index], RecordFilter)), None)
        return count, rows

    def _queue_position(self, model) -> Any:
        if model.status != "waitlisted":
            return ""
        positions = g.get("cp_queue_positions")
        if positions is None or model.id not in positions:  # the details page
            positions = queue_positions([model.id])
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
        promoted = promote_by_staff(self._idents(ids))
        flash(ngettext("%(num)d person got a place and is told by mail.",
                       "%(num)d people got a place and are told by mail.", promoted), "success")
        if promoted < len(self._idents(ids)):
            flash(_("Only people on the waiting list can be given a place; the others were "
                    "left as they are."), "info")

    @action("cancel", _l("Cancel the registration"),
            _l("Cancel the selected registrations? Their places go to the first people on the "
               "waiting list who fit, and everyone concerned is told by mail."))
    def action_cancel(self, ids: list[str]) -> None:
        done = cancel_by_staff(self._idents(ids))
        cancelled, promoted = done.cancelled, done.promoted
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
        moved = move_in_waiting_list(selected, up=up)
        flash(ngettext("%(num)d person moved on the waiting list.",
                       "%(num)d people moved on the waiting list.", moved), "success")
        if moved < len(selected):
            flash(_("People who are not on a waiting list, or already first (or last), stay "
                    "where they are."), "info")
