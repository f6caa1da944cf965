"""What people do on a workshop's board: draft an action from insights, edit it
(with the version it started from), link and unlink insights, merge and split
actions, set an insight aside with a reason, and put dots on actions.

Each service checks that the workshop exists and is open, that the insight is of
its consultation and in its scope and that the action is on its board, writes
through the core's services (one transaction: nested ones are savepoints) and
raises the board's revision, so the projected board picks the change up.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from peewee import fn

from consultplatform.api import (
    ActionError,
    ActionInput,
    ConsultationSession,
    Insight,
    InsightAction,
    SplitPart,
    StaleActionError,
    create_action,
    is_postgres,
    link_insights,
    lock_session,
    merge_actions,
    set_aside,
    split_action,
    unlink_insights,
    update_action,
    write_transaction,
)
from consultplatform_workshops.models import WorkshopsAction, WorkshopsDot
from consultplatform_workshops.settings import workshop_settings
from consultplatform_workshops.workshops import (
    WorkshopError,
    bump,
    ensure_open,
    scope_of,
    workshop_session,
)

__all__ = ["ActionError", "StaleActionError", "add_dot", "draft_action", "link", "merge",
           "remove_dot", "reopen_insight", "save_action", "set_insight_aside", "split",
           "unlink"]


def _open(session_id: int) -> ConsultationSession:
    session = workshop_session(session_id)
    ensure_open(session)
    return session


def _in_scope(session: ConsultationSession, insight_ids: Sequence[int]) -> list[int]:
    ids = sorted(set(insight_ids))
    if not ids:
        raise WorkshopError("insights", str(_l("Choose at least one insight.")))
    query = (Insight.select(Insight.id).join(ConsultationSession)
             .where(Insight.id.in_(ids)
                    & (ConsultationSession.consultation == session.consultation_id)))
    found = {row.id for row in scope_of(session.id).narrow(query)}
    if found != set(ids):
        raise WorkshopError("insights", str(_l(
            "Choose insights shown on this board only (of this consultation and in the "
            "workshop's scope).")))
    return ids


def _on_board(session_id: int, action_id: int) -> None:
    if not WorkshopsAction.select().where((WorkshopsAction.session == session_id)
                                          & (WorkshopsAction.action == action_id)).exists():
        raise WorkshopError("action", str(_l(
            "This action is not on this board (it may have been merged or removed).")), 404)


def draft_action(session_id: int, data: ActionInput, insight_ids: Sequence[int]) -> int:
    """A new action from one or more insights of the board, in one step; its id."""
    session = _open(session_id)
    ids = _in_scope(session, insight_ids)
    with write_transaction():
        action = create_action(session.consultation_id, data, ids)
        WorkshopsAction.create(session=session_id, action=action.id)
        bump(session_id)
    return action.id


def save_action(session_id: int, action_id: int, data: ActionInput,
                expected_version: int) -> None:
    _open(session_id)
    _on_board(session_id, action_id)
    with write_transaction():
        update_action(action_id, data, expected_version=expected_version)
        bump(session_id)


def link(session_id: int, action_id: int, insight_ids: Sequence[int]) -> int:
    session = _open(session_id)
    _on_board(session_id, action_id)
    ids = _in_scope(session, insight_ids)
    with write_transaction():
        changed = link_insights(action_id, ids)
        bump(session_id)
    return changed


def unlink(session_id: int, action_id: int, insight_ids: Sequence[int]) -> int:
    _open(session_id)
    _on_board(session_id, action_id)
    with write_transaction():
        removed = unlink_insights(action_id, insight_ids)
        bump(session_id)
    return removed


def merge(session_id: int, target_id: int, source_id: int, *,
          target_version: int | None = None, source_version: int | None = None) -> None:
    """Merge ``source`` into ``target`` (both on the board). The dots on the merged
    action go back to their voters: on the target they could break the limit. The
    workshop is locked as for a dot, so a dot racing the merge lands before it (and
    goes back) or sees the action gone."""
    _open(session_id)
    _on_board(session_id, target_id)
    _on_board(session_id, source_id)
    with write_transaction():
        lock_session(session_id)
        merge_actions(target_id, source_id, target_version=target_version,
                      source_version=source_version)
        WorkshopsDot.delete().where(WorkshopsDot.action == source_id).execute()
        WorkshopsAction.delete().where((WorkshopsAction.session == session_id)
                                       & (WorkshopsAction.action == source_id)).execute()
        bump(session_id)


def split(session_id: int, action_id: int, parts: Sequence[SplitPart], *,
          expected_version: int | None = None) -> list[int]:
    """Split an action of the board; the new parts join the board. Their ids."""
    _open(session_id)
    _on_board(session_id, action_id)
    with write_transaction():
        made = split_action(action_id, parts, expected_version=expected_version)
        for action in made[1:]:
            WorkshopsAction.create(session=session_id, action=action.id)
        bump(session_id)
    return [action.id for action in made]


def set_insight_aside(session_id: int, insight_id: int, reason: str, note: str = "") -> None:
    """Set an insight of the board aside with a reason of the settings' list."""
    session = _open(session_id)
    _in_scope(session, [insight_id])
    codes = {choice.code for choice in workshop_settings(session.consultation).reasons}
    if reason not in codes:
        raise WorkshopError("reason", str(_l("Choose a reason.")))
    note = note.strip()
    if reason == "other" and not note:
        raise WorkshopError("note", str(_l("Say what the other reason is.")))
    with write_transaction():
        _lock_insight(insight_id)  # a concurrent link waits, or is seen below
        if _answered(insight_id):
            raise WorkshopError("insight", str(_l(
                "An action answers this insight: unlink it first to set it aside.")), 409)
        set_aside(insight_id, reason, note)
        bump(session_id)


