"""The board as its page reads it: the insights in scope grouped by theme (the
heaviest first, a fixed number per column), their fates, the board's actions
with their links and dots. A fixed number of statements, whatever the number of
insights: the columns come from one windowed query, not one query per theme.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from peewee import JOIN, fn

from consultplatform.api import (
    Action,
    ConsultationSession,
    Insight,
    InsightAction,
    InsightTheme,
    Sector,
    Theme,
)
from consultplatform_workshops.board_services import dot_totals, voter_dots
from consultplatform_workshops.models import WorkshopsAction, WorkshopsWorkshop
from consultplatform_workshops.workshops import Scope, scope_of, workshop_row

# Insights shown per theme column; the column says how many more there are.
PER_COLUMN = 40
# States an insight can be filtered on.
STATES = ("open", "answered", "set_aside")


@dataclass(frozen=True)
class BoardFilters:
    sector_id: int | None = None
    category: str = ""
    actor: str = ""
    state: str = ""
    # A column shown in full (its theme id; 0: without theme) instead of PER_COLUMN.
    expanded: int | None = None


@dataclass
class Card:
    id: int
    text: str
    sector: str
    category: str
    actor: str
    weight: int
    answers: int
    set_aside: str
    set_aside_note: str

    @property
    def state(self) -> str:
        return "answered" if self.answers else "set_aside" if self.set_aside else "open"


@dataclass
class Column:
    theme_id: int  # 0: without theme
    name: str
    colour: str
    cards: list[Card] = field(default_factory=list)
    total: int = 0


@dataclass
class BoardAction:
    action: Action
    insight_ids: list[tuple[int, str]]  # (insight id, link kind)
    dots: int
    my_dots: int


@dataclass
class Board:
    workshop: WorkshopsWorkshop
    scope: Scope
    columns: list[Column]
    actions: list[BoardAction]
    my_dots_used: int
    texts: dict[int, str]  # the linked insights' texts, for the actions' lists


def _insights(session: ConsultationSession, scope: Scope, filters: BoardFilters):
    answers = (InsightAction.select(fn.COUNT(InsightAction.id))
               .where(InsightAction.insight == Insight.id))
    query = (Insight.select(fn.COALESCE(InsightTheme.theme, 0).alias("column"),
                            Insight.id, Insight.text, Sector.name, Insight.category,
                            Insight.actor, Insight.weight, answers.alias("answers"),
                            Insight.set_aside_reason, Insight.set_aside_note)
             .join(ConsultationSession).switch(Insight)
             .join(InsightTheme, JOIN.LEFT_OUTER, on=(InsightTheme.insight == Insight.id))
             .switch(Insight)
             .join(Sector, JOIN.LEFT_OUTER, on=(Insight.sector == Sector.id))
             .where(ConsultationSession.consultation == session.consultation_id))
    if scope.theme_ids:
        query = query.where(InsightTheme.theme.in_(scope.theme_ids))
    query = Scope([], scope.sector_ids, scope.categories, scope.arena_ids).narrow(query)
    if filters.sector_id:
        query = query.where(Insight.sector == filters.sector_id)
    if filters.category:
        query = query.where(Insight.category == filters.category)
    if filters.actor:
        query = query.where(Insight.actor == filters.actor)
    taken = InsightAction.select(InsightAction.insight)
    if filters.state == "answered":
        query = query.where(Insight.id.in_(taken))
    elif filters.state == "set_aside":
        query = query.where(Insight.id.not_in(taken) & (Insight.set_aside_reason != ""))
    elif filters.state == "open":
        query = query.where(Insight.id.not_in(taken) & (Insight.set_aside_reason == ""))
    return query


def load_board(session: ConsultationSession, filters: BoardFilters,
               voter_id: int | None) -> Board:
    scope = scope_of(session.id)
    base = _insights(session, scope, filters)
    rank = fn.ROW_NUMBER().over(partition_by=[fn.COALESCE(InsightTheme.theme, 0)],
                                order_by=[Insight.weight.desc(), Insight.id])
    ranked = base.select_extend(rank.alias("rank")).alias("ranked")
    shown = ranked.c.rank <= PER_COLUMN
    if filters.expanded is not None:
        shown |= ranked.c.column == filters.expanded
    rows = (Insight.select(ranked.c.column, ranked.c.id, ranked.c.text, ranked.c.name,
                           ranked.c.category, ranked.c.actor, ranked.c.weight,
                           ranked.c.answers, ranked.c.set_aside_reason,
                           ranked.c.set_aside_note)
            .from_(ranked)
            .where(shown)
            .order_by(ranked.c.column, ranked.c.rank).tuples())
    # Grouped by the bare column: PostgreSQL takes COALESCE(theme, $1) in the select and
    # COALESCE(theme, $2) in the GROUP BY for different expressions.
    totals: dict[int, int] = {}
    for theme_id, count in (base.select(InsightTheme.theme, fn.COUNT(Insight.id))
                            .group_by(InsightTheme.theme).tuples()):
        totals[theme_id or 0] = totals.get(theme_id or 0, 0) + count
    themes = (Theme.select().where((Theme.consultation == session.consultation_id)
                                   & (Theme.active == True))  # noqa: E712
              .order_by(Theme.position, Theme.name))
    columns = {theme.id: Column(theme.id, theme.name, theme.colour) for theme in themes
               if not scope.theme_ids or theme.id in scope.theme_ids}
    if not scope.theme_ids:
        columns[0] = Column(0, "", "#6b6b6b")
    for column_id, *values in rows:
        column = columns.get(column_id)
        if column is not None:
            column.cards.append(Card(*values))
    for column_id, count in totals.items():
        if column_id in columns:
            columns[column_id].total = count
    if 0 in columns and not columns[0].total:
        del columns[0]
    actions = _board_actions(session.id, voter_id)
    texts = _texts([ident for entry in actions for ident, _ in entry.insight_ids])
    used = sum(entry.my_dots for entry in actions)
    return Board(workshop_row(session.id), scope, list(columns.values()), actions, used, texts)


def _board_actions(session_id: int, voter_id: int | None) -> list[BoardAction]:
    actions = list(Action.select().join(WorkshopsAction, on=(WorkshopsAction.action == Action.id))
                   .where(WorkshopsAction.session == session_id)
                   .order_by(WorkshopsAction.created_at, Action.id))
    ids = [action.id for action in actions] or [0]
    links: dict[int, list[tuple[int, str]]] = {}
    for action_id, insight_id, kind in (InsightAction.select(InsightAction.action,
                                                              InsightAction.insight,
                                                              InsightAction.kind)
                                        .where(InsightAction.action.in_(ids))
                                        .order_by(InsightAction.id).tuples()):
        links.setdefault(action_id, []).append((insight_id, kind))
    totals = dot_totals(session_id)
    mine = voter_dots(session_id, voter_id) if voter_id is not None else {}
    return [BoardAction(action, links.get(action.id, []), int(totals.get(action.id, 0)),
                        mine.get(action.id, 0)) for action in actions]


def _texts(ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(Insight.select(Insight.id, Insight.text)
                .where(Insight.id.in_(sorted(set(ids)))).tuples())


def board_revision(session_id: int) -> int:
    """The board's revision (one small statement): the poll's ETag."""
    row = (WorkshopsWorkshop.select(WorkshopsWorkshop.revision)
           .where(WorkshopsWorkshop.session == session_id).first())
    return row.revision if row else 1
