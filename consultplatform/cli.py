"""Command line: ``flask --app consultplatform <group> <command>``."""

from __future__ import annotations

import os
import secrets

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import force_locale

from consultplatform.cli_backup import backup_cli
from consultplatform.cli_privacy import privacy_cli
from consultplatform.cli_templates import consultations_cli
from consultplatform.plugins import registry
from consultplatform.serve import serve
from consultplatform.services.staff import StaffAccount, StaffError, create_staff, password_problem

db_cli = AppGroup("db", help="Database schema.")
users_cli = AppGroup("users", help="Staff accounts.")
demo_cli = AppGroup("demo", help="Demo data.")


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Create or upgrade the schema of the core and every installed plugin."""
    from consultplatform.migrate import upgrade

    applied = upgrade(registry())
    for label in applied:
        click.echo(f"applied {label}")
    click.echo("database is up to date" if not applied else f"{len(applied)} migration(s) applied")


def _create_staff(email: str, name: str, role: str, password: str) -> None:
    """Through the staff service: its password rule, its refusals as a CLI error."""
    with force_locale("en"):  # the command line speaks English
        try:
            create_staff(StaffAccount(email=email, name=name, role=role, password=password))
        except StaffError as refused:
            raise click.ClickException(str(refused)) from None


@users_cli.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", default="Beheerder")
@click.option("--password", default=None, help="Omit to be prompted.")
def create_admin(email: str, name: str, password: str | None) -> None:
    """Create an administrator account."""
    from consultplatform.models import StaffUser, normalise_email

    if StaffUser.select().where(StaffUser.email == normalise_email(email)).exists():
        raise click.ClickException("an account with this e-mail address exists already")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    _create_staff(email, name, "admin", password)
    click.echo(f"administrator {normalise_email(email)} created")


@users_cli.command("bootstrap-admin")
def bootstrap_admin() -> None:
    """Create the first administrator when there is none.

    Uses ADMIN_EMAIL and ADMIN_PASSWORD when set; otherwise generates a
    password and prints it once.
    """
    from consultplatform.models import StaffUser

    if StaffUser.select().where(StaffUser.role == "admin").exists():
        click.echo("an administrator exists already; no account created")
        return
    email = os.environ.get("ADMIN_EMAIL") or "admin@example.org"
    password = os.environ.get("ADMIN_PASSWORD") or secrets.token_urlsafe(15)
    with force_locale("en"):
        problem = password_problem(password)
    if problem:
        raise click.ClickException(f"ADMIN_PASSWORD: {problem}")
    _create_staff(email, "Beheerder", "admin", password)
    click.echo("=" * 60)
    click.echo("First administrator created. Log in at /admin with:")
    click.echo(f"  e-mail:   {email}")
    if os.environ.get("ADMIN_PASSWORD"):
        click.echo("  password: (the ADMIN_PASSWORD you set)")
    else:
        click.echo(f"  password: {password}")
        click.echo("This password is shown only now.")
    from flask import current_app

    if "admin" in current_app.config["MFA_REQUIRED_ROLES"]:
        click.echo("At the first login you set up two-step login with an authenticator")
        click.echo("app on your phone (MFA_REQUIRED_ROLES; see the README).")
    else:
        click.echo("Two-step login is NOT required for administrators (MFA_REQUIRED_ROLES).")
    click.echo("=" * 60)


@users_cli.command("reset-mfa")
@click.option("--email", required=True)
def reset_mfa(email: str) -> None:
    """Remove a staff member's second factor (a lost phone and no recovery code left,
    or a new SECRET_KEY); they set it up again at their next login."""
    from consultplatform.auth.mfa import reset
    from consultplatform.models import StaffUser, normalise_email

    user = StaffUser.get_or_none(StaffUser.email == normalise_email(email))
    if user is None:
        raise click.ClickException("no account with this e-mail address")
    if not reset(user.id, by="command line"):
        click.echo(f"{user.email} has no two-step login; nothing to reset")
        return
    click.echo(f"two-step login of {user.email} reset; it is set up again at the next login")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when a consultation exists.")
def demo_load(if_empty: bool) -> None:
    """Load the fictional demo consultation (core and plugins)."""
    from consultplatform.demo import demo_exists, load_demo
    from consultplatform.demo_people import DEMO_CREDENTIALS

    if demo_exists():
        if if_empty:
            click.echo("database has consultations; demo data not loaded")
            return
        raise click.ClickException("the database has consultations already")
    report = load_demo(registry())
    for key, value in sorted(report.items()):
        click.echo(f"  {key}: {value}")
    for email, password in DEMO_CREDENTIALS.items():
        click.echo(f"demo moderator account: {email} / {password}")


def register(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(seats_cli)
    app.cli.add_command(serve)
    app.cli.add_command(consultations_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(backup_cli)


mail_cli = AppGroup("mail", help="Outgoing mail.")


@mail_cli.command("deliver")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000),
              help="At most this many mails.")
def mail_deliver(limit: int) -> None:
    """Send the mails that are due, once (the background worker does this every minute)."""
    from consultplatform.mail.delivery import deliver_due

    counts = deliver_due(limit=limit)
    click.echo(f"sent {counts['sent']}, retried {counts['retried']}, failed {counts['failed']}")


seats_cli = AppGroup("seats", help="Seat counters.")


@seats_cli.command("recount")
@click.option("--check", is_flag=True, help="Only report counters that differ; exit 1 if any.")
def seats_recount(check: bool) -> None:
    """Compare the seat counters with the registrations and rebuild those that differ."""
    from consultplatform.services.seat_repair import check_counters, repair_counters

    wrong = check_counters() if check else repair_counters()
    for item in wrong:
        click.echo(f"session {item.session_id}, sector {item.sector_key or '-'}, {item.side}: "
                   f"counted {item.counted}, kept {item.kept}")
    if not wrong:
        click.echo("all seat counters are right")
    elif check:
        raise SystemExit(1)
    else:
        click.echo(f"{len({item.session_id for item in wrong})} session(s) repaired")
