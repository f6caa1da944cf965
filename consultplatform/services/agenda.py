"""The draft agenda: its items (under a theme, with their actions), every version
of an item's text, and the decisions on it (proposed, adopted, amended, dropped)
with their reasons, so the memo can say what changed after validation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from consultplatform import audit
from consultplatform.db import is_postgres, utcnow, write_transaction
from consultplatform.models import (
    Action,
    AgendaDecision,
    AgendaItem,
    AgendaItemAction,
    AgendaItemVersion,
    Theme,
)
from consultplatform.models.choices import DECISIONS
from consultplatform.services.errors import FieldError, acting_staff_id

TITLE_MAX = 200


class AgendaError(FieldError):
    """A value the service refuses; ``field`` names it, the message is for the user."""


@dataclass(frozen=True)
class AgendaItemInput:
    title: str
    text: str = ""
    theme_id: int | None = None
    position: int = 0
    action_ids: Sequence[int] = field(default_factory=tuple)
    # Why the text changed (kept with the version).
    note: str = ""



def _checked(consultation_id: int, data: AgendaItemInput) -> str:
    title = " ".join(data.title.split())
    if not title or len(title) > TITLE_MAX:
        raise AgendaError("title", str(_l("Give a title (at most %(max)d characters).",
                                          max=TITLE_MAX)))
    if data.theme_id is not None and not Theme.select().where(
            (Theme.id == data.theme_id) & (Theme.consultation == consultation_id)).exists():
        raise AgendaError("theme", str(_l("Choose a theme of this consultation.")))
    ids = sorted(set(data.action_ids))
    if ids and Action.select().where(Action.id.in_(ids)
                                     & (Action.consultation == consultation_id)).count() != len(ids):
        raise AgendaError("actions", str(_l("Choose actions of this consultation only.")))
    return title


def _locked(item_id: int) -> AgendaItem:
    """The item, locked: two people editing one item take turns (no lost version)."""
    query = AgendaItem.select().where(AgendaItem.id == item_id)
    if is_postgres():
        query = query.for_update()
    item = query.first()
    if item is None:
        raise AgendaError("item", str(_l("This agenda item no longer exists.")))
    return item


def _set_actions(item: AgendaItem, action_ids: Sequence[int]) -> None:
    AgendaItemAction.delete().where(AgendaItemAction.item == item.id).execute()
    rows = [{"item": item.id, "action": ident, "position": n}
            for n, ident in enumerate(dict.fromkeys(action_ids))]
    if rows:
        AgendaItemAction.insert_many(rows).execute()


def create_agenda_item(consultation_id: int, data: AgendaItemInput) -> AgendaItem:
    """A new item, proposed, with its first version."""
    with write_transaction():
        title = _checked(consultation_id, data)
        item = AgendaItem.create(consultation=consultation_id, theme=data.theme_id, title=title,
                                 text=data.text.strip(), position=data.position)
        AgendaItemVersion.create(item=item.id, version=1, title=title, text=item.text,
                                 note=data.note, created_by=acting_staff_id())
        AgendaDecision.create(item=item.id, decision="proposed", version=1,
                              decided_by=acting_staff_id())
        _set_actions(item, data.action_ids)
        audit.record("create", item, details={"fields": ["title", "text", "theme", "actions"]})
    return item


def edit_agenda_item(item_id: int, data: AgendaItemInput) -> AgendaItem:
    """Change an item; a changed title or text becomes a new version (the old ones stay)."""
    with write_transaction():
        item = _locked(item_id)
        title = _checked(item.consultation_id, data)
        text = data.text.strip()
        changed = [name for name, new, old in (("title", title, item.title),
                                                ("text", text, item.text),
                                                ("theme", data.theme_id, item.theme_id),
                                                ("position", data.position, item.position))
                   if new != old]
        if "title" in changed or "text" in changed:
            item.version += 1
            AgendaItemVersion.create(item=item.id, version=item.version, title=title, text=text,
                                     note=data.note, created_by=acting_staff_id())
        item.title, item.text, item.theme, item.position = title, text, data.theme_id, data.position
        item.updated_at = utcnow()
        item.save()
        before = [link.action_id for link in item.action_links.order_by(AgendaItemAction.position)]
        if before != list(dict.fromkeys(data.action_ids)):
            _set_actions(item, data.action_ids)
            changed.append("actions")
        audit.record("update", item, details={"fields": changed, "version": item.version})
    return item


def record_decision(item_id: int, decision: str, reason: str = "", *,
                    new_title: str | None = None, new_text: str | None = None) -> AgendaDecision:
    """A decision on the item's current version; amending or dropping needs a reason.

    An amendment may bring the new wording (``new_title``, ``new_text``): it becomes
    the item's next version, with the reason as its note, in the same transaction
    as the decision, which is then a decision on that new version."""
    if decision not in dict(DECISIONS):
        raise AgendaError("decision", str(_l("Choose one of the options shown.")))
    reason = reason.strip()
    if decision in ("amended", "dropped") and not reason:
        raise AgendaError("reason", str(_l("Say why: the memo reports the reason.")))
    if (new_title is not None or new_text is not None) and decision != "amended":
        raise AgendaError("text", str(_l("Only an amendment changes the wording.")))
    with write_transaction():
        item = _locked(item_id)
        if decision == "amended" and (new_title is not None or new_text is not None):
            _new_wording(item, new_title, new_text, reason)
        row = AgendaDecision.create(item=item.id, decision=decision, reason=reason,
                                    version=item.version, decided_by=acting_staff_id())
        item.decision, item.updated_at = decision, utcnow()
        item.save(only=[AgendaItem.decision, AgendaItem.updated_at])
        audit.record("decide", item, details={"decision": decision, "version": item.version})
    return row


def _new_wording(item: AgendaItem, new_title: str | None, new_text: str | None,
                 note: str) -> None:
    title = item.title if new_title is None else " ".join(new_title.split())
    if not title or len(title) > TITLE_MAX:
        raise AgendaError("title", str(_l("Give a title (at most %(max)d characters).",
                                          max=TITLE_MAX)))
    text = item.text if new_text is None else new_text.strip()
    if (title, text) == (item.title, item.text):
        return
    item.version += 1
    AgendaItemVersion.create(item=item.id, version=item.version, title=title, text=text,
                             note=note, created_by=acting_staff_id())
    item.title, item.text = title, text
    item.save(only=[AgendaItem.title, AgendaItem.text, AgendaItem.version])
