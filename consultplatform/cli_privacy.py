"""``flask privacy``: retention on demand (with a dry run) and the processing register."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from consultplatform.privacy.register import register_markdown
from consultplatform.privacy.retention import apply_retention

privacy_cli = click.Group("privacy", help="Personal data: retention, processing register.")


@privacy_cli.command("retention")
@click.option("--dry-run", is_flag=True, help="List what would go; change nothing.")
@with_appcontext
def retention(dry_run: bool) -> None:
    """Erase what is past its retention date (as the nightly task does)."""
    report = apply_retention(dry_run=dry_run)
    verb = "would erase" if dry_run else "erased"
    for slug, ids in report.participants.items():
        click.echo(f"{slug}: {verb} {len(ids)} participants (#{', #'.join(map(str, ids))})")
    if not report.participants:
        click.echo("no consultation is past its retention date with people left")
    click.echo(f"mail texts {'to remove' if dry_run else 'removed'}: {report.mail_bodies}")
    click.echo(f"audit IP addresses {'to shorten' if dry_run else 'shortened'}: "
               f"{report.audit_addresses}")
    if report.failed:
        click.echo(f"FAILED for participants #{', #'.join(map(str, report.failed))} "
                   "(see the log); run again after fixing the cause", err=True)
    if report.failed:
        raise SystemExit(1)


@privacy_cli.command("register")
@with_appcontext
def register() -> None:
    """Print the generated part of the processing register (docs/privacy.md)."""
    click.echo(register_markdown())
