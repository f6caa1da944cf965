"""The admin start page: per consultation, its sessions, people and registrations,
and the fill level of every session."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import url_for
from flask_admin import AdminIndexView, expose
from flask_login import current_user
from peewee import JOIN, fn

from consultplatform.admin.base import AccessMixin
from consultplatform.auth.roles import is_staff
from consultplatform.dashboard import steps
from consultplatform.models import Consultation, ConsultationSession, Participant, SeatTally
from consultplatform.seat_counts import status_counts
from consultplatform.workspace import (
    current_consultation,
    visible_consultations,
)

# The registration list's filter on one session is its first filter ("flt0_0=<id>").
SESSION_FILTER_ARG = "0"


def registrations_url(session_id: int, **filters: str) -> str:
    """The registration list of one session (Flask-Admin's filter arguments)."""
    arguments: dict[str, Any] = {f"flt0_{SESSION_FILTER_ARG}": session_id, **filters}
    return url_for("registration.index_view", **arguments)


def session_counts(session_ids: Iterable[int] | None = None) -> dict[int, dict[str, int]]:
    """{session id: {status: registrations}} from the seat counters, in one query;
    all sessions when ``session_ids`` is None."""
    return status_counts(None if session_ids is None else list(session_ids))


def consultation_counts() -> list[dict]:
    """One row per consultation, four queries whatever the data size (registrations
    from the seat counters)."""
    consultations = list(scoped(Consultation.select().order_by(Consultation.created_at.desc())))
    sessions = dict(ConsultationSession.select(ConsultationSession.consultation,
                                               fn.COUNT(ConsultationSession.id))
                    .group_by(ConsultationSession.consultation).tuples())
    people = dict(Participant.select(Participant.consultation, fn.COUNT(Participant.id))
                  .group_by(Participant.consultation).tuples())
    regs: dict[int, dict[str, int]] = {}
    query = (SeatTally
             .select(ConsultationSession.consultation, SeatTally.status, fn.SUM(SeatTally.n))
             .join(ConsultationSession, JOIN.INNER)
             .group_by(ConsultationSession.consultation, SeatTally.status)
             .tuples())
    for consultation_id, status, count in query:
        regs.setdefault(consultation_id, {})[status] = int(count or 0)
    return [{
        "consultation": c,
        "sessions": sessions.get(c.id, 0),
        "participants": people.get(c.id, 0),
        "confirmed": regs.get(c.id, {}).get("confirmed", 0),
        "waitlisted": regs.get(c.id, {}).get("waitlisted", 0),
    } for c in consultations]


def fill_levels() -> dict[int, list[dict]]:
    """{consultation id: one row per session, in time order}: confirmed seats against
    the capacity and the waiting list. Two queries whatever the data size."""
    sessions = (ConsultationSession
                .select(ConsultationSession.id, ConsultationSession.consultation,
                        ConsultationSession.title, ConsultationSession.starts_at,
                        ConsultationSession.capacity, ConsultationSession.status)
                .order_by(ConsultationSession.starts_at, ConsultationSession.id))
    sessions = scoped(sessions)
    counts = session_counts()
    levels: dict[int, list[dict]] = {}
    for session in sessions:
        confirmed = counts.get(session.id, {}).get("confirmed", 0)
        capacity = session.capacity
        levels.setdefault(session.consultation_id, []).append({
            "session": session,
            "confirmed": confirmed,
            "capacity": capacity,
            "free": None if capacity is None else max(capacity - confirmed, 0),
            "percent": round(100 * confirmed / capacity) if capacity else None,
            "waitlisted": counts.get(session.id, {}).get("waitlisted", 0),
            "url": registrations_url(session.id),
        })
    return levels


def scoped(query: Any) -> Any:
    """The overview of all consultations (no consultation chosen, or the dashboard
    would show): a moderator's "all" is all of theirs."""
    if is_staff() and current_user.role == "moderator":
        theirs = visible_consultations(current_user).select(Consultation.id)
        model = query.model
        column = model.id if model is Consultation else model.consultation
        return query.where(column.in_(theirs))
    return query


class IndexView(AccessMixin, AdminIndexView):
    @expose("/")
    def index(self):
        """The chosen consultation's dashboard; without one, every consultation's figures."""
        consultation = current_consultation()
        if consultation is not None:
            return self.render("admin/cp_dashboard.html", consultation=consultation,
                               steps=steps(consultation))
        return self.render("admin/cp_index.html", rows=consultation_counts(),
                           levels=fill_levels())
