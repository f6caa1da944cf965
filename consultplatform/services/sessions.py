"""Sessions: closing and reopening, the one place ``cp_session_closed`` fires, and
the seat rules a change to a session must keep."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from consultplatform import audit
from consultplatform.db import write_transaction
from consultplatform.events import emit_after_commit
from consultplatform.models import ConsultationSession
from consultplatform.seats import lock_session, occupancy


class SessionStateError(ValueError):
    """The session is not in a state this change allows; the message is for the user."""


@dataclass(frozen=True)
class StatusChange:
    session: ConsultationSession
    changed: bool  # False: it already had that status


def close_session(session_id: int) -> StatusChange:
    """Close a planned session (under its lock, with its audit row and the event).

    A cancelled session cannot be closed; one closed already is left as it is."""
    return _move(session_id, "planned", "closed", "close")


def reopen_session(session_id: int) -> StatusChange:
    """Open a closed session again (who may do so is the caller's check)."""
    return _move(session_id, "closed", "planned", "reopen")


def _move(session_id: int, source: str, target: str, action: str) -> StatusChange:
    """``source`` -> ``target`` under the session's lock; any other status is left."""
    with write_transaction():
        locked = lock_session(session_id)
        if target == "closed" and locked.status == "cancelled":
            raise SessionStateError(str(_l("This session was cancelled; it cannot be closed.")))
        if locked.status != source:
            return StatusChange(locked, changed=False)
        locked.status = target
        locked.save(only=[ConsultationSession.status])
        audit.record(action, locked, details={"fields": ["status"]})
        status_changed(locked, source)
    return StatusChange(locked, changed=True)


def status_changed(session: ConsultationSession, before: str | None) -> None:
    """Call inside the transaction that changed ``session.status`` (this module, the
    session form): plugins hear of a close once it is committed."""
    if session.status == "closed" and before != "closed":
        emit_after_commit("cp_session_closed", session=session)


def seat_rule_errors(session: ConsultationSession) -> dict[str, str]:
    """A capacity or cap that is lowered may not drop below the seats already
    confirmed (raising it, or keeping it, is always fine: staff may have
    promoted people past it by hand).

    Error keys: ``capacity``, ``sector_cap`` and ``side_caps.<side>``.
    """
    groups = {"entrepreneur": _l("entrepreneurs"), "government": _l("government"),
              "education": _l("education"), "other": _l("others")}

    stored = (ConsultationSession
              .select(ConsultationSession.capacity, ConsultationSession.sector_cap,
                      ConsultationSession.side_caps)
              .where(ConsultationSession.id == session.id).first())
    if stored is None:
        return {}

    def lowered(new: int | None, old: int | None) -> bool:
        return new is not None and (old is None or new < old)

    new_sides, old_sides = session.side_caps or {}, stored.side_caps or {}
    checks = [lowered(session.capacity, stored.capacity),
              lowered(session.sector_cap, stored.sector_cap),
              *(lowered(cap, old_sides.get(side)) for side, cap in new_sides.items())]
    if not any(checks):
        return {}
    taken = occupancy(session)
    errors: dict[str, str] = {}
    if lowered(session.capacity, stored.capacity) and session.capacity < taken.total:
        errors["capacity"] = ngettext(
            "There is already %(num)d confirmed place; the capacity cannot be lower.",
            "There are already %(num)d confirmed places; the capacity cannot be lower.",
            taken.total)
    most = max((count for sector, count in taken.by_sector.items() if sector is not None),
               default=0)
    if lowered(session.sector_cap, stored.sector_cap) and session.sector_cap < most:
        errors["sector_cap"] = ngettext(
            "One sector already has %(num)d confirmed place; the seats per sector "
            "cannot be lower.",
            "One sector already has %(num)d confirmed places; the seats per sector "
            "cannot be lower.", most)
    for side, cap in sorted(new_sides.items()):
        count = taken.by_side.get(side, 0)
        if lowered(cap, old_sides.get(side)) and cap < count:
            errors[f"side_caps.{side}"] = ngettext(
                "There is already %(num)d confirmed place for %(side)s; this cap "
                "cannot be lower.",
                "There are already %(num)d confirmed places for %(side)s; this cap "
                "cannot be lower.", count, side=str(groups.get(side, side)))
    return errors

