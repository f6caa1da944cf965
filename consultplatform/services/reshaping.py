"""Merging two actions and splitting one, with every insight link kept and typed.

A merge keeps the target: the links of the merged action join it (typed
``merges``; an insight both already answered keeps the target's link), its places
on the agenda go to the target, and the merged action stays behind with status
"merged" and ``merged_into`` set, so the provenance can still tell where it went.
A split keeps the first part in the original action and makes a new action for
every further part; the links are chosen per part (an insight may go to several
parts, then it is typed ``splits``), and every insight the action answered must
land in at least one part, so nothing is silently dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from consultplatform import audit
from consultplatform.db import utcnow, write_transaction
from consultplatform.models import Action, AgendaItemAction, InsightAction
from consultplatform.services.actions import (
    TITLE_MAX,
    ActionError,
    bump_version,
    live_action,
)
from consultplatform.services.errors import acting_staff_id

MAX_PARTS = 10


@dataclass(frozen=True)
class SplitPart:
    """One part of a split: its title and the insights that go with it."""

    title: str
    insight_ids: Sequence[int] = field(default_factory=tuple)


def merge_actions(target_id: int, source_id: int, *,
                  target_version: int | None = None,
                  source_version: int | None = None) -> Action:
    """Merge ``source`` into ``target``; returns the target as it is now."""
    if target_id == source_id:
        raise ActionError("other", str(_l("Choose another action to merge with.")))
    with write_transaction():
        # Locked in id order: two merges of the same pair cannot deadlock.
        first, second = sorted((target_id, source_id))
        expected = {target_id: target_version, source_id: source_version}
        locked = {ident: live_action(ident, expected[ident]) for ident in (first, second)}
        target, source = locked[target_id], locked[source_id]
        if target.consultation_id != source.consultation_id:
            raise ActionError("other", str(_l("Choose an action of this consultation.")))
        have = {row.insight_id for row in InsightAction.select(InsightAction.insight)
                .where(InsightAction.action == target.id)}
        moving = list(InsightAction.select().where(InsightAction.action == source.id))
        joining = [link.insight_id for link in moving if link.insight_id not in have]
        if joining:
            InsightAction.insert_many([
                {"insight": ident, "action": target.id, "kind": "merges",
                 "created_by": acting_staff_id(), "created_at": utcnow()}
                for ident in joining]).execute()
        InsightAction.delete().where(InsightAction.action == source.id).execute()
        _move_agenda_places(source.id, target.id)
        Action.update(status="merged", merged_into=target.id, version=Action.version + 1,
                      updated_at=utcnow()).where(Action.id == source.id).execute()
        bump_version(target.id)
        audit.record("merge", target, details={"merged": str(source.id),
                                               "insights": [str(link.insight_id) for link in moving]})
    return Action.get_by_id(target_id)


def _move_agenda_places(source_id: int, target_id: int) -> None:
    places = list(AgendaItemAction.select().where(AgendaItemAction.action == source_id))
    held = {row.item_id for row in AgendaItemAction.select(AgendaItemAction.item)
            .where(AgendaItemAction.action == target_id)}
    for place in places:
        if place.item_id in held:
            place.delete_instance()
        else:
            place.action = target_id
            place.save(only=[AgendaItemAction.action])


def split_action(action_id: int, parts: Sequence[SplitPart], *,
                 expected_version: int | None = None) -> list[Action]:
    """Split the action into ``parts`` (the first stays the original action, which
    takes the first part's title); returns the actions of the parts, in order."""
    if not 2 <= len(parts) <= MAX_PARTS:
        raise ActionError("parts", str(_l("Split into two to %(max)d parts.", max=MAX_PARTS)))
    with write_transaction():
        action = live_action(action_id, expected_version)
        links = {row.insight_id: row for row in
                 InsightAction.select().where(InsightAction.action == action.id)}
        chosen = [sorted(set(part.insight_ids)) for part in parts]
        if any(ident not in links for ids in chosen for ident in ids):
            raise ActionError("parts", str(_l("A part may only take insights this action "
                                              "answers.")))
        dropped = set(links) - {ident for ids in chosen for ident in ids}
        if dropped:
            raise ActionError("parts", str(_l(
                "Every insight of the action must go to at least one part; unlink an insight "
                "first if no part should take it.")))
        titles = [_title(part.title) for part in parts]
        shared = {ident for ident in links if sum(ident in ids for ids in chosen) > 1}
        Action.update(title=titles[0], version=Action.version + 1, updated_at=utcnow()).where(
            Action.id == action.id).execute()
        keep = set(chosen[0])
        InsightAction.delete().where((InsightAction.action == action.id)
                                     & InsightAction.insight.not_in(list(keep) or [0])).execute()
        if shared & keep:
            InsightAction.update(kind="splits").where(
                (InsightAction.action == action.id)
                & InsightAction.insight.in_(sorted(shared & keep))).execute()
        made = [Action.get_by_id(action.id)]
        for title, ids in zip(titles[1:], chosen[1:], strict=True):
            part = Action.create(consultation=action.consultation_id, title=title,
                                 description=action.description, kind=action.kind,
                                 owner=action.owner, horizon=action.horizon,
                                 status=action.status, department=action.department,
                                 created_by=acting_staff_id())
            if ids:
                InsightAction.insert_many([
                    {"insight": ident, "action": part.id, "created_by": acting_staff_id(),
                     "kind": "splits" if ident in shared else links[ident].kind,
                     "created_at": utcnow()} for ident in ids]).execute()
            made.append(part)
        audit.record("split", action, details={"parts": [str(a.id) for a in made]})
    return made


def _title(text: str) -> str:
    title = " ".join(text.split())
    if not title or len(title) > TITLE_MAX:
        raise ActionError("parts", str(_l("Give every part a title (at most %(max)d "
                                          "characters).", max=TITLE_MAX)))
    return title
