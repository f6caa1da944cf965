"""Helpers every staff page of the plugin uses."""

from __future__ import annotations

from typing import NoReturn

from flask import abort, request
from flask_babel import gettext as _

from consultplatform import audit
from consultplatform.i18n import current_language
from consultplatform.models import ConsultationSession
from consultplatform_expertarena.arenas import arena_or_404
from consultplatform_expertarena.settings import ArenaSettings, arena_settings


def deny(what: str, session: ConsultationSession | None = None) -> NoReturn:
    """Refuse (403) and write the refusal to the audit log."""
    audit.record("write", session, result="denied", object_type="Expertarena",
                 details={"view": what})
    abort(403, description=_("Only the arena's moderators and administrators may do this."))


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
    from consultplatform.auth.roles import is_admin
    from consultplatform_expertarena.arenas import may_see_people, moderates_arena

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
