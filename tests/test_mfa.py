"""Two-step login for staff (issue 12, point 1): enrolment at the first login, TOTP
codes computed here with pyotp from the secret the enrolment page shows (no mocks,
the real clock), replayed and wrong codes, recovery codes, an administrator's reset,
and no /admin page before the second step.

The general suite runs with MFA_REQUIRED_ROLES empty (consultplatform.testing);
this module's app requires it for administrators, the default.
"""
from __future__ import annotations

import logging
import re

import pytest

from consultplatform.auth import mfa
from consultplatform.models import AuditLog, Consultation, StaffRecoveryCode, StaffUser
from consultplatform.testing import csrf_from, get_csrf
from tests.conftest import make_staff
from tests.mfa_support import (
    CODES_RE,
    SECRET_RE,
    audit_text,
    code_at,
    enrol,
    enrolled_admin,
    fresh_step,
    logged_in,
    logout,
    mfa_app,
    password_step,
    send_code,
)
from tests.test_admin_access import (
    AUTOMATIC,
    admin_rules,
    assert_no_data,
    assert_unchanged,
    build_url,
    first_id,
    is_static,
    table_snapshot,
    view_of,
)


@pytest.fixture
def app(migrated, instance_dir):
    """The app as installed: a second factor required for administrators."""
    yield from mfa_app(migrated, instance_dir)


# --- an administrator without a second factor -------------------------------------------


@pytest.fixture
def demo(app):
    from consultplatform.demo import load_demo
    from consultplatform.plugins import registry
    from tests.test_admin_access import demo_secrets

    with app.app_context():
        load_demo(registry())
    return demo_secrets()


def test_without_a_second_factor_an_administrator_reaches_only_enrolment_and_logout(
        app, client, demo):
    """After the password, every /admin URL (each method, with a valid CSRF token) leads
    to the enrolment page; nothing is shown or changed. Logout works."""
    user = make_staff("admin")
    response = password_step(client, user)
    assert response.status_code == 302 and response.headers["Location"] == "/auth/tweestaps"
    token = csrf_from(client.get("/auth/tweestaps").get_data(as_text=True))
    before = table_snapshot()
    audit_before = AuditLog.select().count()
    assert walk_admin(app, client, token, demo, "/auth/tweestaps") > 50
    assert_unchanged(before)
    assert AuditLog.select().count() == audit_before
    # Staff pages outside /admin (a consultation's preview) refuse as well.
    slug = Consultation.get().slug
    assert client.get(f"/c/{slug}/voorbeeld").status_code in (302, 403, 404)
    # The enrolment page itself, and logging out.
    assert client.get("/auth/tweestaps").status_code == 200
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/admin/").headers["Location"].startswith("/auth/login")


def test_between_password_and_code_no_admin_page_opens(app, client, demo):
    """The right password alone: every /admin URL answers as to a visitor who is not
    logged in (the login page), nothing is shown or changed."""
    step = fresh_step()
    user, secret, _codes = enrolled_admin(app, step - 1)
    assert password_step(client, user).headers["Location"] == "/auth/code"
    token = csrf_from(client.get("/auth/code").get_data(as_text=True))
    before = table_snapshot()
    assert walk_admin(app, client, token, demo, "/auth/login") > 50
    assert_unchanged(before)
    assert send_code(client, code_at(secret, step)).status_code == 302  # still pending
    assert client.get("/admin/").status_code == 200


def walk_admin(app, client, token: str, demo, expected: str) -> int:
    """Every /admin rule with each method (and GET and POST), a valid CSRF token and a
    body a write would need: a redirect to ``expected``, never data."""
    checked = 0
    for rule in admin_rules(app):
        if is_static(rule):
            continue
        view = view_of(app, rule)
        ident = first_id(view) if view is not None else None
        query = {"id": ident} if ident is not None else {}
        if rule.endpoint.endswith(".settings"):
            query["consultation"] = Consultation.get().id
        for method in sorted((set(rule.methods) | {"GET", "POST"}) - AUTOMATIC):
            url = build_url(app, rule, query, method)
            data = {"csrf_token": token, "id": str(ident or 1), "rowid": str(ident or 1),
                    "action": "delete", "name": "fullhooks", "enabled": "0",
                    "list_form_pk": str(ident or 1), "title": "changed"} \
                if method == "POST" else None
            response = client.open(url, method=method, data=data)
            what = f"{method} {url} (expecting {expected})"
            assert_no_data(response, demo, what)
            checked += 1
            if method not in rule.methods and response.status_code == 405:
                continue  # routing refuses it before any view (only the login's walk)
            assert response.status_code in (302, 303), (what, response.status_code)
            assert response.headers["Location"].split("?")[0] == expected, what
    return checked


