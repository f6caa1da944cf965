"""Arenas: which sessions are arenas, their sectors and moderators, and who may
do what with them (checked on the server for every request)."""

from __future__ import annotations

from flask import abort, g, has_request_context
from flask_login import current_user

from consultplatform.api import (
    Consultation,
    ConsultationSession,
    Sector,
    StaffUser,
    current_consultation_id,
    is_admin,
    is_staff,
)
from consultplatform_expertarena.models import ExpertarenaArenaModerator, ExpertarenaArenaSector

FORMAT_KEY = "expertarena"


def arena_or_404(session_id: int) -> ConsultationSession:
    """The arena ``session_id``: a session of this format whose consultation uses it."""
    session = (ConsultationSession.select(ConsultationSession, Consultation)
               .join(Consultation)
               .where(ConsultationSession.id == session_id).first())
    if session is None or not is_arena(session):
        abort(404)
    return session


def is_arena(session: ConsultationSession) -> bool:
    return (session.format_key == FORMAT_KEY
            and FORMAT_KEY in (session.consultation.formats or []))


def arena_query(consultation: Consultation | int | None = None):
    """Arena sessions (of one consultation; else of the consultation the staff member
    works on, or of all), in time order."""
    if consultation is None:
        consultation = current_consultation_id()
    query = (ConsultationSession.select(ConsultationSession, Consultation)
             .join(Consultation)
             .where(ConsultationSession.format_key == FORMAT_KEY)
             .order_by(ConsultationSession.starts_at, ConsultationSession.id))
    if consultation is not None:
        query = query.where(ConsultationSession.consultation == consultation)
    return query


def arena_sectors(sessions: list[ConsultationSession]) -> dict[int, list[Sector]]:
    """{session id: its sectors}, one query: the sectors ticked for the arena, or,
    when none are, the session's own sector."""
    ids = [s.id for s in sessions]
    found: dict[int, list[Sector]] = {i: [] for i in ids}
    if ids:
        links = (ExpertarenaArenaSector.select(ExpertarenaArenaSector, Sector).join(Sector)
                 .where(ExpertarenaArenaSector.session.in_(ids))
                 .order_by(ExpertarenaArenaSector.position, Sector.position, Sector.name))
        for link in links:
            found[link.session_id].append(link.sector)
    own = {s.sector_id for s in sessions if not found[s.id] and s.sector_id}
    if own:
        sectors = {s.id: s for s in Sector.select().where(Sector.id.in_(sorted(own)))}
        for session in sessions:
            if not found[session.id] and session.sector_id in sectors:
                found[session.id] = [sectors[session.sector_id]]
    return found


def moderator_ids_of(sessions: list[ConsultationSession]) -> dict[int, set[int]]:
    """{session id: the ids of its moderators}: the session's own moderator and the
    arena's extra ones, one query."""
    found = {s.id: ({s.moderator_id} if s.moderator_id else set()) for s in sessions}
    if found:
        for row in (ExpertarenaArenaModerator.select(ExpertarenaArenaModerator.session,
                                                     ExpertarenaArenaModerator.staff)
                    .where(ExpertarenaArenaModerator.session.in_(list(found)))):
            found[row.session_id].add(row.staff_id)
    return found


def moderator_ids(session: ConsultationSession) -> set[int]:
    """The arena's moderators; read once per request (every permission check asks)."""
    if not has_request_context():
        return moderator_ids_of([session])[session.id]
    cache = g.setdefault("expertarena_moderators", {})
    if session.id not in cache:
        cache[session.id] = moderator_ids_of([session])[session.id]
    return cache[session.id]


def sectors_of(consultation_id: int) -> list[Sector]:
    """The sectors an arena of this consultation may take, in the consultation's order."""
    return list(Sector.select().where(Sector.consultation == consultation_id)
                .order_by(Sector.position, Sector.name))


def moderator_candidates() -> list[StaffUser]:
    """Staff who may moderate an arena: active moderators and administrators."""
    return list(StaffUser.select().where(StaffUser.role.in_(["moderator", "admin"])
                                         & (StaffUser.active == True))  # noqa: E712
                .order_by(StaffUser.name))


def co_moderator_ids(session_id: int) -> set[int]:
    """The arena's extra moderators (beside the session's own)."""
    return {row.staff_id for row in ExpertarenaArenaModerator.select(
        ExpertarenaArenaModerator.staff).where(ExpertarenaArenaModerator.session == session_id)}


def moderators(session: ConsultationSession) -> list[StaffUser]:
    ids = moderator_ids(session)
    if not ids:
        return []
    return list(StaffUser.select().where(StaffUser.id.in_(sorted(ids))).order_by(StaffUser.name))


def moderates_arena(session: ConsultationSession) -> bool:
    """An admin, or one of the arena's moderators (role moderator)."""
    if is_admin():
        return True
    return (is_staff() and current_user.role == "moderator"
            and current_user.id in moderator_ids(session))


def is_open(session: ConsultationSession) -> bool:
    return session.status == "planned"


def may_write_insights(session: ConsultationSession) -> bool:
    """Admins always; the arena's moderators while it is open."""
    return is_admin() or (is_open(session) and moderates_arena(session))


def may_see_people(session: ConsultationSession) -> bool:
    """Names are for admins, viewers (who read everything) and the arena's moderators."""
    return is_staff() and (current_user.role in ("admin", "viewer") or moderates_arena(session))
