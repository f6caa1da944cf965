"""An agenda item's provenance: its actions, the insights they take up (with the
kind of link), the sessions (arenas) those insights came from and their sectors,
and the people behind them, counted per sector and side, never named.

Who counts as "behind" an item: the participants with a confirmed registration
(not cancelled, not on the waiting list) in a session one of the item's insights
came from, less those marked as not having come; where attendance was recorded,
only those who attended count. A person counts once per session in the session's
row and once in the item's totals, however many of its sessions they were in, so
every table adds up: the sector rows to the totals, the sides to the sector.

A fixed number of statements whatever the number of insights; the insight lists
are cut at PER_ACTION per action (the counts are not).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from peewee import JOIN, fn

from consultplatform.api import (
    Action,
    AgendaItem,
    AgendaItemAction,
    ConsultationSession,
    Insight,
    InsightAction,
    Participant,
    Registration,
    Sector,
)

# Insights listed per action; the action says how many it takes up in all.
PER_ACTION = 50
SIDES = ("entrepreneur", "government", "education", "other")


@dataclass
class LinkedInsight:
    id: int
    text: str
    kind: str  # answers | merges | splits
    session_id: int
    session_title: str
    sector: str  # "" without sector


@dataclass
class ItemAction:
    action: Action
    insights: list[LinkedInsight] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=dict)  # link kind -> insights

    @property
    def total(self) -> int:
        return sum(self.kinds.values())


@dataclass
class Count:
    """A row of a count table: its label and the numbers per column (side or
    sector id), with their sum."""

    key: int | None
    label: str
    numbers: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.numbers.values())


@dataclass
class Arena:
    id: int
    title: str
    insights: Count  # per insight sector id
    people: Count  # per (sector id, side)

    def people_on(self, side: str) -> int:
        return sum(n for (_sector, key), n in self.people.numbers.items() if key == side)


@dataclass
class Provenance:
    item: AgendaItem
    actions: list[ItemAction]
    arenas: list[Arena]
    insight_sectors: list[Count]  # per insight sector: its insights (per arena id)
    people: list[Count]  # per participant sector: distinct people per side
    sector_names: dict[int | None, str]

    @property
    def insights(self) -> int:
        """Distinct insights behind the item (each came from one session)."""
        return sum(arena.insights.total for arena in self.arenas)

    @property
    def people_total(self) -> int:
        return sum(row.total for row in self.people)

    def side_total(self, side: str) -> int:
        return sum(row.numbers.get(side, 0) for row in self.people)

    def sector_total(self, sector_id: int | None) -> int:
        """Insights of one insight sector."""
        return sum(arena.insights.numbers.get(sector_id, 0) for arena in self.arenas)

    def insight_sector_keys(self) -> list[int | None]:
        return [row.key for row in self.insight_sectors]


def item_insights(item_id: int):
    """The ids of the insights the item's actions take up (a subquery)."""
    return (InsightAction.select(InsightAction.insight)
            .join(AgendaItemAction, on=(AgendaItemAction.action == InsightAction.action))
            .where(AgendaItemAction.item == item_id))


def _actions(item_id: int) -> list[ItemAction]:
    rows = (Action.select().join(AgendaItemAction, on=(AgendaItemAction.action == Action.id))
            .where(AgendaItemAction.item == item_id)
            .order_by(AgendaItemAction.position, AgendaItemAction.id))
    return [ItemAction(action) for action in rows]


