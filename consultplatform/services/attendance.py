"""Recording who came: one rule for the registration list and for plugins' pages."""

from __future__ import annotations

from consultplatform import audit
from consultplatform.db import utcnow, write_transaction
from consultplatform.models import Registration


def mark_attendance(marks: dict[int, str | None]) -> int:
    """Set the attendance of confirmed registrations, ``{registration id: "attended",
    "no_show", or None for not recorded}``, in one transaction with an audit row per
    change. Registrations that are not confirmed, or already have that mark, are left
    as they are. Returns how many changed."""
    changed = 0
    with write_transaction():
        rows = Registration.select().where(Registration.id.in_(sorted(marks))
                                           & (Registration.status == "confirmed"))
        for registration in rows:
            value = marks[registration.id] or None
            if registration.attendance == value:
                continue
            registration.attendance, registration.updated_at = value, utcnow()
            registration.save(only=[Registration.attendance, Registration.updated_at])
            audit.record("attendance", registration, details={"attendance": value or ""})
            changed += 1
    return changed
