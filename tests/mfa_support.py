"""What the two-step login tests share: the app that requires a second factor for
administrators, and codes computed from the secret the enrolment page shows."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator

import pyotp

from consultplatform.auth import mfa
from consultplatform.models import AuditLog
from consultplatform.testing import DEFAULT_PASSWORD, csrf_from, fresh_app, get_csrf
from tests.conftest import make_staff

SECRET_RE = re.compile(r'<code class="secret-key" id="secret-key">([A-Z2-7 ]+)</code>')
CODES_RE = re.compile(r"<li><code>([a-z0-9-]+)</code></li>")


def mfa_app(migrated, instance_dir) -> Iterator:
    """The app as installed: a second factor required for administrators."""
    with fresh_app(migrated, instance_dir, MFA_REQUIRED_ROLES=["admin"],
                   LOGIN_LOCK_AFTER=4) as application:
        yield application


# --- helpers: the real clock, codes from the secret the page showed ----------------------


def fresh_step() -> int:
    """The current TOTP step, waiting first when it ends within 6 seconds: a test's codes
    are computed from one step and must not straddle two step changes."""
    left = mfa.STEP_SECONDS - time.time() % mfa.STEP_SECONDS
    if left < 6:
        time.sleep(left + 0.1)
    return int(time.time() // mfa.STEP_SECONDS)


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).at(step * mfa.STEP_SECONDS)


def password_step(client, user, password: str = DEFAULT_PASSWORD, **extra):
    data = {"csrf_token": get_csrf(client), "email": user.email, "password": password, **extra}
    return client.post("/auth/login", data=data)


def send_code(client, code: str):
    token = csrf_from(client.get("/auth/code").get_data(as_text=True))
    return client.post("/auth/code", data={"csrf_token": token, "code": code})


def enrol(client, step: int) -> tuple[str, list[str]]:
    """On the enrolment page: read the secret, confirm with its code of ``step``; the
    secret and the recovery codes shown."""
    page = client.get("/auth/tweestaps")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    secret = SECRET_RE.search(html).group(1).replace(" ", "")
    response = client.post("/auth/tweestaps", data={"csrf_token": csrf_from(html),
                                                    "code": code_at(secret, step)})
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
    codes = CODES_RE.findall(response.get_data(as_text=True))
    assert len(codes) == mfa.RECOVERY_CODES
    return secret, codes


def logout(client) -> None:
    token = csrf_from(client.get("/auth/tweestaps").get_data(as_text=True))
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 303


def enrolled_admin(app, step: int):
    """An administrator with the app set up (at ``step``), logged out again."""
    user = make_staff("admin")
    client = app.test_client()
    assert password_step(client, user).headers["Location"] == "/auth/tweestaps"
    secret, codes = enrol(client, step)
    logout(client)
    return user, secret, codes


def logged_in(app, user, secret: str, step: int):
    client = app.test_client()
    assert password_step(client, user).headers["Location"] == "/auth/code"
    response = send_code(client, code_at(secret, step))
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    return client


def audit_text() -> str:
    return json.dumps([(e.action, e.result, e.details) for e in AuditLog.select()])
