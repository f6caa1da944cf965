"""Server-side role rules: admin everything; moderator the sessions they
moderate; viewer reads only."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

STAFF_ROLES = ("admin", "moderator", "viewer")


def is_staff() -> bool:
    return bool(current_user and current_user.is_authenticated
                and current_user.role in STAFF_ROLES)


def is_admin() -> bool:
    return is_staff() and current_user.role == "admin"


def moderates(session: Any) -> bool:
    """True when the current user may run ``session`` (its moderator, or an admin)."""
    if is_admin():
        return True
    return (is_staff() and current_user.role == "moderator"
            and session is not None and session.moderator_id == current_user.id)
