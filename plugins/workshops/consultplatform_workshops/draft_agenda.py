"""The draft agenda as its page reads it: the items grouped by theme, the leading
themes first (see leading.py), each item with its actions in order and how many
insights and sessions stand behind it; the actions an item can take (the
consultation's actions that have not been merged). A fixed number of statements,
whatever the number of insights or items.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from peewee import fn

from consultplatform.api import (
    Action,
    AgendaItem,
    AgendaItemAction,
    Insight,
    InsightAction,
)
from consultplatform_workshops.leading import RankedTheme, ranked_themes


@dataclass
class Entry:
    item: AgendaItem
    actions: list[Action] = field(default_factory=list)
    insights: int = 0
    sessions: int = 0


@dataclass
class Group:
    theme: RankedTheme | None  # None: items without a theme
    entries: list[Entry] = field(default_factory=list)


@dataclass
class DraftAgenda:
    groups: list[Group]
    themes: list[RankedTheme]

    @property
    def items(self) -> int:
        return sum(len(group.entries) for group in self.groups)


def load_agenda(consultation_id: int) -> DraftAgenda:
    """The groups: every leading theme (even without items yet), then the other
    themes with items in the ranking's order, then the items without theme."""
    themes = ranked_themes(consultation_id)
    entries = {item.id: Entry(item) for item in AgendaItem.select()
               .where(AgendaItem.consultation == consultation_id)
               .order_by(AgendaItem.position, AgendaItem.id)}
    for link in (AgendaItemAction.select(AgendaItemAction, Action)
                 .join(Action, on=(AgendaItemAction.action == Action.id))
                 .join(AgendaItem, on=(AgendaItemAction.item == AgendaItem.id))
                 .where(AgendaItem.consultation == consultation_id)
                 .order_by(AgendaItemAction.item, AgendaItemAction.position,
                           AgendaItemAction.id)):
        entries[link.item_id].actions.append(link.action)
    behind = (AgendaItemAction.select(AgendaItemAction.item,
                                      fn.COUNT(Insight.id.distinct()),
                                      fn.COUNT(Insight.session.distinct()))
              .join(InsightAction, on=(InsightAction.action == AgendaItemAction.action))
              .join(Insight, on=(InsightAction.insight == Insight.id))
              .join_from(AgendaItemAction, AgendaItem,
                         on=(AgendaItemAction.item == AgendaItem.id))
              .where(AgendaItem.consultation == consultation_id)
              .group_by(AgendaItemAction.item).tuples())
    for item_id, insights, sessions in behind:
        entries[item_id].insights, entries[item_id].sessions = insights, sessions
    groups = {theme.id: Group(theme) for theme in themes}
    loose = Group(None)
    for entry in entries.values():
        groups.get(entry.item.theme_id or 0, loose).entries.append(entry)
    shown = [group for group in groups.values()
             if group.entries or (group.theme is not None and group.theme.leading)]
    shown.sort(key=lambda group: not (group.theme is not None and group.theme.leading))
    if loose.entries:
        shown.append(loose)
    return DraftAgenda(shown, themes)


def action_choices(consultation_id: int) -> list[Action]:
    """The actions an item may take: the consultation's, not merged (one statement)."""
    return list(Action.select().where((Action.consultation == consultation_id)
                                      & (Action.status != "merged"))
                .order_by(Action.title, Action.id))
