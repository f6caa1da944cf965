"""Two-step login for staff: TOTP codes (RFC 6238) from an authenticator app, with
one-time recovery codes.

- Which roles must have a second factor: ``MFA_REQUIRED_ROLES`` (default: admin).
  A staff member of such a role without one is logged in only for the enrolment
  page (and logout) until it is set up; every ``/admin`` page sends them there.
- The secret is stored encrypted (Fernet: AES-128-CBC with HMAC-SHA256) with a key
  derived from ``SECRET_KEY`` through HKDF; it is shown once, on the enrolment
  page. A new ``SECRET_KEY`` makes the stored secrets unreadable: the staff then
  log in with a recovery code, or an administrator resets their second factor
  (``flask users reset-mfa``).
- A code is accepted for the time step it belongs to and one step either side (30
  seconds of clock drift); the last accepted step is kept per account and a code
  of that step or an earlier one is refused, so an overheard code cannot be
  used again.
- Recovery codes: ten, 80 random bits each, shown once; only their SHA-256 is
  stored and each works once.
- Wrong codes count towards the account's lock like wrong passwords do
  (consultplatform/auth/throttle.py). Remembered devices are not offered: every
  login asks for a code.

Nothing secret is logged or audit-logged: audit rows say what happened, never a
code or the secret.
"""

from __future__ import annotations

import base64
import hmac
import logging
import secrets
import time
from collections.abc import Iterable
from typing import Any

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from markupsafe import Markup

from consultplatform import audit
from consultplatform.auth.throttle import hash_token
from consultplatform.db import utcnow, write_transaction
from consultplatform.models import StaffRecoveryCode, StaffUser
from consultplatform.models.choices import ROLES

log = logging.getLogger(__name__)

STEP_SECONDS = 30  # RFC 6238's time step; what every authenticator app uses
DIGITS = 6
DRIFT_STEPS = 1  # a code of the step before or after is accepted too
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # 32 signs, no l/o/0/1
_RECOVERY_GROUPS, _RECOVERY_GROUP_LENGTH = 4, 4  # 16 signs of 5 bits: 80 bits


class MfaConfigError(RuntimeError):
    """``MFA_REQUIRED_ROLES`` names a role that does not exist."""


# --- the setting --------------------------------------------------------------------


def parse_roles(value: Any) -> tuple[str, ...]:
    """``MFA_REQUIRED_ROLES`` as a tuple of roles: a list, or a comma-separated string
    (the environment variable), empty for none."""
    if value is None:
        return ()
    items: Iterable[Any] = value.split(",") if isinstance(value, str) else value
    roles = tuple(dict.fromkeys(str(item).strip().lower() for item in items if str(item).strip()))
    unknown = [role for role in roles if role not in dict(ROLES)]
    if unknown:
        raise MfaConfigError(f"MFA_REQUIRED_ROLES: unknown role(s) {', '.join(unknown)}; "
                             f"choose from {', '.join(dict(ROLES))}")
    return roles


def required_roles() -> tuple[str, ...]:
    return current_app.config["MFA_REQUIRED_ROLES"]


def check_config(app: Any) -> None:
    """At start-up: the setting read once (a wrong role stops the start) and, when no
    role needs a second factor, a warning in the log (the admin says so too)."""
    app.config["MFA_REQUIRED_ROLES"] = parse_roles(app.config.get("MFA_REQUIRED_ROLES"))
    if not app.config["MFA_REQUIRED_ROLES"]:
        log.warning("two-step login (MFA) is required for no role: MFA_REQUIRED_ROLES is "
                    "empty. Set it (default: admin) before staff log in for real.")
    elif "admin" not in app.config["MFA_REQUIRED_ROLES"]:
        log.warning("two-step login (MFA) is not required for administrators "
                    "(MFA_REQUIRED_ROLES=%s)", ",".join(app.config["MFA_REQUIRED_ROLES"]))


def mfa_off_for_admins() -> bool:
    """True when administrators may work without a second factor (shown in the admin)."""
    return "admin" not in required_roles()


def required_for(user: Any) -> bool:
    return getattr(user, "role", None) in required_roles()


def needs_enrolment(user: Any) -> bool:
    """A logged-in staff member who must set up a second factor before anything else."""
    return bool(getattr(user, "is_authenticated", False) and required_for(user)
                and not user.has_mfa)


# --- the secret, encrypted ---------------------------------------------------------------


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"consultplatform staff TOTP secret v1").derive(
        str(current_app.config["SECRET_KEY"]).encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode("ascii")).decode("ascii")


def decrypt(token: str | None) -> str | None:
    """The plain value, or None when it cannot be read (another SECRET_KEY)."""
    if not token:
        return None
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError):
        return None


def new_secret() -> str:
    """160 random bits (RFC 4226's recommendation), base32 as the apps expect."""
    return pyotp.random_base32(32)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(user: StaffUser, secret: str) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=user.email, issuer_name=current_app.config["SITE_NAME"])


def qr_svg(uri: str, label: str) -> Markup:
    """The QR code of ``uri`` as inline SVG, drawn here (no image host, no script):
    dark modules on a white square with a quiet zone, named for screen readers."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff",
                                                 svgclass="qr-code", lineclass=None,
                                                 omitsize=False)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{Markup.escape(label)}" '
                               'focusable="false" ', 1)
    return Markup(svg)  # noqa: S704 - segno's own markup, the label escaped


# --- codes ------------------------------------------------------------------------------


def _now_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def is_totp_shape(code: str) -> bool:
    return len(code) == DIGITS and code.isascii() and code.isdigit()


def clean_code(value: str | None) -> str:
    """What was typed, without spaces and dashes, lower case (apps show "123 456")."""
    return "".join((value or "").split()).replace("-", "").lower()[:64]


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step (now, or one either side) whose code ``code`` is; None if none."""
    if not is_totp_shape(code):
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = _now_step(now)
    found = None
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step  # no early exit: the same work for every code
    return found


