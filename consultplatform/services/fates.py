"""Every insight's fate: answered by which actions, set aside with a reason, or
still open. Bounded statements whatever the number of insights."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN, Case, fn

from consultplatform.models import ConsultationSession, Insight, InsightAction, Sector


@dataclass(frozen=True)
class OpenCount:
    sector_id: int | None
    sector_name: str
    open: int
    total: int


def _of(consultation_id: int):
    return (Insight.select().join(ConsultationSession)
            .where(ConsultationSession.consultation == consultation_id))


def _unanswered_condition():
    taken = InsightAction.select(InsightAction.insight)
    return Insight.id.not_in(taken) & (Insight.set_aside_reason == "")


def unanswered_insights(consultation_id: int, *, limit: int = 200) -> list[Insight]:
    """Open insights (no action takes them up, not set aside), oldest first: one statement."""
    return list(_of(consultation_id).where(_unanswered_condition())
                .order_by(Insight.created_at, Insight.id).limit(limit))


def open_by_sector(consultation_id: int) -> list[OpenCount]:
    """Per sector: how many of its insights are still open, of how many (one statement)."""
    is_open = fn.SUM(Case(None, [(_unanswered_condition(), 1)], 0))
    rows = (Insight.select(Insight.sector, Sector.name, is_open.alias("open"),
                           fn.COUNT(Insight.id).alias("total"))
            .join(ConsultationSession).switch(Insight)
            .join(Sector, JOIN.LEFT_OUTER, on=(Insight.sector == Sector.id))
            .where(ConsultationSession.consultation == consultation_id)
            .group_by(Insight.sector, Sector.name).order_by(Sector.name).tuples())
    return [OpenCount(sector, name or "", int(open_ or 0), total)
            for sector, name, open_, total in rows]


def fate_of(insight_id: int) -> dict:
    """``{"answered_by": [(action id, kind)], "set_aside": reason}`` of one insight."""
    insight = Insight.get_by_id(insight_id)
    links = [(link.action_id, link.kind) for link in
             InsightAction.select().where(InsightAction.insight == insight_id)
             .order_by(InsightAction.action)]
    return {"answered_by": links, "set_aside": insight.set_aside_reason}
