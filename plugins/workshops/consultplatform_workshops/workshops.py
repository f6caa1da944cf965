"""A workshop: a session of format "workshop" whose facilitator (the session's
moderator) and members turn the insights in its scope into actions.

Who may work on a board: an administrator, the session's facilitator and the staff
named as its members. Everyone else gets a 404 (the board's existence is not
confirmed to a stranger). A closed workshop (the session closed) is read only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from consultplatform.api import (
    Consultation,
    ConsultationSession,
    Insight,
    Sector,
    StaffUser,
    Theme,
    audit,
    insight_vocabulary,
    utcnow,
    write_transaction,
)
from consultplatform_workshops.models import (
    QUESTION_MAX,
    SCOPE_KINDS,
    WorkshopsMember,
    WorkshopsScope,
    WorkshopsWorkshop,
)

FORMAT_KEY = "workshop"


class WorkshopError(ValueError):
    """What a workshop service refuses: ``field`` names the input, ``status`` is the
    HTTP status a page answers with (400 bad input, 404 not found, 409 conflict)."""

    def __init__(self, field_name: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.field = field_name
        self.status = status


@dataclass(frozen=True)
class WorkshopPlan:
    """A workshop's preparation: its question, its scope and its members."""

    question: str = ""
    theme_ids: Sequence[int] = field(default_factory=tuple)
    sector_ids: Sequence[int] = field(default_factory=tuple)
    categories: Sequence[str] = field(default_factory=tuple)
    arena_ids: Sequence[int] = field(default_factory=tuple)
    member_ids: Sequence[int] = field(default_factory=tuple)


@dataclass(frozen=True)
class Scope:
    """What the board shows; an empty list does not narrow."""

    theme_ids: list[int]
    sector_ids: list[int]
    categories: list[str]
    arena_ids: list[int]

    def narrow(self, query):
        """``query`` (over Insight, joined to its session) narrowed to the scope."""
        from consultplatform.api import InsightTheme

        if self.sector_ids:
            query = query.where(Insight.sector.in_(self.sector_ids))
        if self.categories:
            query = query.where(Insight.category.in_(self.categories))
        if self.arena_ids:
            query = query.where(Insight.session.in_(self.arena_ids))
        if self.theme_ids:
            query = query.where(Insight.id.in_(
                InsightTheme.select(InsightTheme.insight)
                .where(InsightTheme.theme.in_(self.theme_ids))))
        return query


def uses_workshops(consultation: Consultation) -> bool:
    """Whether the consultation offers the workshop format (its outputs, step, demo)."""
    return FORMAT_KEY in (consultation.formats or [])


def workshop_session(session_id: int) -> ConsultationSession:
    """The workshop session, or WorkshopError 404."""
    session = ConsultationSession.get_or_none((ConsultationSession.id == session_id)
                                              & (ConsultationSession.format_key == FORMAT_KEY))
    if session is None:
        raise WorkshopError("session", str(_l("This workshop does not exist.")), 404)
    return session


def workshop_row(session_id: int) -> WorkshopsWorkshop:
    """The workshop's own row, made on first use."""
    row = WorkshopsWorkshop.get_or_none(WorkshopsWorkshop.session == session_id)
    if row is None:
        row, _ = WorkshopsWorkshop.get_or_create(session=session_id)
    return row


def may_work(staff: StaffUser | None, session: ConsultationSession) -> bool:
    """Administrator, facilitator or member (and never someone who is not staff)."""
    if staff is None or not getattr(staff, "is_authenticated", True):
        return False
    if staff.role == "admin" or session.moderator_id == staff.id:
        return True
    return WorkshopsMember.select().where((WorkshopsMember.session == session.id)
                                         & (WorkshopsMember.staff == staff.id)).exists()


def ensure_open(session: ConsultationSession) -> None:
    if session.status != "planned":
        raise WorkshopError("session", str(_l(
            "This workshop is closed: its board can be read, not changed.")), 409)