def _links(item_id: int, actions: dict[int, ItemAction]) -> None:
    """Per action its link counts per kind, and its first PER_ACTION insights."""
    of_item = AgendaItemAction.select(AgendaItemAction.action).where(
        AgendaItemAction.item == item_id)
    for action_id, kind, count in (InsightAction.select(InsightAction.action, InsightAction.kind,
                                                        fn.COUNT(InsightAction.id))
                                   .where(InsightAction.action.in_(of_item))
                                   .group_by(InsightAction.action, InsightAction.kind).tuples()):
        actions[action_id].kinds[kind] = count
    rank = fn.ROW_NUMBER().over(partition_by=[InsightAction.action],
                                order_by=[Insight.weight.desc(), Insight.id])
    ranked = (InsightAction.select(InsightAction.action, InsightAction.kind,
                                   Insight.id.alias("insight_id"), Insight.text,
                                   ConsultationSession.id.alias("session_id"),
                                   ConsultationSession.title,
                                   fn.COALESCE(Sector.name, "").alias("sector"),
                                   rank.alias("rank"))
              .join(Insight, on=(InsightAction.insight == Insight.id))
              .join(ConsultationSession, on=(Insight.session == ConsultationSession.id))
              .switch(Insight).join(Sector, JOIN.LEFT_OUTER, on=(Insight.sector == Sector.id))
              .where(InsightAction.action.in_(of_item))).alias("ranked")
    rows = (InsightAction.select(ranked.c.action_id, ranked.c.kind, ranked.c.insight_id,
                                 ranked.c.text, ranked.c.session_id, ranked.c.title,
                                 ranked.c.sector)
            .from_(ranked).where(ranked.c.rank <= PER_ACTION)
            .order_by(ranked.c.action_id, ranked.c.rank).tuples())
    for action_id, kind, ident, text, session_id, title, sector in rows:
        actions[action_id].insights.append(
            LinkedInsight(ident, text, kind, session_id, title, sector))


def _sector_names(consultation_id: int) -> dict[int | None, str]:
    return {row.id: row.name for row in Sector.select(Sector.id, Sector.name)
            .where(Sector.consultation == consultation_id)}


def load_provenance(item: AgendaItem) -> Provenance:
    """The item's provenance (item from agenda.item_in): seven statements."""
    actions = _actions(item.id)
    by_id = {entry.action.id: entry for entry in actions}
    if by_id:
        _links(item.id, by_id)
    arenas: dict[int, Arena] = {}
    sectors: dict[int | None, Count] = {}
    names = _sector_names(item.consultation_id)
    for session_id, title, sector_id, count in insight_counts(item.id):
        arena = arenas.setdefault(session_id, Arena(session_id, title, Count(session_id, title),
                                                    Count(session_id, title)))
        arena.insights.numbers[sector_id] = count
        row = sectors.setdefault(sector_id, Count(sector_id, names.get(sector_id, "")))
        row.numbers[session_id] = count
    for session_id, sector_id, side, count in people_counts(item.id, per_session=True):
        if session_id in arenas:
            arenas[session_id].people.numbers[(sector_id, side)] = count
    people: dict[int | None, Count] = {}
    for sector_id, side, count in people_counts(item.id, per_session=False):
        row = people.setdefault(sector_id, Count(sector_id, names.get(sector_id, "")))
        row.numbers[side] = count
    return Provenance(item, actions, sorted(arenas.values(), key=lambda a: (a.title, a.id)),
                      _sorted(sectors.values()), _sorted(people.values()), names)


def _sorted(rows: Iterable[Count]) -> list[Count]:
    """Sectors by name, "no sector" last."""
    return sorted(rows, key=lambda row: (row.key is None, row.label.casefold(), row.key or 0))


def insight_counts(item_id: int) -> list[tuple[int, str, int | None, int]]:
    """(session id, title, insight sector id, distinct insights) behind the item."""
    return list(Insight.select(ConsultationSession.id, ConsultationSession.title, Insight.sector,
                               fn.COUNT(Insight.id.distinct()))
                .join(ConsultationSession, on=(Insight.session == ConsultationSession.id))
                .where(Insight.id.in_(item_insights(item_id)))
                .group_by(ConsultationSession.id, ConsultationSession.title, Insight.sector)
                .tuples())


def people_counts(item_id: int, *, per_session: bool) -> list[tuple]:
    """Distinct participants behind the item per (sector, side), per session when
    asked: (session id,) sector id, side, count. See the module's rule."""
    sessions = (Insight.select(Insight.session).where(Insight.id.in_(item_insights(item_id))))
    keys = ([Registration.session] if per_session else []) + [Participant.sector,
                                                               Participant.side]
    return list(Registration.select(*keys, fn.COUNT(Participant.id.distinct()))
                .join(Participant, on=(Registration.participant == Participant.id))
                .where(Registration.session.in_(sessions)
                       & (Registration.status == "confirmed")
                       & (Registration.attendance.is_null()
                          | (Registration.attendance != "no_show")))
                .group_by(*keys).tuples())
