"""The command line: first admin, create-admin, demo data."""

from consultplatform.models import Consultation, StaffUser


def test_bootstrap_admin_generates_and_prints_a_password_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "bootstrap-admin"], env={"ADMIN_EMAIL": "",
                                                                    "ADMIN_PASSWORD": ""})
    assert result.exit_code == 0, result.output
    password = next(line.split(":", 1)[1].strip() for line in result.output.splitlines()
                    if "password:" in line)
    admin = StaffUser.get(StaffUser.role == "admin")
    assert admin.email == "admin@example.org" and admin.check_password(password)
    again = runner.invoke(args=["users", "bootstrap-admin"])
    assert "exists already" in again.output and password not in again.output
    assert StaffUser.select().count() == 1


def test_bootstrap_admin_from_environment(app):
    result = app.test_cli_runner().invoke(
        args=["users", "bootstrap-admin"],
        env={"ADMIN_EMAIL": "Beheer@Gemeente.example", "ADMIN_PASSWORD": "een lang wachtwoord"})
    assert result.exit_code == 0
    assert "een lang wachtwoord" not in result.output
    assert StaffUser.get().email == "beheer@gemeente.example"


def test_bootstrap_admin_refuses_a_short_password(app):
    result = app.test_cli_runner().invoke(args=["users", "bootstrap-admin"],
                                          env={"ADMIN_PASSWORD": "kort"})
    assert result.exit_code != 0 and "12 characters" in result.output
    assert StaffUser.select().count() == 0


def test_create_admin(app):
    runner = app.test_cli_runner()
    args = ["users", "create-admin", "--email", "a@example.org", "--password", "twaalf tekens!"]
    assert runner.invoke(args=args).exit_code == 0
    duplicate = runner.invoke(args=args)
    assert duplicate.exit_code != 0 and "exists already" in duplicate.output


def test_demo_load_if_empty(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "core.participants: 42" in result.output
    assert "moderator@example.org" in result.output
    assert Consultation.select().count() == 1
    assert "not loaded" in runner.invoke(args=["demo", "load", "--if-empty"]).output
    assert runner.invoke(args=["demo", "load"]).exit_code != 0
    assert Consultation.select().count() == 1


def test_db_upgrade_is_idempotent(app):
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0 and "up to date" in result.output
