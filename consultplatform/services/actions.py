"""Actions (what the municipality or a partner will do) and their typed links to
the insights they take up: answers, merges (came with a merged action) or splits
(one part of a split action). Merging and splitting: consultplatform.services.reshaping.

Every change raises the action's ``version``; a save that names the version it
started from is refused with :class:`StaleActionError` when someone else saved in
between, so two people on one board never overwrite each other unseen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from consultplatform import audit
from consultplatform.action_vocabulary import action_vocabulary
from consultplatform.db import is_postgres, utcnow, write_transaction
from consultplatform.models import Action, Consultation, ConsultationSession, Insight, InsightAction
from consultplatform.models.choices import ACTION_STATUSES, LINK_KINDS
from consultplatform.services.errors import FieldError, acting_staff_id

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
DEPARTMENT_MAX = 120


class ActionError(FieldError):
    """A value the service refuses; ``field`` names it, the message is for the user."""


class StaleActionError(ActionError):
    """Someone saved the action after the version this save started from.

    ``current`` is the action as it is now, so the page can show both."""

    def __init__(self, current: Action) -> None:
        super().__init__("version", str(_l(
            "Someone else changed this action while you were editing it. Their version is "
            "shown below; your text is kept in the form. Check both and save again.")))
        self.current = current


@dataclass(frozen=True)
class ActionInput:
    title: str
    description: str = ""
    kind: str = "action"
    owner: str = "municipality"
    horizon: str = "short"
    status: str = "draft"
    department: str = ""


def checked_action(consultation_id: int, data: ActionInput) -> dict:
    """The input's values as columns, or ActionError naming the first wrong field."""
    title = " ".join(data.title.split())
    if not title or len(title) > TITLE_MAX:
        raise ActionError("title", str(_l("Give a title (at most %(max)d characters).",
                                          max=TITLE_MAX)))
    description = data.description.strip()
    if len(description) > DESCRIPTION_MAX:
        raise ActionError("description", str(_l("Keep it to %(max)d characters.",
                                                max=DESCRIPTION_MAX)))
    department = " ".join(data.department.split())
    if len(department) > DEPARTMENT_MAX:
        raise ActionError("department", str(_l("Keep it to %(max)d characters.",
                                               max=DEPARTMENT_MAX)))
    vocabulary = action_vocabulary(Consultation.get_by_id(consultation_id))
    for name in ("kind", "owner", "horizon"):
        if getattr(data, name) not in vocabulary.codes(name):
            raise ActionError(name, str(_l("Choose one of the options shown.")))
    if data.status not in dict(ACTION_STATUSES) or data.status == "merged":
        raise ActionError("status", str(_l("Choose one of the options shown.")))
    return {"title": title, "description": description, "kind": data.kind,
            "owner": data.owner, "horizon": data.horizon, "status": data.status,
            "department": department}


def existing_action(action_id: int, *, lock: bool = False) -> Action:
    """The action (locked until the transaction ends when asked), or ActionError."""
    query = Action.select().where(Action.id == action_id)
    if lock and is_postgres():
        query = query.for_update("FOR NO KEY UPDATE")
    action = query.first()
    if action is None:
        raise ActionError("action", str(_l("This action no longer exists.")))
    return action


def live_action(action_id: int, expected_version: int | None = None) -> Action:
    """The action, locked, that may still change: not merged away and, when
    ``expected_version`` is given, still at that version (else StaleActionError)."""
    action = existing_action(action_id, lock=True)
    if action.status == "merged":
        raise ActionError("action", str(_l("This action was merged into another one.")))
    if expected_version is not None and action.version != expected_version:
        raise StaleActionError(action)
    return action


def create_action(consultation_id: int, data: ActionInput,
                  insight_ids: Iterable[int] = ()) -> Action:
    """A new action, linked at once (``answers``) to ``insight_ids`` when given."""
    with write_transaction():
        values = checked_action(consultation_id, data)
        action = Action.create(consultation=consultation_id, created_by=acting_staff_id(),
                               **values)
        audit.record("create", action, details={"fields": sorted(values)})
        if insight_ids:
            # Links made with the action are part of its first version: no bump.
            _add_links(action, sorted(set(insight_ids)), "answers")
    return action


