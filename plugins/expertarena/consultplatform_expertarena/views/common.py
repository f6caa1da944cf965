"""Helpers every staff page of the plugin uses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

from flask import abort, request
from flask_babel import gettext as _

from consultplatform.api import ConsultationSession, MixinBase, current_language, is_admin
from consultplatform_expertarena.arenas import arena_or_404, may_see_people, moderates_arena
from consultplatform_expertarena.settings import ArenaSettings, arena_settings


class ArenaRoutes(MixinBase):
    """Base of the route groups of :class:`~consultplatform_expertarena.views.arenas.ArenasView`."""

    if TYPE_CHECKING:  # SecureView's, which these routes are combined with
        def deny(self, view: str, obj: Any = None, *, object_type: str | None = None,
                 description: str | None = None) -> NoReturn: ...

    def refuse(self, view: str, session: ConsultationSession) -> NoReturn:
        """403 with the reason, the refusal in the audit log (``SecureView.deny``)."""
        self.deny(view, session, description=_(
            "Only the arena's moderators and administrators may do this."))


def closed_conflict() -> NoReturn:
    abort(409, description=_("This arena has been closed: its insights can no longer be "
                             "changed. An administrator can reopen it."))


def require_confirmation() -> None:
    """Actions without other input (close, delete) carry ``confirm=1`` from their
    button; a request without it did not come from that button (400)."""
    if request.form.get("confirm") != "1":
        abort(400, description=_("Use the button on the page to do this."))


def hidden_tabs(session: ConsultationSession) -> list[str]:
    """The arena pages the current user cannot use, left out of its menu."""
    hidden = []
    if not may_see_people(session):
        hidden.append("attendance")
    if not moderates_arena(session) or session.status != "planned":
        hidden.append("invite")
    if not is_admin():
        hidden.append("settings")
    return hidden


def arena_context(session_id: int) -> tuple[ConsultationSession, ArenaSettings, str]:
    session = arena_or_404(session_id)
    return session, arena_settings(session.consultation), current_language()
