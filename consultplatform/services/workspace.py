"""Choosing the consultation a staff member works on (see consultplatform.workspace)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consultplatform.db import utcnow
from consultplatform.models import StaffUser, StaffWorkspace
from consultplatform.services.errors import FieldError
from consultplatform.workspace import forget, may_see


class WorkspaceError(FieldError):
    """The consultation cannot be chosen (gone, or not this account's to see)."""


def choose_consultation(staff_id: int, consultation_id: int | None) -> int | None:
    """Remember ``consultation_id`` as the account's consultation (None: all of them).
    Returns what is remembered now."""
    staff = StaffUser.get_by_id(staff_id)
    if consultation_id is None:
        StaffWorkspace.delete().where(StaffWorkspace.staff == staff.id).execute()
        forget()
        return None
    if not may_see(staff, consultation_id):
        raise WorkspaceError("consultation", str(_l(
            "This consultation does not exist, or is not one you work on.")))
    (StaffWorkspace.insert(staff=staff.id, consultation=consultation_id, chosen_at=utcnow())
     .on_conflict(conflict_target=[StaffWorkspace.staff],
                  update={StaffWorkspace.consultation: consultation_id,
                          StaffWorkspace.chosen_at: utcnow()})
     .execute())
    forget()
    return consultation_id
