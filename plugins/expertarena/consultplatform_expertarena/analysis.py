"""The analysis: the sector x theme matrix, the leading themes, and per sector
the top ambitions and barriers.

Every number comes from a fixed set of aggregate queries, so a page costs the
same number of queries for ten insights as for ten thousand. Counts are of
distinct insights: an insight with two themes counts once in each theme's
column, and once in its sector's total.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from peewee import JOIN, fn

from consultplatform.api import (
    Consultation,
    ConsultationSession,
    Insight,
    InsightTheme,
    Participant,
    Registration,
    Sector,
    Theme,
    insights_scope,
    now_local,
    remembered,
    revision,
)
from consultplatform_expertarena.arenas import FORMAT_KEY, arena_sectors
from consultplatform_expertarena.models import ExpertarenaThemeProposal

SectorKey = int | None  # None: insights recorded without a sector


@dataclass(frozen=True)
class Scope:
    """What is analysed: all arenas of a consultation, or one arena."""

    consultation: Consultation
    session: ConsultationSession | None = None

    @property
    def title(self) -> str:
        return self.session.title if self.session is not None else self.consultation.title

    def session_ids(self):
        """The arenas' ids: a subquery (no query of its own) or the one id. A cancelled
        arena does not count for the consultation (its own page still shows it)."""
        if self.session is not None:
            return [self.session.id]
        return (ConsultationSession.select(ConsultationSession.id)
                .where((ConsultationSession.consultation == self.consultation.id)
                       & (ConsultationSession.format_key == FORMAT_KEY)
                       & (ConsultationSession.status != "cancelled")))


@dataclass
class Matrix:
    sectors: list[Sector]
    themes: list[Theme]
    # (sector, theme, category) -> insights; (sector, category) -> insights in the sector.
    cells: dict[tuple[SectorKey, int, str], int] = field(default_factory=dict)
    rows: dict[tuple[SectorKey, str], int] = field(default_factory=dict)
    # (sector, category) -> insights without any theme.
    unthemed: dict[tuple[SectorKey, str], int] = field(default_factory=dict)
    # theme -> summed weight of its insights.
    weights: dict[int, int] = field(default_factory=dict)
    # Insight-theme links to themes a moderator proposed and nobody reviewed yet:
    # such a theme is no column (a moderator's word is not yet the municipality's).
    pending_links: int = 0

    def cell(self, sector: SectorKey, theme: int, category: str | None = None) -> int:
        return sum(n for (s, t, c), n in self.cells.items()
                   if s == sector and t == theme and category in (None, c))

    def row_total(self, sector: SectorKey, category: str | None = None) -> int:
        return sum(n for (s, c), n in self.rows.items() if s == sector and category in (None, c))

    def column_total(self, theme: int, category: str | None = None) -> int:
        return sum(n for (_s, t, c), n in self.cells.items()
                   if t == theme and category in (None, c))

    def without_theme(self, sector: SectorKey, category: str | None = None) -> int:
        return sum(n for (s, c), n in self.unthemed.items()
                   if s == sector and category in (None, c))

    def total(self, category: str | None = None) -> int:
        return sum(n for (_s, c), n in self.rows.items() if category in (None, c))

    def total_without_theme(self, category: str | None = None) -> int:
        return sum(n for (_s, c), n in self.unthemed.items() if category in (None, c))

    @property
    def has_unknown_sector(self) -> bool:
        return any(s is None for s, _c in self.rows)

    def row_keys(self) -> list[SectorKey]:
        """Every sector, then "no sector" when insights were recorded without one."""
        return [s.id for s in self.sectors] + ([None] if self.has_unknown_sector else [])

    def contributing_sectors(self) -> list[int]:
        """Sectors with at least one insight: the ones heard from."""
        return [s.id for s in self.sectors if self.row_total(s.id)]

    def sectors_with(self, theme: int) -> list[int]:
        return [s.id for s in self.sectors if self.cell(s.id, theme)]

    def categories(self) -> set[str]:
        return {c for _s, c in self.rows}

    def grid(self, category: str | None = None, themes: list[Theme] | None = None,
             share: bool = False) -> list[list[int]]:
        """Rows (``row_keys``) by columns (``themes``, in that order): counts, or with
        ``share`` each count as a whole percentage of its sector's insights."""
        columns = self.themes if themes is None else themes
        return [[self.share(s, t.id, category) if share else self.cell(s, t.id, category)
                 for t in columns] for s in self.row_keys()]

    def share(self, sector: SectorKey, theme: int, category: str | None = None) -> int:
        """The cell as a whole percentage of the sector's insights (comparable between
        sectors that were heard at different lengths)."""
        total = self.row_total(sector, category)
        return round(100 * self.cell(sector, theme, category) / total) if total else 0


