"""Two-step login for staff, the administration side (issue 12, point 1): an
administrator resets another's second factor, the staff list, the setting that
requires it per role (never off silently), the command line."""

from __future__ import annotations

import logging

import pytest

from consultplatform.auth import mfa
from consultplatform.models import AuditLog, StaffRecoveryCode, StaffUser
from consultplatform.testing import csrf_from, fresh_app, make_app
from tests.conftest import make_staff
from tests.mfa_support import (
    SECRET_RE,
    audit_text,
    enrol,
    enrolled_admin,
    fresh_step,
    logged_in,
    logout,
    mfa_app,
    password_step,
)


@pytest.fixture
def app(migrated, instance_dir):
    """The app as installed: a second factor required for administrators."""
    yield from mfa_app(migrated, instance_dir)


# --- an administrator resets another's second factor ----------------------------------------


def test_an_administrator_resets_anothers_second_factor(app):
    step = fresh_step()
    admin, admin_secret, _ = enrolled_admin(app, step - 1)
    colleague, colleague_secret, colleague_codes = enrolled_admin(app, step - 1)
    theirs = logged_in(app, colleague, colleague_secret, step)
    ours = logged_in(app, admin, admin_secret, step)
    listing = ours.get("/admin/staffuser/")
    html = listing.get_data(as_text=True)
    assert "reset_mfa" in html
    token = csrf_from(html)
    # Not one's own (another administrator does that).
    own = ours.post("/admin/staffuser/action/", data={"csrf_token": token, "action": "reset_mfa",
                                                      "rowid": str(admin.id)})
    assert own.status_code == 302 and StaffUser.get_by_id(admin.id).has_mfa
    response = ours.post("/admin/staffuser/action/", data={
        "csrf_token": token, "action": "reset_mfa", "rowid": str(colleague.id)})
    assert response.status_code == 302
    stored = StaffUser.get_by_id(colleague.id)
    assert not stored.has_mfa and stored.mfa_last_step is None
    assert StaffRecoveryCode.select().where(StaffRecoveryCode.staff == colleague.id).count() == 0
    entry = AuditLog.get(AuditLog.action == "mfa_reset")
    assert (entry.object_id, entry.actor_id, entry.details) == (str(colleague.id), admin.id,
                                                                {"by": "admin"})
    assert colleague_secret not in audit_text()
    # Their session ended; at the next login they set up the app again.
    assert theirs.get("/admin/").headers["Location"].startswith("/auth/login")
    again = app.test_client()
    assert password_step(again, colleague).headers["Location"] == "/auth/tweestaps"
    assert again.get("/admin/").headers["Location"] == "/auth/tweestaps"
    assert SECRET_RE.search(again.get("/auth/tweestaps").get_data(as_text=True))
    # No code page any more (their old recovery codes went with the reset).
    assert again.get("/auth/code").headers["Location"] == "/admin/"
    # Without CSRF: refused.
    assert ours.post("/admin/staffuser/action/", data={
        "action": "reset_mfa", "rowid": str(admin.id)}).status_code == 400
    del colleague_codes


def test_the_staff_list_says_who_has_a_second_factor(app):
    step = fresh_step()
    admin, secret, _ = enrolled_admin(app, step - 1)
    make_staff("viewer")
    client = logged_in(app, admin, secret, step)
    html = client.get("/admin/staffuser/").get_data(as_text=True)
    assert "Tweestapsverificatie" in html or "Two-step login" in html
    assert "cp-mfa-off" not in html  # required for administrators: no warning


# --- the setting --------------------------------------------------------------------------


def test_roles_not_required_log_in_with_a_password_and_may_set_it_up(app):
    viewer = make_staff("viewer")
    client = app.test_client()
    response = password_step(client, viewer)
    assert response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    secret, _codes = enrol(client, fresh_step())
    logout(client)
    again = app.test_client()
    assert password_step(again, viewer).headers["Location"] == "/auth/code"  # asked from now on
    del secret


def test_every_role_can_be_required(migrated, instance_dir):
    with fresh_app(migrated, instance_dir,
                   MFA_REQUIRED_ROLES="admin, moderator,viewer") as application:  # env form
        assert application.config["MFA_REQUIRED_ROLES"] == ("admin", "moderator", "viewer")
        moderator = make_staff("moderator")
        client = application.test_client()
        assert password_step(client, moderator).headers["Location"] == "/auth/tweestaps"
        assert client.get("/admin/session/").headers["Location"] == "/auth/tweestaps"


def test_switching_it_off_is_never_silent(migrated, instance_dir, caplog):
    with caplog.at_level(logging.WARNING), \
            fresh_app(migrated, instance_dir, MFA_REQUIRED_ROLES=[]) as application:
        assert "MFA_REQUIRED_ROLES is empty" in caplog.text
        admin = make_staff("admin")
        client = application.test_client()
        assert password_step(client, admin).headers["Location"] == "/admin/"
        for url in ("/admin/", "/admin/staffuser/"):
            assert "cp-mfa-off" in client.get(url).get_data(as_text=True), url
        assert "cp-mfa-off" not in client.get("/admin/theme/").get_data(as_text=True)
    with pytest.raises(mfa.MfaConfigError):
        make_app(migrated, instance_dir, MFA_REQUIRED_ROLES=["admin", "superuser"])


def test_the_command_line_resets_and_the_first_admin_is_told(app):
    step = fresh_step()
    user, _secret, _codes = enrolled_admin(app, step - 1)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "reset-mfa", "--email", user.email.upper()])
    assert result.exit_code == 0 and "reset" in result.output
    assert not StaffUser.get_by_id(user.id).has_mfa
    assert AuditLog.get(AuditLog.action == "mfa_reset").details == {"by": "command line"}
    again = runner.invoke(args=["users", "reset-mfa", "--email", user.email])
    assert "nothing to reset" in again.output
    StaffUser.delete().execute()
    first = runner.invoke(args=["users", "bootstrap-admin"])
    assert first.exit_code == 0 and "two-step login" in first.output


def test_deleting_an_account_deletes_its_recovery_codes(app):
    user, _secret, _codes = enrolled_admin(app, fresh_step() - 1)
    assert StaffRecoveryCode.select().count() == 10
    StaffUser.get_by_id(user.id).delete_instance()  # as the admin deletes: not recursive
    assert StaffRecoveryCode.select().count() == 0