def scopes_of(session_ids: list[int]) -> dict[int, Scope]:
    """The scope of every workshop in ``session_ids`` (one statement)."""
    values: dict[int, dict[str, list[str]]] = {
        ident: {kind: [] for kind in SCOPE_KINDS} for ident in session_ids}
    for row in (WorkshopsScope.select().where(WorkshopsScope.session.in_(session_ids or [0]))
                .order_by(WorkshopsScope.id)):
        values[row.session_id].setdefault(row.kind, []).append(row.value)
    return {ident: Scope(theme_ids=[int(v) for v in found["theme"]],
                         sector_ids=[int(v) for v in found["sector"]],
                         categories=found["category"],
                         arena_ids=[int(v) for v in found["arena"]])
            for ident, found in values.items()}


def scope_of(session_id: int) -> Scope:
    return scopes_of([session_id])[session_id]


def bump(session_id: int) -> None:
    """A change on the board (inside the writing transaction): the poll sees it. One
    upsert: two first changes at once on a board without its row both count."""
    (WorkshopsWorkshop.insert(session=session_id, revision=2, updated_at=utcnow())
     .on_conflict(conflict_target=[WorkshopsWorkshop.session],
                  update={WorkshopsWorkshop.revision: WorkshopsWorkshop.revision + 1,
                          WorkshopsWorkshop.updated_at: utcnow()})
     .execute())


def prepare_workshop(session_id: int, plan: WorkshopPlan) -> WorkshopsWorkshop:
    """Set the workshop's question, scope and members (all of its consultation); a
    closed workshop is read only (409)."""
    session = workshop_session(session_id)
    ensure_open(session)
    question = plan.question.strip()
    if len(question) > QUESTION_MAX:
        raise WorkshopError("question", str(_l("Keep it to %(max)d characters.",
                                               max=QUESTION_MAX)))
    consultation_id = session.consultation_id
    _check_ids("themes", plan.theme_ids, Theme.select(Theme.id).where(
        Theme.consultation == consultation_id))
    _check_ids("sectors", plan.sector_ids, Sector.select(Sector.id).where(
        Sector.consultation == consultation_id))
    _check_ids("arenas", plan.arena_ids, ConsultationSession.select(ConsultationSession.id)
               .where((ConsultationSession.consultation == consultation_id)
                      & (ConsultationSession.format_key != FORMAT_KEY)))
    _check_ids("members", plan.member_ids, StaffUser.select(StaffUser.id))
    codes = insight_vocabulary(session.consultation).category_codes()
    if any(code not in codes for code in plan.categories):
        raise WorkshopError("categories", str(_l("Choose one of the options shown.")))
    with write_transaction():
        row = workshop_row(session_id)
        row.question = question
        row.save(only=[WorkshopsWorkshop.question])
        WorkshopsScope.delete().where(WorkshopsScope.session == session_id).execute()
        scope = ([("theme", str(i)) for i in dict.fromkeys(plan.theme_ids)]
                 + [("sector", str(i)) for i in dict.fromkeys(plan.sector_ids)]
                 + [("category", c) for c in dict.fromkeys(plan.categories)]
                 + [("arena", str(i)) for i in dict.fromkeys(plan.arena_ids)])
        if scope:
            WorkshopsScope.insert_many([{"session": session_id, "kind": kind, "value": value}
                                        for kind, value in scope]).execute()
        WorkshopsMember.delete().where(WorkshopsMember.session == session_id).execute()
        members = list(dict.fromkeys(plan.member_ids))
        if members:
            WorkshopsMember.insert_many([{"session": session_id, "staff": ident}
                                         for ident in members]).execute()
        bump(session_id)
        audit.record("prepare", session, details={"fields": ["question", "scope", "members"]})
    return workshop_row(session_id)


def _check_ids(field_name: str, ids: Sequence[int], allowed_query) -> None:
    wanted = set(ids)
    if not wanted:
        return
    found = {row.id for row in allowed_query.where(allowed_query.model.id.in_(sorted(wanted)))}
    if found != wanted:
        raise WorkshopError(field_name, str(_l("Choose one of the options shown.")))
