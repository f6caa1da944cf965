"""Staff accounts: administrators, moderators and read-only viewers."""

from __future__ import annotations

import secrets

from flask_login import UserMixin
from peewee import (
    BigIntegerField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
)
from werkzeug.security import check_password_hash, generate_password_hash

from consultplatform.db import BaseModel, utcnow
from consultplatform.models.choices import LANGUAGES, ROLES

# A valid hash of a random password: checked when the e-mail is unknown so a
# failed login takes the same time whether or not the account exists.
_DUMMY_HASH = generate_password_hash("not-a-real-password-8c1f")


def normalise_email(value: str) -> str:
    """Lower-cased, trimmed e-mail address: the form we store and compare."""
    return (value or "").strip().lower()


class StaffUser(UserMixin, BaseModel):
    email = CharField(max_length=254, unique=True)
    name = CharField(max_length=120)
    password_hash = CharField(max_length=255)
    role = CharField(max_length=20, choices=ROLES, default="viewer")
    active = BooleanField(default=True)
    language = CharField(max_length=5, choices=LANGUAGES, default="nl")
    last_login_at = DateTimeField(null=True)
    # Part of the login cookie; replaced at logout and password change, which
    # ends every session of the account (signed cookies cannot be revoked otherwise).
    session_token = CharField(max_length=64, default=lambda: secrets.token_urlsafe(32))
    created_at = DateTimeField(default=utcnow)
    # Login throttling per account (consultplatform/auth/throttle.py).
    failed_logins = IntegerField(default=0)
    last_failed_login_at = DateTimeField(null=True)
    locked_until = DateTimeField(null=True)
    # SHA-256 of the secret in the unlock link mailed to the account's owner.
    unlock_token_hash = CharField(max_length=64, null=True)
    # Two-step login (consultplatform/auth/mfa.py): the TOTP secret, encrypted with a
    # key derived from SECRET_KEY (never shown again after enrolment); None: no second
    # factor yet. The last time step a code was accepted for: a code from that step or
    # an earlier one is refused (no replay).
    mfa_secret = CharField(max_length=255, null=True)
    mfa_enrolled_at = DateTimeField(null=True)
    mfa_last_step = BigIntegerField(null=True)

    class Meta:
        table_name = "staff_user"

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return bool(self.active)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def rotate_session_token(self) -> None:
        self.session_token = secrets.token_urlsafe(32)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.rotate_session_token()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def has_mfa(self) -> bool:
        """Has this account a second factor (a TOTP secret)?"""
        return bool(self.mfa_secret)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @staticmethod
    def check_no_password(password: str) -> None:
        """The work of a password check, for an answer that must take as long as one."""
        check_password_hash(_DUMMY_HASH, password or "")


class StaffRecoveryCode(BaseModel):
    """One of a staff member's one-time recovery codes for the second step: only the
    SHA-256 of the code (80 random bits) is kept; ``used_at`` is set when it is used."""

    staff = ForeignKeyField(StaffUser, backref="recovery_codes", on_delete="CASCADE")
    code_hash = CharField(max_length=64)
    created_at = DateTimeField(default=utcnow)
    used_at = DateTimeField(null=True)

    class Meta:
        table_name = "staff_recovery_code"
        indexes = ((("staff", "code_hash"), True),)
