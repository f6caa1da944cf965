"""Actions (what the municipality or a partner will do) and their typed links to
the insights they take up: answers, merges (several insights into one action) or
splits (one insight over several actions)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from consultplatform import audit
from consultplatform.db import utcnow, write_transaction
from consultplatform.models import Action, ConsultationSession, Insight, InsightAction
from consultplatform.models.choices import (
    ACTION_HORIZONS,
    ACTION_KINDS,
    ACTION_OWNERS,
    ACTION_STATUSES,
    LINK_KINDS,
)
from consultplatform.services.errors import FieldError, acting_staff_id

TITLE_MAX = 200


class ActionError(FieldError):
    """A value the service refuses; ``field`` names it, the message is for the user."""


@dataclass(frozen=True)
class ActionInput:
    title: str
    description: str = ""
    kind: str = "action"
    owner: str = "municipality"
    horizon: str = "short"
    status: str = "draft"


def _checked(data: ActionInput) -> dict:
    title = " ".join(data.title.split())
    if not title or len(title) > TITLE_MAX:
        raise ActionError("title", str(_l("Give a title (at most %(max)d characters).",
                                          max=TITLE_MAX)))
    for name, allowed in (("kind", ACTION_KINDS), ("owner", ACTION_OWNERS),
                          ("horizon", ACTION_HORIZONS), ("status", ACTION_STATUSES)):
        if getattr(data, name) not in dict(allowed):
            raise ActionError(name, str(_l("Choose one of the options shown.")))
    return {"title": title, "description": data.description.strip(), "kind": data.kind,
            "owner": data.owner, "horizon": data.horizon, "status": data.status}



def create_action(consultation_id: int, data: ActionInput) -> Action:
    values = _checked(data)
    with write_transaction():
        action = Action.create(consultation=consultation_id, created_by=acting_staff_id(), **values)
        audit.record("create", action, details={"fields": sorted(values)})
    return action


def update_action(action_id: int, data: ActionInput) -> Action:
    values = _checked(data)
    with write_transaction():
        action = Action.get_by_id(action_id)
        changed = sorted(k for k, v in values.items() if getattr(action, k) != v)
        for key, value in values.items():
            setattr(action, key, value)
        action.updated_at = utcnow()
        action.save()
        audit.record("update", action, details={"fields": changed})
    return action


def link_insights(action_id: int, insight_ids: Iterable[int], kind: str = "answers") -> int:
    """Link insights of the action's consultation to it (a link that exists gets the
    new kind); returns how many links were added or changed. An insight that was
    set aside is open again once an action takes it up."""
    if kind not in dict(LINK_KINDS):
        raise ActionError("kind", str(_l("Choose one of the options shown.")))
    ids = sorted(set(insight_ids))
    with write_transaction():
        action = Action.get_by_id(action_id)
        found = {row.id: row for row in Insight.select(Insight.id, Insight.set_aside_reason)
                 .join(ConsultationSession)
                 .where(Insight.id.in_(ids or [0])
                        & (ConsultationSession.consultation == action.consultation_id))}
        if len(found) != len(ids):
            raise ActionError("insights", str(_l("Choose insights of this consultation only.")))
        existing = {link.insight_id: link for link in InsightAction.select().where(
            (InsightAction.action == action.id) & InsightAction.insight.in_(ids or [0]))}
        changed = 0
        for ident in ids:
            link = existing.get(ident)
            if link is None:
                InsightAction.create(insight=ident, action=action.id, kind=kind)
                changed += 1
            elif link.kind != kind:
                link.kind = kind
                link.save(only=[InsightAction.kind])
                changed += 1
        reopened = [i for i in ids if found[i].set_aside_reason]
        if reopened:
            Insight.update(set_aside_reason="", set_aside_at=None, set_aside_by=None).where(
                Insight.id.in_(reopened)).execute()
        audit.record("link", action, details={"insights": [str(i) for i in ids], "kind": kind})
    return changed


def unlink_insights(action_id: int, insight_ids: Iterable[int]) -> int:
    ids = sorted(set(insight_ids))
    with write_transaction():
        action = Action.get_by_id(action_id)
        removed = InsightAction.delete().where((InsightAction.action == action.id)
                                               & InsightAction.insight.in_(ids or [0])).execute()
        audit.record("unlink", action, details={"insights": [str(i) for i in ids]})
    return removed
