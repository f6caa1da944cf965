"""What lies behind agenda items, as aggregates for the public page: through the
item's actions to the insights they take up, the number of insights and, per
sector and per theme, how many of them. No texts, no names. Three grouped
statements for any number of items."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from peewee import JOIN, fn

from consultplatform.api import (
    AgendaItemAction,
    Insight,
    InsightAction,
    InsightTheme,
    Sector,
    Theme,
)


@dataclass
class Behind:
    insights: int = 0
    # (name, insights), most insights first; a sector's name is None for "no sector".
    sectors: list[tuple[str | None, int]] = field(default_factory=list)
    themes: list[tuple[str, int]] = field(default_factory=list)


def _links(item_ids: Sequence[int]):
    """(agenda item, insight) pairs of the items (a base for the three counts)."""
    return (AgendaItemAction.select()
            .join(InsightAction, on=(InsightAction.action == AgendaItemAction.action))
            .where(AgendaItemAction.item.in_(list(item_ids))))


def _ranked(pairs: list[tuple[str | None, int]]) -> list[tuple[str | None, int]]:
    return sorted(pairs, key=lambda pair: (-pair[1], pair[0] is None, (pair[0] or "").casefold()))


def behind(item_ids: Sequence[int]) -> dict[int, Behind]:
    """{agenda item id: what lies behind it}; an item without insights is absent."""
    found: dict[int, Behind] = defaultdict(Behind)
    if not item_ids:
        return found
    distinct = fn.COUNT(fn.DISTINCT(InsightAction.insight))
    for item_id, count in (_links(item_ids).select(AgendaItemAction.item, distinct)
                           .group_by(AgendaItemAction.item).tuples()):
        found[item_id].insights = int(count)
    sectors: dict[int, list] = defaultdict(list)
    for item_id, _sector_id, name, count in (
            _links(item_ids)
            .select(AgendaItemAction.item, Insight.sector, Sector.name, distinct)
            .join(Insight, on=(InsightAction.insight == Insight.id))
            .join(Sector, JOIN.LEFT_OUTER, on=(Insight.sector == Sector.id))
            .group_by(AgendaItemAction.item, Insight.sector, Sector.name).tuples()):
        sectors[item_id].append((name, int(count)))
    themes: dict[int, list] = defaultdict(list)
    for item_id, _theme_id, name, count in (
            _links(item_ids)
            .select(AgendaItemAction.item, Theme.id, Theme.name, distinct)
            .join(InsightTheme, on=(InsightTheme.insight == InsightAction.insight))
            .join(Theme, on=(InsightTheme.theme == Theme.id))
            .group_by(AgendaItemAction.item, Theme.id, Theme.name).tuples()):
        themes[item_id].append((name, int(count)))
    for item_id, pairs in sectors.items():
        found[item_id].sectors = _ranked(pairs)
    for item_id, pairs in themes.items():
        found[item_id].themes = [(str(name), n) for name, n in _ranked(pairs)]
    return found