def _counts(scope: Scope) -> dict[str, list]:
    """The scope's insights counted, as JSON for the cache, in two passes: per sector,
    category and theme (an insight joined with each of its themes; no theme: one row
    with none) the insights and their weight, and per sector and category the
    insights. "Without a theme" is the theme-less row: no subquery per insight."""
    sessions = scope.session_ids()
    links = (Insight
             .select(Insight.sector, Insight.category, InsightTheme.theme,
                     fn.COUNT(Insight.id), fn.SUM(Insight.weight))
             .join(InsightTheme, JOIN.LEFT_OUTER)
             .where(Insight.session.in_(sessions))
             .group_by(Insight.sector, Insight.category, InsightTheme.theme)
             .tuples())
    totals = (Insight.select(Insight.sector, Insight.category, fn.COUNT(Insight.id))
              .where(Insight.session.in_(sessions))
              .group_by(Insight.sector, Insight.category)
              .tuples())
    return {"links": [list(row) for row in links], "totals": [list(row) for row in totals]}


def _cache_key(scope: Scope, *what: object) -> list:
    """Names a cached figure of ``scope``: it changes with every insight, theme link,
    theme or sector of the consultation (the core's content revision)."""
    return ["expertarena", *what, scope.consultation.id,
            scope.session.id if scope.session is not None else None,
            revision(insights_scope(scope.consultation.id))]


def load_matrix(scope: Scope) -> Matrix:
    """The aggregates (cached per consultation and arena until its insights, themes or
    sectors change), then the sectors and themes they are shown with."""
    counts = remembered(_cache_key(scope, "counts"), lambda: _counts(scope))
    matrix = Matrix(sectors=[], themes=[])
    weights: dict[int, int] = defaultdict(int)
    for sector, category, theme, count, weight in counts["links"]:
        if theme is None:
            matrix.unthemed[(sector, category)] = int(count)
        else:
            matrix.cells[(sector, theme, category)] = int(count)
            weights[theme] += int(weight or 0)
    for sector, category, count in counts["totals"]:
        matrix.rows[(sector, category)] = int(count)
    matrix.weights = dict(weights)

    used_sectors = {s for s, _c in matrix.rows if s is not None}
    sectors = list(Sector.select().where(Sector.consultation == scope.consultation.id)
                   .order_by(Sector.position, Sector.name))
    if scope.session is not None:
        own = {s.id for s in arena_sectors([scope.session])[scope.session.id]}
        sectors = [s for s in sectors if s.id in own or s.id in used_sectors]
    matrix.sectors = sectors
    used_themes = {t for _s, t, _c in matrix.cells}
    unreviewed = (ExpertarenaThemeProposal.select(ExpertarenaThemeProposal.theme)
                  .where(ExpertarenaThemeProposal.reviewed_at.is_null()))
    matrix.themes = [t for t in Theme.select().where((Theme.consultation == scope.consultation.id)
                                                     & Theme.id.not_in(unreviewed))
                     .order_by(Theme.position, Theme.name)
                     if t.active or t.id in used_themes]
    shown = {t.id for t in matrix.themes}
    matrix.pending_links = sum(n for (_s, t, _c), n in matrix.cells.items() if t not in shown)
    matrix.cells = {key: n for key, n in matrix.cells.items() if key[1] in shown}
    return matrix


@dataclass(frozen=True)
class ThemeCoverage:
    theme: Theme
    sectors: int
    insights: int
    weight: int
    leading: bool


@dataclass(frozen=True)
class Leading:
    """Themes ranked by how many sectors they came up in."""

    ranking: list[ThemeCoverage]
    contributing: int  # sectors with at least one insight
    required: int  # sectors a theme needs to lead
    threshold: int  # percent

    @property
    def leading(self) -> list[ThemeCoverage]:
        return [row for row in self.ranking if row.leading]


