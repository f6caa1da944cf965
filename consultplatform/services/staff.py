"""Staff accounts: the one place they are created and get a password.

The admin's staff form, ``flask users create-admin``/``bootstrap-admin`` and the
demo loader all call :func:`create_staff`; one password rule for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from consultplatform import audit
from consultplatform.db import write_transaction
from consultplatform.models import StaffUser, normalise_email
from consultplatform.models.choices import LANGUAGES, ROLES
from consultplatform.services.errors import FieldError

PASSWORD_MIN = 12
PASSWORD_MAX = 200


class StaffError(FieldError):
    """A value the service refuses; ``field`` names it, the message is for the user."""


@dataclass(frozen=True)
class StaffAccount:
    email: str
    name: str
    role: str = "viewer"
    password: str = ""
    language: str = "nl"
    active: bool = True


def password_problem(password: str) -> str | None:
    """What is wrong with ``password`` under the one rule, or ``None``."""
    if len(password) < PASSWORD_MIN:
        return str(_l("The password needs at least %(num)d characters.", num=PASSWORD_MIN))
    if len(password) > PASSWORD_MAX:
        return str(_l("The password may have at most %(num)d characters.", num=PASSWORD_MAX))
    return None


def _checked(account: StaffAccount) -> str:
    email = normalise_email(account.email)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise StaffError("email", str(_l("Invalid email address."))) from None
    if not account.name.strip() or len(account.name) > 120:
        raise StaffError("name", str(_l("Give a name (at most 120 characters).")))
    if account.role not in dict(ROLES):
        raise StaffError("role", str(_l("Choose one of the options shown.")))
    if account.language not in dict(LANGUAGES):
        raise StaffError("language", str(_l("Choose one of the options shown.")))
    problem = password_problem(account.password)
    if problem:
        raise StaffError("password", problem)
    return email


def create_staff(account: StaffAccount, *, audited: bool = True) -> StaffUser:
    """A new account with its password hashed; a taken address is refused."""
    email = _checked(account)
    taken = StaffError("email", str(_l("An account with this e-mail address exists already.")))
    try:
        with write_transaction():
            if StaffUser.select().where(StaffUser.email == email).exists():
                raise taken
            user = _new_account(account, email)
            if audited:
                audit.record("create", user, details={"fields": ["email", "name", "role"]})
    except IntegrityError:  # the same address saved at the same moment by someone else
        raise taken from None
    return user


def _new_account(account: StaffAccount, email: str) -> StaffUser:
    user = StaffUser(email=email, name=account.name.strip(), role=account.role,
                     language=account.language, active=account.active)
    user.set_password(account.password)
    user.save()
    return user


def set_password(user: StaffUser, password: str) -> None:
    """Give ``user`` (not yet saved, or saved by the caller) a new password; this ends
    the account's other sessions (the session token changes)."""
    problem = password_problem(password)
    if problem:
        raise StaffError("password", problem)
    user.set_password(password)