def test_enrolment_shows_a_local_qr_code_and_the_secret_once(app, client):
    user = make_staff("admin")
    password_step(client, user)
    first = client.get("/auth/tweestaps").get_data(as_text=True)
    assert '<svg role="img" aria-label=' in first and 'class="qr-code"' in first
    assert "<script" not in first.split("<main", 1)[1]  # drawn here, no script
    secret = SECRET_RE.search(first).group(1)
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", secret)  # 160 bits, in groups
    # A reload shows the same secret (the app may have scanned it already).
    assert SECRET_RE.search(client.get("/auth/tweestaps").get_data(as_text=True)).group(1) == secret
    # Nowhere in the session cookie as it is.
    assert secret.replace(" ", "") not in client.get_cookie("session").value
    wrong = client.post("/auth/tweestaps", data={"csrf_token": csrf_from(first), "code": "000000"})
    assert wrong.status_code == 422 and 'aria-invalid="true"' in wrong.get_data(as_text=True)
    assert not StaffUser.get_by_id(user.id).has_mfa
    step = fresh_step()
    plain = secret.replace(" ", "")
    response = client.post("/auth/tweestaps", data={"csrf_token": csrf_from(first),
                                                    "code": code_at(plain, step)})
    assert response.status_code == 200
    codes = CODES_RE.findall(response.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = StaffUser.get_by_id(user.id)
    assert stored.has_mfa and plain not in stored.mfa_secret  # encrypted
    assert stored.mfa_last_step == step
    hashes = {r.code_hash for r in StaffRecoveryCode.select()}
    assert len(hashes) == 10 and not hashes & set(codes)  # only hashes stored
    # The session goes on, with the admin open now; the secret is not shown again.
    assert client.get("/admin/").status_code == 200
    again = client.get("/auth/tweestaps").get_data(as_text=True)
    assert SECRET_RE.search(again) is None and secret not in again and plain not in again
    assert "10" in again  # the unused recovery codes
    entry = AuditLog.get(AuditLog.action == "mfa_enrol")
    assert entry.object_id == str(user.id)
    assert plain not in audit_text() and not any(code in audit_text() for code in codes)


def test_enrolment_ends_the_accounts_other_sessions(app):
    user = make_staff("admin")
    other, this = app.test_client(), app.test_client()
    password_step(other, user)
    password_step(this, user)
    assert other.get("/auth/tweestaps").status_code == 200
    enrol(this, fresh_step())
    assert this.get("/admin/").status_code == 200
    assert other.get("/admin/").headers["Location"].startswith("/auth/login")


# --- the second step ------------------------------------------------------------------------


def test_login_with_codes_from_the_app_and_a_replayed_code_refused(app, caplog):
    caplog.set_level(logging.DEBUG)
    step = fresh_step()
    user, secret, codes = enrolled_admin(app, step - 1)
    client = app.test_client()
    response = password_step(client, user, next="/admin/theme/")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/code"
    # Between the two steps: not logged in anywhere.
    assert client.get("/admin/").headers["Location"].startswith("/auth/login")
    assert client.get("/auth/tweestaps").headers["Location"].startswith("/auth/login")
    page = client.get("/auth/code")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.get_data(as_text=True)
    response = send_code(client, code_at(secret, step))
    assert response.status_code == 302 and response.headers["Location"] == "/admin/theme/"
    assert client.get("/admin/").status_code == 200
    assert StaffUser.get_by_id(user.id).last_login_at is not None
    logout(client)

    # The same code again (overheard, or typed twice): refused, and it counts.
    again = app.test_client()
    password_step(again, user)
    refused = send_code(again, code_at(secret, step))
    assert refused.status_code == 401
    assert "used already" in refused.get_data(as_text=True) or "al gebruikt" in \
        refused.get_data(as_text=True)
    assert again.get("/admin/").headers["Location"].startswith("/auth/login")
    assert StaffUser.get_by_id(user.id).failed_logins == 1
    # An older one too; the next step's code (clock drift) works.
    assert send_code(again, code_at(secret, step - 1)).status_code == 401
    assert send_code(again, code_at(secret, step + 1)).status_code == 302
    assert again.get("/admin/").status_code == 200
    assert StaffUser.get_by_id(user.id).failed_logins == 0  # reset once both steps were right
    steps = [e.details.get("step") for e in AuditLog.select().where(AuditLog.action == "login")]
    assert "password" in steps and "code" in steps
    logged = caplog.text + audit_text()
    assert secret not in logged and code_at(secret, step) not in logged
    assert not any(code in logged for code in codes)


def test_a_code_too_far_from_now_is_refused(app):
    step = fresh_step()
    user, secret, _codes = enrolled_admin(app, step - 1)
    client = app.test_client()
    password_step(client, user)
    assert send_code(client, code_at(secret, step + 2)).status_code == 401
    assert send_code(client, code_at(secret, step - 3)).status_code == 401
    assert send_code(client, "12345").status_code == 401
    assert send_code(client, code_at(secret, step)).status_code == 302


def test_wrong_codes_count_towards_the_lock_like_wrong_passwords(app):
    """LOGIN_LOCK_AFTER is 4 here: a wrong password and three wrong codes lock the
    account; the right code does not open it then, nor does the right password."""
    step = fresh_step()
    user, secret, _codes = enrolled_admin(app, step - 1)
    client = app.test_client()
    assert password_step(client, user, password="not the password").status_code == 401
    assert password_step(client, user).headers["Location"] == "/auth/code"
    assert StaffUser.get_by_id(user.id).failed_logins == 1  # the right password reset nothing
    assert send_code(client, "000000").status_code == 401
    assert send_code(client, "aaaa-bbbb-cccc-dddd").status_code == 401
    locked = send_code(client, "111111")
    assert locked.status_code == 303 and locked.headers["Location"] == "/auth/login"
    stored = StaffUser.get_by_id(user.id)
    assert stored.locked_until is not None and stored.unlock_token_hash
    assert AuditLog.select().where(AuditLog.action == "lock").count() == 1
    # The right code now: the note is gone, back to the login, where the lock holds.
    assert client.get("/auth/code").headers["Location"] == "/auth/login"
    assert password_step(client, user).status_code == 401
    assert client.get("/admin/").headers["Location"].startswith("/auth/login")
    denied = AuditLog.select().where((AuditLog.action == "login") & (AuditLog.result == "denied"))
    assert [e.details.get("step") for e in denied].count("code") == 3


def test_the_code_must_follow_the_password_within_minutes(app):
    step = fresh_step()
    user, secret, _codes = enrolled_admin(app, step - 1)
    client = app.test_client()
    password_step(client, user)
    with client.session_transaction() as session:
        session["cp_mfa_pending"]["since"] -= 301
        session.modified = True
    response = client.get("/auth/code")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    token = get_csrf(client)
    late = client.post("/auth/code", data={"csrf_token": token, "code": code_at(secret, step)})
    assert late.status_code == 303 and late.headers["Location"] == "/auth/login"
    assert client.get("/admin/").headers["Location"].startswith("/auth/login")


def test_a_new_password_ends_the_pending_second_step(app):
    step = fresh_step()
    user, secret, _codes = enrolled_admin(app, step - 1)
    client = app.test_client()
    password_step(client, user)
    stored = StaffUser.get_by_id(user.id)
    stored.set_password("another long password")
    stored.save()
    assert client.get("/auth/code").headers["Location"] == "/auth/login"
    response = client.post("/auth/code", data={"csrf_token": get_csrf(client),
                                                "code": code_at(secret, step)})
    assert response.status_code == 303 and response.headers["Location"] == "/auth/login"


def test_a_recovery_code_works_once(app):
    step = fresh_step()
    user, secret, codes = enrolled_admin(app, step - 1)
    client = app.test_client()
    password_step(client, user)
    response = send_code(client, codes[3].upper().replace("-", " "))  # as typed from paper
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert "9" in client.get("/admin/").get_data(as_text=True)  # the flash: codes left
    entry = AuditLog.get(AuditLog.action == "mfa_recovery_code_used")
    assert entry.details == {"left": 9} and codes[3] not in audit_text()
    logout(client)
    again = app.test_client()
    password_step(again, user)
    assert send_code(again, codes[3]).status_code == 401
    assert send_code(again, codes[4]).status_code == 302
    assert mfa.recovery_codes_left(StaffUser.get_by_id(user.id)) == 8


def test_new_recovery_codes_need_a_current_code(app):
    step = fresh_step()
    user, secret, codes = enrolled_admin(app, step - 1)
    client = logged_in(app, user, secret, step)
    page = client.get("/auth/tweestaps").get_data(as_text=True)
    wrong = client.post("/auth/tweestaps", data={"csrf_token": csrf_from(page), "code": "123456"})
    assert wrong.status_code == 422
    assert CODES_RE.findall(wrong.get_data(as_text=True)) == []
    # The code that logged in was used; the next step's works.
    replayed = client.post("/auth/tweestaps", data={"csrf_token": csrf_from(page),
                                                    "code": code_at(secret, step)})
    assert replayed.status_code == 422
    renewed = client.post("/auth/tweestaps", data={"csrf_token": csrf_from(page),
                                                   "code": code_at(secret, step + 1)})
    assert renewed.status_code == 200
    new_codes = CODES_RE.findall(renewed.get_data(as_text=True))
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)
    assert AuditLog.select().where(AuditLog.action == "mfa_recovery_codes_renewed").count() == 1
    logout(client)
    other = app.test_client()
    password_step(other, user)
    assert send_code(other, codes[0]).status_code == 401  # the old ones stopped working
    assert send_code(other, new_codes[0]).status_code == 302
