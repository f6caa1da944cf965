"""What the services share: the refusal of one field's value, and who is acting."""

from __future__ import annotations

from flask_login import current_user


class FieldError(ValueError):
    """A value a service refuses: ``field`` names it, the message is for the user
    (already in their language); a view puts it on that field of its form."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


def acting_staff_id() -> int | None:
    """The logged-in staff member's id, for ``created_by`` and the like; ``None``
    outside a request (CLI, demo loader, background jobs)."""
    return current_user.id if current_user and current_user.is_authenticated else None