def required_sectors(contributing: int, threshold: int) -> int:
    """The fewest sectors that make ``threshold`` percent of ``contributing``
    (rounded up; whole numbers only, so 80 % of 5 is exactly 4)."""
    return max(1, -(-threshold * contributing // 100))


def leading_themes(matrix: Matrix, threshold: int) -> Leading:
    """A theme leads when it came up in at least ``threshold`` percent of the
    sectors that contributed insights. Ranked by sectors, then insights, then
    weight, then the themes' own order."""
    contributing = len(matrix.contributing_sectors())
    required = required_sectors(contributing, threshold)
    ranking = []
    for order, theme in enumerate(matrix.themes):
        sectors = len(matrix.sectors_with(theme.id))
        ranking.append((-sectors, -matrix.column_total(theme.id), -matrix.weights.get(theme.id, 0),
                        order, ThemeCoverage(
                            theme=theme, sectors=sectors, insights=matrix.column_total(theme.id),
                            weight=matrix.weights.get(theme.id, 0),
                            leading=contributing > 0 and sectors >= required)))
    ranking.sort(key=lambda item: item[:4])
    return Leading([item[4] for item in ranking], contributing, required, threshold)


def top_by_sector(scope: Scope, categories: list[str], limit: int,
                  quotes: bool = False) -> dict[tuple[SectorKey, str], list[Insight]]:
    """{(sector, category): the ``limit`` strongest insights}, one query (a window
    function ranks within each sector and category). With ``quotes``: only
    insights with a quote, per sector (category ``""``)."""
    if not categories and not quotes:
        return {}
    partition = [Insight.sector] if quotes else [Insight.sector,
                                                            Insight.category]
    rank = fn.ROW_NUMBER().over(partition_by=partition, order_by=[
        Insight.weight.desc(), Insight.created_at.desc(),
        Insight.id.desc()])
    condition = Insight.session.in_(scope.session_ids())
    if quotes:
        condition &= Insight.quote != ""
    else:
        condition &= Insight.category.in_(categories)
    ranked = (Insight.select(Insight.id, rank.alias("rank"))
              .where(condition).alias("ranked"))

    def strongest() -> list[int]:
        return [row[0] for row in (Insight.select(Insight.id)
                                   .join(ranked, on=(Insight.id == ranked.c.id))
                                   .where(ranked.c.rank <= limit)
                                   .order_by(Insight.weight.desc(), Insight.created_at.desc(),
                                             Insight.id.desc())
                                   .tuples())]

    # The ranking is cached with the matrix's counts; the rows are read by id, in order.
    ids = remembered(_cache_key(scope, "top", sorted(categories), limit, quotes), strongest)
    by_id = {row.id: row for row in Insight.select().where(Insight.id.in_(ids))}
    found: dict[tuple[SectorKey, str], list[Insight]] = defaultdict(list)
    for insight in (by_id[i] for i in ids if i in by_id):
        found[(insight.sector_id, "" if quotes else insight.category)].append(insight)
    return dict(found)


@dataclass
class Participation:
    """Per (sector, side): people with a seat, who came, who did not."""

    confirmed: dict[tuple[SectorKey, str], int] = field(default_factory=dict)
    attended: dict[tuple[SectorKey, str], int] = field(default_factory=dict)
    no_show: dict[tuple[SectorKey, str], int] = field(default_factory=dict)
    # People who took part: a seat in an arena that has started, not marked absent.
    took_part: dict[tuple[SectorKey, str], int] = field(default_factory=dict)

    def total(self, kind: str, sector: SectorKey | str = "*", side: str = "*") -> int:
        return sum(n for (s, d), n in getattr(self, kind).items()
                   if sector in ("*", s) and side in ("*", d))

    def sector_keys(self) -> list[SectorKey]:
        return sorted({s for s, _d in self.confirmed}, key=lambda s: (s is None, s or 0))


def participation(scope: Scope, now: dt.datetime | None = None) -> Participation:
    """Registration counts of the scope's arenas (not cancelled ones), two queries.
    Someone in two arenas counts twice in ``confirmed``, ``attended`` and
    ``no_show`` (places), once in ``took_part`` (people)."""
    now = now or now_local()
    base = (Registration.select().join(Participant).switch(Registration)
            .join(ConsultationSession)
            .where(Registration.session.in_(scope.session_ids())
                   & (Registration.status == "confirmed")
                   & (ConsultationSession.status != "cancelled")))
    result = Participation()
    places = (base.select(Participant.sector, Participant.side, Registration.attendance,
                          fn.COUNT(Registration.id))
              .group_by(Participant.sector, Participant.side, Registration.attendance).tuples())
    for sector, side, attendance, count in places:
        key = (sector, side)
        result.confirmed[key] = result.confirmed.get(key, 0) + count
        if attendance in ("attended", "no_show"):
            bucket = result.attended if attendance == "attended" else result.no_show
            bucket[key] = bucket.get(key, 0) + count
    people = (base.select(Participant.sector, Participant.side,
                          fn.COUNT(Participant.id.distinct()))
              .where((ConsultationSession.starts_at <= now)
                     & (Registration.attendance.is_null()
                        | (Registration.attendance != "no_show")))
              .group_by(Participant.sector, Participant.side).tuples())
    result.took_part = {(sector, side): count for sector, side, count in people}
    return result