def update_action(action_id: int, data: ActionInput,
                  expected_version: int | None = None) -> Action:
    """Save the action's fields. With ``expected_version`` (the version the editor
    started from) a save after someone else's raises StaleActionError."""
    with write_transaction():
        action = live_action(action_id)
        values = checked_action(action.consultation_id, data)
        changed = sorted(k for k, v in values.items() if getattr(action, k) != v)
        # The version check and the write in one statement: of two saves from the
        # same version exactly one matches, on either database.
        condition = Action.id == action.id
        if expected_version is not None:
            condition &= Action.version == expected_version
        updated = (Action.update(version=Action.version + 1, updated_at=utcnow(), **values)
                   .where(condition).execute())
        if not updated:
            raise StaleActionError(Action.get_by_id(action.id))
        audit.record("update", action, details={"fields": changed})
    return Action.get_by_id(action_id)


def bump_version(action_id: int) -> None:
    """A change to the action's links is a change to the action (inside a transaction)."""
    Action.update(version=Action.version + 1, updated_at=utcnow()).where(
        Action.id == action_id).execute()


def insights_of(consultation_id: int, ids: list[int]) -> dict[int, Insight]:
    """The insights among ``ids`` of the consultation, or ActionError when one is not.

    On PostgreSQL their rows are locked (in id order) until the transaction ends: a
    concurrent set-aside either comes first (its reason is read here and cleared) or
    waits and then sees the link, so no insight ends up answered and set aside."""
    query = (Insight.select(Insight.id, Insight.set_aside_reason).join(ConsultationSession)
             .where(Insight.id.in_(ids or [0])
                    & (ConsultationSession.consultation == consultation_id))
             .order_by(Insight.id))
    if is_postgres():
        query = query.for_update("FOR NO KEY UPDATE", of=Insight)
    found = {row.id: row for row in query}
    if len(found) != len(ids):
        raise ActionError("insights", str(_l("Choose insights of this consultation only.")))
    return found


def link_insights(action_id: int, insight_ids: Iterable[int], kind: str = "answers") -> int:
    """Link insights of the action's consultation to it (a link that exists gets the
    new kind); returns how many links were added or changed. An insight that was
    set aside is open again once an action takes it up."""
    if kind not in dict(LINK_KINDS):
        raise ActionError("kind", str(_l("Choose one of the options shown.")))
    ids = sorted(set(insight_ids))
    if not ids:
        raise ActionError("insights", str(_l("Choose at least one insight.")))
    with write_transaction():
        action = live_action(action_id)
        changed = _add_links(action, ids, kind)
        if changed:
            bump_version(action.id)
    return changed


def _add_links(action: Action, ids: list[int], kind: str) -> int:
    """Link ``ids`` (inside the caller's transaction, the action locked); reopen
    those set aside; the audit row. How many links were added or changed."""
    found = insights_of(action.consultation_id, ids)
    existing = {link.insight_id: link.kind for link in InsightAction.select(
        InsightAction.insight, InsightAction.kind).where(
        (InsightAction.action == action.id) & InsightAction.insight.in_(ids))}
    new = [ident for ident in ids if ident not in existing]
    retyped = [ident for ident in ids if ident in existing and existing[ident] != kind]
    if new:
        InsightAction.insert_many([{"insight": ident, "action": action.id, "kind": kind,
                                    "created_by": acting_staff_id(), "created_at": utcnow()}
                                   for ident in new]).execute()
    if retyped:
        InsightAction.update(kind=kind).where((InsightAction.action == action.id)
                                              & InsightAction.insight.in_(retyped)).execute()
    reopened = [i for i in ids if found[i].set_aside_reason]
    if reopened:
        Insight.update(set_aside_reason="", set_aside_note="", set_aside_at=None,
                       set_aside_by=None).where(Insight.id.in_(reopened)).execute()
    audit.record("link", action, details={"insights": [str(i) for i in ids], "kind": kind})
    return len(new) + len(retyped)


def unlink_insights(action_id: int, insight_ids: Iterable[int]) -> int:
    ids = sorted(set(insight_ids))
    with write_transaction():
        action = existing_action(action_id, lock=True)
        removed = InsightAction.delete().where((InsightAction.action == action.id)
                                               & InsightAction.insight.in_(ids or [0])).execute()
        if removed:
            bump_version(action.id)
        audit.record("unlink", action, details={"insights": [str(i) for i in ids]})
    return removed
