"""Server-side role rules: admin everything; moderator the sessions they
moderate; viewer reads only."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

STAFF_ROLES = ("admin", "moderator", "viewer")


def is_staff() -> bool:
    """A logged-in staff member who may work: one who must set up a second factor
    first (consultplatform/auth/mfa.py) may not, anywhere, until it is set up."""
    from consultplatform.auth.mfa import needs_enrolment

    return bool(current_user and current_user.is_authenticated
                and current_user.role in STAFF_ROLES and not needs_enrolment(current_user))


def is_admin() -> bool:
    return is_staff() and current_user.role == "admin"


def moderates(session: Any) -> bool:
    """True when the current user may run ``session`` (its moderator, or an admin)."""
    if is_admin():
        return True
    return (is_staff() and current_user.role == "moderator"
            and session is not None and session.moderator_id == current_user.id)