def reopen_insight(session_id: int, insight_id: int) -> None:
    session = _open(session_id)
    _in_scope(session, [insight_id])
    with write_transaction():
        set_aside(insight_id, "")
        bump(session_id)


def _lock_insight(insight_id: int) -> None:
    """Lock the insight's row until the transaction ends (PostgreSQL; SQLite's write
    lock is held already), the lock ``link_insights`` takes before linking it."""
    if is_postgres():
        (Insight.select(Insight.id).where(Insight.id == insight_id)
         .for_update("FOR NO KEY UPDATE").execute())


def _answered(insight_id: int) -> bool:
    return InsightAction.select().where(InsightAction.insight == insight_id).exists()


def add_dot(session_id: int, voter_id: int, action_id: int) -> int:
    """One more of the voter's dots on the action, within both limits; the voter's
    dots on it now. The workshop's row is locked: concurrent dots take turns."""
    session = _open(session_id)
    limits = workshop_settings(session.consultation)
    with write_transaction():
        lock_session(session_id)  # SQLite: the write lock is already held
        _on_board(session_id, action_id)  # under the lock: a merge cannot take it off now
        mine = voter_dots(session_id, voter_id)
        if sum(mine.values()) >= limits.dots_per_person:
            raise WorkshopError("dots", str(_l(
                "You have used all your %(num)d dots. Take one back to put it elsewhere.",
                num=limits.dots_per_person)), 409)
        on_this = mine.get(action_id, 0)
        if on_this >= limits.dots_per_action:
            raise WorkshopError("dots", str(_l(
                "At most %(num)d of your dots may go to one action.",
                num=limits.dots_per_action)), 409)
        if on_this:
            WorkshopsDot.update(dots=WorkshopsDot.dots + 1).where(
                (WorkshopsDot.session == session_id) & (WorkshopsDot.voter == voter_id)
                & (WorkshopsDot.action == action_id)).execute()
        else:
            WorkshopsDot.create(session=session_id, voter=voter_id, action=action_id, dots=1)
        bump(session_id)
    return on_this + 1


def remove_dot(session_id: int, voter_id: int, action_id: int) -> int:
    """Take one of the voter's dots off the action; the voter's dots on it now."""
    _open(session_id)
    _on_board(session_id, action_id)
    with write_transaction():
        lock_session(session_id)
        row = WorkshopsDot.get_or_none((WorkshopsDot.session == session_id)
                                       & (WorkshopsDot.voter == voter_id)
                                       & (WorkshopsDot.action == action_id))
        if row is None:
            raise WorkshopError("dots", str(_l("You have no dot on this action.")), 409)
        left = row.dots - 1
        if left:
            WorkshopsDot.update(dots=left).where(WorkshopsDot.id == row.id).execute()
        else:
            row.delete_instance()
        bump(session_id)
    return left


def voter_dots(session_id: int, voter_id: int) -> dict[int, int]:
    """The voter's dots per action of the board (one statement)."""
    return dict(WorkshopsDot.select(WorkshopsDot.action, WorkshopsDot.dots)
                .where((WorkshopsDot.session == session_id)
                       & (WorkshopsDot.voter == voter_id)).tuples())


def dot_totals(session_id: int) -> dict[int, int]:
    """Dots per action of the board (one statement)."""
    return dict(WorkshopsDot.select(WorkshopsDot.action, fn.SUM(WorkshopsDot.dots))
                .where(WorkshopsDot.session == session_id)
                .group_by(WorkshopsDot.action).tuples())