def _accept_step(user_id: int, step: int) -> bool:
    """Record ``step`` as the account's last accepted one, unless a code of that step or
    a later one was accepted already (one UPDATE: two requests cannot both win)."""
    return StaffUser.update(mfa_last_step=step).where(
        (StaffUser.id == user_id)
        & (StaffUser.mfa_last_step.is_null() | (StaffUser.mfa_last_step < step))
    ).execute() == 1


def check_totp(user: StaffUser, code: str) -> bool:
    """Is ``code`` a fresh code of the account's app? Recorded, so it works once."""
    secret = decrypt(user.mfa_secret)
    if secret is None:
        if user.mfa_secret:
            log.error("the TOTP secret of staff account %s cannot be decrypted "
                      "(was SECRET_KEY changed?)", user.id)
        return False
    step = matching_step(secret, code)
    return step is not None and _accept_step(user.id, step)


def hash_recovery_code(code: str) -> str:
    return hash_token(clean_code(code))


def _new_recovery_codes() -> list[str]:
    codes = []
    for _ in range(RECOVERY_CODES):
        signs = "".join(secrets.choice(_RECOVERY_ALPHABET)
                        for _ in range(_RECOVERY_GROUPS * _RECOVERY_GROUP_LENGTH))
        codes.append("-".join(signs[i:i + _RECOVERY_GROUP_LENGTH]
                              for i in range(0, len(signs), _RECOVERY_GROUP_LENGTH)))
    return codes


def _replace_recovery_codes(user: StaffUser) -> list[str]:
    """New recovery codes for ``user`` (the old ones stop working); inside a transaction."""
    StaffRecoveryCode.delete().where(StaffRecoveryCode.staff == user.id).execute()
    codes = _new_recovery_codes()
    now = utcnow()
    StaffRecoveryCode.insert_many([
        {"staff": user.id, "code_hash": hash_recovery_code(code), "created_at": now}
        for code in codes]).execute()
    return codes


def use_recovery_code(user: StaffUser, code: str) -> bool:
    """Spend one of the account's recovery codes; False when it is not one (any more)."""
    cleaned = clean_code(code)
    if len(cleaned) != _RECOVERY_GROUPS * _RECOVERY_GROUP_LENGTH:
        return False
    with write_transaction():
        used = StaffRecoveryCode.update(used_at=utcnow()).where(
            (StaffRecoveryCode.staff == user.id)
            & (StaffRecoveryCode.code_hash == hash_recovery_code(cleaned))
            & StaffRecoveryCode.used_at.is_null()).execute() == 1
        if used:
            audit.record("mfa_recovery_code_used", user, object_type="StaffUser",
                         actor_user=user, details={"left": recovery_codes_left(user)})
    return used


def recovery_codes_left(user: StaffUser) -> int:
    return StaffRecoveryCode.select().where((StaffRecoveryCode.staff == user.id)
                                            & StaffRecoveryCode.used_at.is_null()).count()


def check_second_factor(user: StaffUser, code: str) -> str | None:
    """``"totp"`` or ``"recovery_code"`` when ``code`` is a fresh app code or an unused
    recovery code of the account, else None."""
    cleaned = clean_code(code)
    if is_totp_shape(cleaned):
        return "totp" if check_totp(user, cleaned) else None
    return "recovery_code" if use_recovery_code(user, cleaned) else None


# --- enrolment, new recovery codes, reset --------------------------------------------------


def enrol(user: StaffUser, secret: str, code: str) -> list[str] | None:
    """Switch the second factor on with ``secret`` when ``code`` is one of its codes;
    the account's other sessions end (its session token changes). Returns the new
    recovery codes (to show once), or None for a wrong code."""
    step = matching_step(secret, clean_code(code))
    if step is None:
        return None
    with write_transaction():
        user = StaffUser.get_by_id(user.id)
        user.mfa_secret, user.mfa_enrolled_at, user.mfa_last_step = encrypt(secret), utcnow(), step
        user.rotate_session_token()
        user.save(only=[StaffUser.mfa_secret, StaffUser.mfa_enrolled_at,
                        StaffUser.mfa_last_step, StaffUser.session_token])
        codes = _replace_recovery_codes(user)
        audit.record("mfa_enrol", user, object_type="StaffUser", actor_user=user,
                     details={"recovery_codes": len(codes)})
    return codes


def renew_recovery_codes(user: StaffUser) -> list[str]:
    """New recovery codes (the caller has checked a current code)."""
    with write_transaction():
        codes = _replace_recovery_codes(user)
        audit.record("mfa_recovery_codes_renewed", user, object_type="StaffUser",
                     actor_user=user, details={"recovery_codes": len(codes)})
    return codes


def reset(user_id: int, *, by: str = "admin") -> bool:
    """Remove an account's second factor and recovery codes and end its sessions: it
    sets one up again at its next login. False when it had none."""
    with write_transaction():
        user = StaffUser.get_or_none(StaffUser.id == user_id)
        if user is None or not user.has_mfa:
            return False
        user.mfa_secret = user.mfa_enrolled_at = user.mfa_last_step = None
        user.rotate_session_token()
        user.save(only=[StaffUser.mfa_secret, StaffUser.mfa_enrolled_at,
                        StaffUser.mfa_last_step, StaffUser.session_token])
        StaffRecoveryCode.delete().where(StaffRecoveryCode.staff == user.id).execute()
        audit.record("mfa_reset", user, object_type="StaffUser", details={"by": by})
    return True
