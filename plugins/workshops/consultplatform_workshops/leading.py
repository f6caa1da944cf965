"""The themes of a consultation in the draft agenda's order: the themes raised in
the most sectors first (the number of distinct sectors of their insights), then
by the theme's position. The first five with at least one sector are the
"leading" themes, the cross-sector themes the case put into the agenda.

One statement, whatever the number of insights; the agenda and the coverage view
both use it, so their columns come in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN, fn

from consultplatform.api import Insight, InsightTheme, Theme

LEADING_COUNT = 5


@dataclass(frozen=True)
class RankedTheme:
    id: int
    name: str
    colour: str
    active: bool
    sectors: int  # distinct sectors of the theme's insights
    insights: int
    leading: bool


def ranked_themes(consultation_id: int) -> list[RankedTheme]:
    """Every theme of the consultation, leading ones first (one statement)."""
    sectors = fn.COUNT(Insight.sector.distinct())
    rows = (Theme.select(Theme.id, Theme.name, Theme.colour, Theme.active,
                         sectors.alias("sectors"),
                         fn.COUNT(Insight.id.distinct()).alias("insights"))
            .join(InsightTheme, JOIN.LEFT_OUTER, on=(InsightTheme.theme == Theme.id))
            .join(Insight, JOIN.LEFT_OUTER, on=(Insight.id == InsightTheme.insight))
            .where(Theme.consultation == consultation_id)
            .group_by(Theme.id, Theme.name, Theme.colour, Theme.active, Theme.position)
            .order_by(sectors.desc(), Theme.position, Theme.id).tuples())
    ranked: list[RankedTheme] = []
    leading = 0
    for ident, name, colour, active, sector_count, insight_count in rows:
        is_leading = bool(active) and sector_count > 0 and leading < LEADING_COUNT
        leading += is_leading
        ranked.append(RankedTheme(ident, name, colour, bool(active), int(sector_count),
                                  int(insight_count), is_leading))
    return ranked
