"""Logging in, throttled per account as well as per address.

The per-address limit (``LOGIN_RATE_LIMIT``) stops one machine; an attacker with
many addresses is stopped here: after ``LOGIN_LOCK_AFTER`` wrong passwords
within ``LOGIN_FAILURE_WINDOW_MINUTES`` the account is locked for
``LOGIN_LOCK_MINUTES``, even for the right password. Its owner gets a mail with a
link that lifts the lock at once; an administrator can lift it in the admin.

Nothing here tells whether an account exists: an unknown address, a wrong
password and a locked account get the same answer after the same work (one
password hash checked). Each step is audit-logged.

With a second factor (consultplatform/auth/mfa.py) the right password is only the
first step: the counter of wrong attempts stays as it is until the code is right
too (:func:`complete_login`), and every wrong code counts like a wrong password
(:func:`count_wrong_code`), so knowing the password buys no extra guesses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from flask import current_app

from consultplatform import audit
from consultplatform.db import is_postgres, utcnow, write_transaction
from consultplatform.models import StaffUser, normalise_email


@dataclass(frozen=True)
class LoginPolicy:
    lock_after: int
    window: dt.timedelta
    lock_for: dt.timedelta

    @classmethod
    def from_config(cls) -> LoginPolicy:
        config = current_app.config
        return cls(int(config["LOGIN_LOCK_AFTER"]),
                   dt.timedelta(minutes=int(config["LOGIN_FAILURE_WINDOW_MINUTES"])),
                   dt.timedelta(minutes=int(config["LOGIN_LOCK_MINUTES"])))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _locked_row(email: str) -> StaffUser | None:
    query = StaffUser.select().where(StaffUser.email == normalise_email(email))
    if is_postgres():
        query = query.for_update()
    return query.first()


def log_in(email: str, password: str) -> StaffUser | None:
    """The account for these credentials, or None (wrong, unknown, inactive or locked).

    The password hash (the slow part, about 0.1 s) is checked outside any transaction,
    so logins never hold the write lock while hashing; the outcome is then recorded
    under the account's row lock, with the lock state read again."""
    policy = LoginPolicy.from_config()
    user = StaffUser.get_or_none(StaffUser.email == normalise_email(email))
    if user is None:
        StaffUser.check_no_password(password)
        audit.record("login", None, result="denied", object_type="StaffUser")
        return None
    if is_locked(user):
        StaffUser.check_no_password(password)  # the same work as a real check
        audit.record("login", user, result="denied", object_type="StaffUser",
                     details={"locked": True})
        return None
    right = user.check_password(password or "") and user.active
    with write_transaction():
        user = _locked_row(email)
        now = utcnow()
        if user is None or is_locked(user):  # deleted, or locked a moment ago
            audit.record("login", user, result="denied", object_type="StaffUser",
                         details={"locked": True} if user is not None else None)
            return None
        if not right:
            _count_failure(user, policy, now)
            return None
        if user.has_mfa:  # the second step decides; nothing is reset yet
            audit.record("login", user, object_type="StaffUser", actor_user=user,
                         details={"step": "password", "second_factor": "pending"})
            return user
        _succeed(user, now)
        return user


def _succeed(user: StaffUser, now: dt.datetime, details: dict | None = None) -> None:
    user.failed_logins, user.last_failed_login_at, user.locked_until = 0, None, None
    user.unlock_token_hash, user.last_login_at = None, now
    user.save(only=[StaffUser.failed_logins, StaffUser.last_failed_login_at,
                    StaffUser.locked_until, StaffUser.unlock_token_hash,
                    StaffUser.last_login_at])
    audit.record("login", user, object_type="StaffUser", actor_user=user, details=details)


def may_try_second_step(user_id: int) -> StaffUser | None:
    """The account whose password was right, if it may still give its code (it exists,
    is active and not locked); None otherwise."""
    user = StaffUser.get_or_none(StaffUser.id == user_id)
    if user is None or not user.active or is_locked(user):
        return None
    return user


def complete_login(user: StaffUser, method: str) -> None:
    """The second step was right: the login is complete (counter reset, audit row)."""
    with write_transaction():
        _succeed(user, utcnow(), {"step": "code", "second_factor": method})


def count_wrong_code(user: StaffUser) -> bool:
    """A wrong code counts like a wrong password; True when it locked the account."""
    policy = LoginPolicy.from_config()
    with write_transaction():
        row = _locked_row(user.email)
        if row is None or is_locked(row):
            return True
        _count_failure(row, policy, utcnow(), step="code")
        return is_locked(row)


def _count_failure(user: StaffUser, policy: LoginPolicy, now: dt.datetime,
                   step: str = "password") -> None:
    recent = user.last_failed_login_at is not None and user.last_failed_login_at > now - policy.window
    user.failed_logins = (user.failed_logins if recent else 0) + 1
    user.last_failed_login_at = now
    fields = [StaffUser.failed_logins, StaffUser.last_failed_login_at]
    details: dict = {"failed_logins": user.failed_logins}
    if step != "password":
        details["step"] = step
    audit.record("login", user, result="denied", object_type="StaffUser", details=details)
    if user.failed_logins >= policy.lock_after:
        token = secrets.token_urlsafe(32)
        user.locked_until, user.unlock_token_hash = now + policy.lock_for, hash_token(token)
        user.failed_logins = 0
        fields += [StaffUser.locked_until, StaffUser.unlock_token_hash]
        audit.record("lock", user, object_type="StaffUser",
                     details={"minutes": int(policy.lock_for.total_seconds() // 60)})
        from consultplatform.mail.staff import queue_unlock_mail

        queue_unlock_mail(user, token)
    user.save(only=fields)


def unlock_link_valid(token: str) -> bool:
    """Is this the link of an account still locked?"""
    return bool(token) and len(token) <= 100 and StaffUser.select().where(
        (StaffUser.unlock_token_hash == hash_token(token))
        & (StaffUser.locked_until > utcnow())).exists()


def unlock_with_token(token: str) -> StaffUser | None:
    """Lift the lock the link in the mail is for; None when the link is not (any more) valid."""
    if not token or len(token) > 100:
        return None
    with write_transaction():
        user = StaffUser.get_or_none((StaffUser.unlock_token_hash == hash_token(token))
                                     & (StaffUser.locked_until > utcnow()))
        if user is None:
            return None
        _lift(user, how="mail")
        return user


def unlock(user_id: int) -> bool:
    """An administrator lifts the lock of an account; False when it was not locked."""
    with write_transaction():
        user = StaffUser.get_by_id(user_id)
        if user.locked_until is None or user.locked_until <= utcnow():
            return False
        _lift(user, how="admin")
        return True


def _lift(user: StaffUser, *, how: str) -> None:
    user.locked_until, user.unlock_token_hash, user.failed_logins = None, None, 0
    user.save(only=[StaffUser.locked_until, StaffUser.unlock_token_hash, StaffUser.failed_logins])
    audit.record("unlock", user, object_type="StaffUser", details={"by": how})


def is_locked(user: StaffUser) -> bool:
    return user.locked_until is not None and user.locked_until > utcnow()
