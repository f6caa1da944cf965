"""The board's POST routes: each parses its form, calls one board service, flashes
and goes back to the board (303) with the filters kept and the changed thing as
the anchor. A refusal answers the board again with the status the service gave
(400, 404, 409), the message flashed and at the field, and the form as typed.
Whoever may not work on the board gets a 403, like every refused write in the admin."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user

from consultplatform.api import (
    Action,
    ActionError,
    ActionInput,
    ConsultationSession,
    InsightGoneError,
    InsightInputError,
    MixinBase,
    SplitPart,
    StaleActionError,
    is_admin,
    parse_id,
)
from consultplatform_workshops import board_services as services
from consultplatform_workshops.views.board_common import Kept, back_to_board
from consultplatform_workshops.workshops import WorkshopError, may_work, workshop_session

# What the services refuse with a message for the user (anything else is a bug).
REFUSED = (WorkshopError, ActionError, InsightInputError, InsightGoneError)

# Longest value a text field of the board takes before the service sees it (the
# service has its own, smaller limits and says so).
FIELD_MAX = 10_000


def _ids(name: str, *, at_least_one: bool = True) -> list[int]:
    raw = request.form.getlist(name)
    ids = [parse_id(value) for value in raw]
    if any(ident is None for ident in ids):
        raise WorkshopError(name, _("The form held a value that is not one of the options "
                                    "shown. Reload the board and try again."))
    if at_least_one and not ids:
        raise WorkshopError(name, _("Choose at least one insight."))
    return [ident for ident in ids if ident is not None]


def _one_id(name: str, message: str) -> int:
    ident = parse_id(request.form.get(name, ""))
    if ident is None:
        raise WorkshopError(name, message)
    return ident


def _text(name: str) -> str:
    value = request.form.get(name, "")
    if len(value) > FIELD_MAX:
        raise WorkshopError(name, _("Keep it to %(max)d characters.", max=FIELD_MAX))
    return value


def _action_input(status: str = "draft") -> ActionInput:
    return ActionInput(title=_text("title"), description=_text("description"),
                       kind=_text("kind"), owner=_text("owner"), horizon=_text("horizon"),
                       department=_text("department"), status=status)


class BoardPostRoutes(MixinBase):
    """Routes of :class:`~consultplatform_workshops.views.board.BoardView`."""

    if TYPE_CHECKING:
        def board_page(self, session: ConsultationSession, *, status: int = 200,
                       kept: Kept | None = None) -> Any: ...

        def deny(self, view: str, obj: Any = None, *, object_type: str | None = None,
                 description: str | None = None) -> NoReturn: ...

    def _writable(self, session_id: int) -> ConsultationSession:
        """The workshop, for someone who may work on it. Anyone else gets a 403 written
        to the audit log (as every refused write in the admin), whether or not the
        workshop exists: the answer tells a stranger nothing about it. An administrator
        may work on every board, so for them the only refusal is a 404."""
        try:
            session: ConsultationSession | None = workshop_session(session_id)
        except WorkshopError as missing:
            if is_admin():
                abort(404, description=str(missing))
            session = None
        if session is None or not may_work(current_user, session):
            self.deny(request.endpoint or "board", session, description=_(
                "Only the workshop's facilitator, its members and administrators may change "
                "its board."))
        return session

    def _refused(self, session: ConsultationSession, form: str, refused: Exception):
        status = getattr(refused, "status", 400)
        field_name = getattr(refused, "field", "insight")
        message = str(refused)
        theirs = None
        if isinstance(refused, StaleActionError):
            status, theirs = 409, refused.current
        elif isinstance(refused, ActionError) and refused.field == "action":
            status = 404
        elif isinstance(refused, InsightGoneError):
            status, message = 404, _("This insight no longer exists.")
        flash(message, "error")
        return self.board_page(session, status=status, kept=Kept(
            form, request.form.copy(), {field_name: message}, theirs))

    def _done(self, session: ConsultationSession, message: str, anchor: str | None):
        flash(message, "success")
        return redirect(back_to_board(session.id, anchor), code=303)

    @expose("/<id:session_id>/draft", methods=("POST",))
    def draft(self, session_id: int):
        session = self._writable(session_id)
        try:
            made = services.draft_action(session.id, _action_input(), _ids("insight"))
        except REFUSED as refused:
            return self._refused(session, "selection", refused)
        return self._done(session, _("Action drafted."), f"action-{made}")

    @expose("/<id:session_id>/link-selected", methods=("POST",))
    def link_selected(self, session_id: int):
        session = self._writable(session_id)
        try:
            target = _one_id("target", _("Choose the action to link the insights to."))
            services.link(session.id, target, _ids("insight"))
        except REFUSED as refused:
            return self._refused(session, "selection", refused)
        return self._done(session, _("Insights linked."), f"action-{target}")

    @expose("/<id:session_id>/action/<id:action_id>/save", methods=("POST",))
    def save(self, session_id: int, action_id: int):
        session = self._writable(session_id)
        form = f"edit-{action_id}"
        current = Action.get_or_none(Action.id == action_id)
        status = current.status if current is not None and current.status != "merged" \
            else "draft"
        try:
            version = _one_id("version", _("The form is incomplete. Reload the board and "
                                           "try again."))
            services.save_action(session.id, action_id, _action_input(status), version)
        except REFUSED as refused:
            return self._refused(session, form, refused)
        return self._done(session, _("Action saved."), f"action-{action_id}")

    @expose("/<id:session_id>/action/<id:action_id>/unlink", methods=("POST",))
    def unlink(self, session_id: int, action_id: int):
        session = self._writable(session_id)
        try:
            removed = services.unlink(session.id, action_id, _ids("insight"))
        except REFUSED as refused:
            return self._refused(session, f"unlink-{action_id}", refused)
        if not removed:
            flash(_("This insight was no longer linked to the action."), "info")
            return redirect(back_to_board(session.id, f"action-{action_id}"), code=303)
        return self._done(session, _("Insight unlinked."), f"action-{action_id}")

    @expose("/<id:session_id>/action/<id:action_id>/merge", methods=("POST",))
    def merge(self, session_id: int, action_id: int):
        session = self._writable(session_id)
        try:
            other = _one_id("other", _("Choose the action to merge with."))
            services.merge(session.id, action_id, other)
        except REFUSED as refused:
            return self._refused(session, f"merge-{action_id}", refused)
        return self._done(session, _("Actions merged: the links of both are on this one."),
                          f"action-{action_id}")

    @expose("/<id:session_id>/action/<id:action_id>/split", methods=("POST",))
    def split(self, session_id: int, action_id: int):
        session = self._writable(session_id)
        try:
            version = _one_id("version", _("The form is incomplete. Reload the board and "
                                           "try again."))
            parts = self._parts()
            services.split(session.id, action_id, parts, expected_version=version)
        except REFUSED as refused:
            return self._refused(session, f"split-{action_id}", refused)
        return self._done(session, _("Action split."), f"action-{action_id}")

    @staticmethod
    def _parts() -> list[SplitPart]:
        """The parts filled in (a title or an insight); empty ones are left out."""
        parts = []
        for number in range(1, 11):
            title = _text(f"part-{number}-title")
            ids = _ids(f"part-{number}-insight", at_least_one=False)
            if title.strip() or ids:
                parts.append(SplitPart(title, ids))
        return parts

    @expose("/<id:session_id>/action/<id:action_id>/dot", methods=("POST",))
    def dot(self, session_id: int, action_id: int):
        session = self._writable(session_id)
        try:
            operation = request.form.get("op", "")
            if operation == "add":
                services.add_dot(session.id, current_user.id, action_id)
                message = _("Dot added.")
            elif operation == "remove":
                services.remove_dot(session.id, current_user.id, action_id)
                message = _("Dot taken back.")
            else:
                raise WorkshopError("op", _("Use the buttons on the board to vote."))
        except REFUSED as refused:
            return self._refused(session, f"dot-{action_id}", refused)
        return self._done(session, message, f"action-{action_id}")

    @expose("/<id:session_id>/insight/<id:insight_id>/aside", methods=("POST",))
    def aside(self, session_id: int, insight_id: int):
        session = self._writable(session_id)
        try:
            services.set_insight_aside(session.id, insight_id, _text("reason"), _text("note"))
        except REFUSED as refused:
            return self._refused(session, f"aside-{insight_id}", refused)
        return self._done(session, _("Insight set aside."), f"card-{insight_id}")

    @expose("/<id:session_id>/insight/<id:insight_id>/reopen", methods=("POST",))
    def reopen(self, session_id: int, insight_id: int):
        session = self._writable(session_id)
        try:
            services.reopen_insight(session.id, insight_id)
        except REFUSED as refused:
            return self._refused(session, f"reopen-{insight_id}", refused)
        return self._done(session, _("Insight open again."), f"card-{insight_id}")
