"""What staff do on the draft agenda: add an item, change it (title, text, theme,
position, its actions), move an action up or down within an item, record a
decision. Every change goes through the core's services (create_agenda_item,
edit_agenda_item, record_decision: versions, decisions and the audit row live
there); this module checks what the core cannot know: that the item and the
actions belong to the consultation the staff member works on, that no chosen
action has been merged meanwhile, and that nobody else changed the item since the
form was opened (an optimistic check on a stamp, so no edit is lost unseen).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from consultplatform.api import (
    Action,
    AgendaError,
    AgendaItem,
    AgendaItemAction,
    AgendaItemInput,
    create_agenda_item,
    edit_agenda_item,
    is_postgres,
    record_decision,
    write_transaction,
)
from consultplatform_workshops.workshops import WorkshopError

__all__ = [
    "AgendaError",
    "ItemInput",
    "WorkshopError",
    "action_order",
    "add_item",
    "decide",
    "item_in",
    "live_actions",
    "move_action",
    "save_item",
    "stamp",
]

# Highest position an item may have (the form's number field).
POSITION_MAX = 10_000
TEXT_MAX = 20_000
UP, DOWN = "up", "down"


@dataclass(frozen=True)
class ItemInput:
    """An agenda item as a form sends it: the chosen actions in the order wanted."""

    title: str
    text: str = ""
    theme_id: int | None = None
    position: int = 0
    action_ids: Sequence[int] = field(default_factory=tuple)


def stamp(item: AgendaItem) -> str:
    """What the edit form remembers of the item: any save changes it."""
    return f"{item.version}:{item.updated_at.isoformat()}"


def item_in(consultation_id: int, item_id: int, *, lock: bool = False) -> AgendaItem:
    """The item, if it is of this consultation; else WorkshopError 404."""
    query = AgendaItem.select().where((AgendaItem.id == item_id)
                                      & (AgendaItem.consultation == consultation_id))
    if lock and is_postgres():
        query = query.for_update()
    item = query.first()
    if item is None:
        raise WorkshopError("item", str(_l(
            "This agenda item is not in the consultation you work on (it may have been "
            "removed).")), 404)
    return item


def live_actions(consultation_id: int, action_ids: Sequence[int]) -> list[int]:
    """The ids (in the order given, once each) if every one is an action of this
    consultation that has not been merged; else WorkshopError naming the problem."""
    ids = list(dict.fromkeys(action_ids))
    if not ids:
        return []
    found = {row.id: row for row in Action.select(Action.id, Action.title, Action.status,
                                                  Action.consultation)
             .where(Action.id.in_(ids))}
    if any(ident not in found or found[ident].consultation_id != consultation_id
           for ident in ids):
        raise WorkshopError("actions", str(_l(
            "Choose actions of this consultation only (one of them does not exist, or no "
            "longer).")))
    merged = [found[ident].title for ident in ids if found[ident].status == "merged"]
    if merged:
        raise WorkshopError("actions", str(_l(
            "“%(title)s” has been merged into another action in the meantime: choose the "
            "action it went into.", title=merged[0])), 409)
    return ids


def _core_input(data: ItemInput, action_ids: Sequence[int], note: str = "") -> AgendaItemInput:
    if len(data.text) > TEXT_MAX:
        raise AgendaError("text", str(_l("Keep the text to %(max)d characters.", max=TEXT_MAX)))
    if not 0 <= data.position <= POSITION_MAX:
        raise AgendaError("position", str(_l("Give a number from 0 to %(max)d.",
                                             max=POSITION_MAX)))
    return AgendaItemInput(title=data.title, text=data.text, theme_id=data.theme_id,
                           position=data.position, action_ids=tuple(action_ids), note=note)


def add_item(consultation_id: int, data: ItemInput) -> AgendaItem:
    """A new item (proposed, version 1) with its actions in the order given."""
    with write_transaction():
        ids = live_actions(consultation_id, data.action_ids)
        return create_agenda_item(consultation_id, _core_input(data, ids))


def save_item(consultation_id: int, item_id: int, data: ItemInput, seen: str) -> AgendaItem:
    """Change the item. Actions it keeps keep their order; new ones follow in the
    order given. ``seen`` is the stamp the form was opened with: if the item changed
    since, nothing is saved (WorkshopError 409) and the form keeps what was typed."""
    with write_transaction():
        item = item_in(consultation_id, item_id, lock=True)
        if seen != stamp(item):
            raise WorkshopError("item", str(_l(
                "Someone else changed this item while you were editing it. Nothing was "
                "saved: your version is still in the form; compare it with the item as it "
                "is now and save again.")), 409)
        chosen = live_actions(consultation_id, data.action_ids)
        current = action_order(item.id)
        keep = [ident for ident in current if ident in set(chosen)]
        ordered = keep + [ident for ident in chosen if ident not in set(keep)]
        return edit_agenda_item(item.id, _core_input(data, ordered))


def action_order(item_id: int) -> list[int]:
    """The ids of the item's actions, in order."""
    return [row.action_id for row in AgendaItemAction.select(AgendaItemAction.action)
            .where(AgendaItemAction.item == item_id)
            .order_by(AgendaItemAction.position, AgendaItemAction.id)]


def move_action(consultation_id: int, item_id: int, action_id: int, direction: str) -> int:
    """Move one action of the item one place up or down; its new place (0-based)."""
    if direction not in (UP, DOWN):
        raise WorkshopError("direction", str(_l("Use the buttons on the page to move an "
                                                "action.")))
    with write_transaction():
        item = item_in(consultation_id, item_id, lock=True)
        order = action_order(item.id)
        if action_id not in order:
            raise WorkshopError("action", str(_l(
                "This action is no longer under this item (it may have been merged or "
                "removed). The page shows the item as it is now.")), 409)
        place = order.index(action_id)
        other = place - 1 if direction == UP else place + 1
        if 0 <= other < len(order):
            order[place], order[other] = order[other], order[place]
            edit_agenda_item(item.id, AgendaItemInput(
                title=item.title, text=item.text, theme_id=item.theme_id,
                position=item.position, action_ids=tuple(order)))
            place = other
        return place


def decide(consultation_id: int, item_id: int, decision: str, reason: str = "") -> None:
    """Record a decision on the item's current version (the core's record_decision)."""
    item_in(consultation_id, item_id)
    record_decision(item_id, decision, reason)
