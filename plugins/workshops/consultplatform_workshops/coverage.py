"""What became of a consultation's insights, per theme x sector: answered (an
action takes it up), set aside (with a reason), or still open; the open ones
listed (cut at a limit, with their count); and per owner x theme how many
actions there are (the interplay of municipality and education the case asks
about).

The states are the core's (consultplatform.services.fates): an insight with a
link to an action is answered, whatever else; one without a link but with a
reason is set aside; the rest is open. An insight with two themes counts under
both, so the theme rows of a sector can sum to more than its insights: the
"all themes" row counts each insight once. Merged actions are left out (their
links went to the action they were merged into, so nothing counts twice); an
action counts under every theme of the insights it takes up, once in "all themes".

A fixed number of statements, whatever the number of insights.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from peewee import JOIN, SQL, Case, fn

from consultplatform.api import (
    Action,
    ConsultationSession,
    Insight,
    InsightAction,
    InsightTheme,
    Sector,
    Theme,
)

OPEN_LIMIT = 50
STATES = ("answered", "set_aside", "open")
NO_THEME = 0  # the key of "without theme"
ALL = -1  # the key of "all themes" (each insight or action once)


@dataclass
class Cell:
    answered: int = 0
    set_aside: int = 0
    open: int = 0

    @property
    def total(self) -> int:
        return self.answered + self.set_aside + self.open

    def add(self, other: Cell) -> None:
        self.answered += other.answered
        self.set_aside += other.set_aside
        self.open += other.open


@dataclass
class Coverage:
    # (theme key, sector id or None) -> Cell; theme key ALL: each insight once.
    cells: dict[tuple[int, int | None], Cell]
    sectors: list[tuple[int | None, str]]  # the columns, "no sector" last if used
    reasons: dict[str, int]  # set-aside reason code -> insights
    owners: dict[tuple[str, int], int]  # (owner code, theme key or ALL) -> actions

    def cell(self, theme: int, sector: int | None) -> Cell:
        return self.cells.get((theme, sector), Cell())

    def row_total(self, theme: int) -> Cell:
        total = Cell()
        for (key, _sector), cell in self.cells.items():
            if key == theme:
                total.add(cell)
        return total

    def theme_keys(self) -> set[int]:
        return {key for key, _sector in self.cells if key != ALL}


@dataclass
class OpenList:
    insights: list[Insight] = field(default_factory=list)
    themes: dict[int, list[str]] = field(default_factory=dict)  # insight id -> theme names
    count: int = 0


def _of(consultation_id: int):
    return (Insight.select().join(ConsultationSession,
                                  on=(Insight.session == ConsultationSession.id))
            .where(ConsultationSession.consultation == consultation_id))


def _answered():
    return Insight.id.in_(InsightAction.select(InsightAction.insight))


def _state_sums() -> list:
    answered = _answered()
    set_aside = ~answered & (Insight.set_aside_reason != "")
    is_open = ~answered & (Insight.set_aside_reason == "")
    return [fn.SUM(Case(None, [(condition, 1)], 0))
            for condition in (answered, set_aside, is_open)]


def load_coverage(consultation_id: int) -> Coverage:
    """The counts (five statements)."""
    cells: dict[tuple[int, int | None], Cell] = {}
    # An inlined 0, not a parameter: PostgreSQL must see the GROUP BY expression as the same.
    theme = fn.COALESCE(InsightTheme.theme, SQL(str(NO_THEME)))
    per_theme = (_of(consultation_id).select(theme, Insight.sector, *_state_sums())
                 .join(InsightTheme, JOIN.LEFT_OUTER, on=(InsightTheme.insight == Insight.id))
                 .group_by(theme, Insight.sector).tuples())
    for key, sector, answered, set_aside, open_ in per_theme:
        cells[(int(key), sector)] = Cell(int(answered or 0), int(set_aside or 0),
                                         int(open_ or 0))
    once = _of(consultation_id).select(Insight.sector, *_state_sums()).group_by(
        Insight.sector).tuples()
    for sector, answered, set_aside, open_ in once:
        cells[(ALL, sector)] = Cell(int(answered or 0), int(set_aside or 0), int(open_ or 0))
    reasons = dict(_of(consultation_id).select(Insight.set_aside_reason, fn.COUNT(Insight.id))
                   .where(~_answered() & (Insight.set_aside_reason != ""))
                   .group_by(Insight.set_aside_reason).tuples())
    used = {sector for _key, sector in cells}
    sectors: list[tuple[int | None, str]] = [
        (row.id, row.name) for row in Sector.select(Sector.id, Sector.name)
        .where(Sector.consultation == consultation_id).order_by(Sector.position, Sector.name)]
    if None in used:
        sectors.append((None, ""))
    return Coverage(cells, sectors, reasons, owner_counts(consultation_id))


def owner_counts(consultation_id: int) -> dict[tuple[str, int], int]:
    """(owner code, theme key) -> actions, and (owner code, ALL) -> actions once;
    merged actions left out (two statements)."""
    live = (Action.consultation == consultation_id) & (Action.status != "merged")
    # An inlined 0, not a parameter: PostgreSQL must see the GROUP BY expression as the same.
    theme = fn.COALESCE(InsightTheme.theme, SQL(str(NO_THEME)))
    rows = (Action.select(Action.owner, theme, fn.COUNT(Action.id.distinct()))
            .join(InsightAction, JOIN.LEFT_OUTER, on=(InsightAction.action == Action.id))
            .join(InsightTheme, JOIN.LEFT_OUTER,
                  on=(InsightTheme.insight == InsightAction.insight))
            .where(live).group_by(Action.owner, theme).tuples())
    counts = {(owner, int(key)): count for owner, key, count in rows}
    for owner, count in (Action.select(Action.owner, fn.COUNT(Action.id)).where(live)
                         .group_by(Action.owner).tuples()):
        counts[(owner, ALL)] = count
    return counts


def open_insights(consultation_id: int, *, theme_id: int | None = None,
                  sector_id: int | None = None, no_sector: bool = False,
                  limit: int = OPEN_LIMIT) -> OpenList:
    """The open insights, heaviest first, at most ``limit``, with their count and
    theme names (three statements). ``theme_id`` NO_THEME: those without theme."""
    query = _of(consultation_id).where(~_answered() & (Insight.set_aside_reason == ""))
    if theme_id == NO_THEME:
        query = query.where(Insight.id.not_in(InsightTheme.select(InsightTheme.insight)))
    elif theme_id is not None:
        query = query.where(Insight.id.in_(InsightTheme.select(InsightTheme.insight)
                                           .where(InsightTheme.theme == theme_id)))
    if no_sector:
        query = query.where(Insight.sector.is_null())
    elif sector_id is not None:
        query = query.where(Insight.sector == sector_id)
    result = OpenList(count=query.count())
    if not result.count:
        return result
    result.insights = list(query.select(Insight, Sector.name)
                           .switch(Insight)
                           .join(Sector, JOIN.LEFT_OUTER, on=(Insight.sector == Sector.id))
                           .order_by(Insight.weight.desc(), Insight.created_at, Insight.id)
                           .limit(limit))
    ids = [insight.id for insight in result.insights]
    for insight_id, name in (InsightTheme.select(InsightTheme.insight, Theme.name)
                             .join(Theme, on=(InsightTheme.theme == Theme.id))
                             .where(InsightTheme.insight.in_(ids))
                             .order_by(Theme.position, Theme.name).tuples()):
        result.themes.setdefault(insight_id, []).append(name)
    return result


@dataclass(frozen=True)
class CoverageRow:
    """One theme x sector cell, for an export; theme_id NO_THEME and sector_id None
    are "without theme" and "no sector" (their names empty)."""

    theme_id: int
    theme: str
    sector_id: int | None
    sector: str
    answered: int
    set_aside: int
    open: int


def coverage_rows(consultation_id: int) -> list[CoverageRow]:
    """The cells that hold insights, themes in the agenda's order (leading first,
    "without theme" last), sectors in their order (six statements)."""
    from consultplatform_workshops.leading import ranked_themes

    coverage = load_coverage(consultation_id)
    themes = [(theme.id, theme.name) for theme in ranked_themes(consultation_id)]
    rows = []
    for theme_id, theme in [*themes, (NO_THEME, "")]:
        for sector_id, sector in coverage.sectors:
            cell = coverage.cells.get((theme_id, sector_id))
            if cell is not None and cell.total:
                rows.append(CoverageRow(theme_id, theme, sector_id, sector, cell.answered,
                                        cell.set_aside, cell.open))
    return rows
