"""Command line for backups: ``flask backup create|restore|verify|list``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import AppGroup

from consultplatform.backup.errors import BackupError

if TYPE_CHECKING:
    from consultplatform.backup.service import BackupSettings, Database, Outcome

backup_cli = AppGroup("backup", help="Backups of the database, proven by restoring.")


def _settings_and_database() -> tuple[BackupSettings, Database]:
    from consultplatform.backup.service import BackupSettings, Database

    config, folder = current_app.config, current_app.instance_path
    return BackupSettings.from_config(config, folder), Database.from_config(config, folder)


@contextlib.contextmanager
def _refusals() -> Iterator[None]:
    """A BackupError as the command's error message (exit 1)."""
    try:
        yield
    except BackupError as failed:
        raise click.ClickException(str(failed)) from None


def _report(outcome: Outcome) -> None:
    """The comparison as a table; exit 1 when anything differs."""
    click.echo(f"{'table':<34} {'rows in backup':>14} {'restored':>9}  result")
    for line in outcome.differences:
        expected = "-" if line.expected is None else str(line.expected.rows)
        found = "-" if line.found is None else str(line.found.rows)
        click.echo(f"{line.table:<34} {expected:>14} {found:>9}  {line.what}")
    for problem in outcome.problems:
        click.echo(f"problem: {problem}")
    if outcome.ok:
        click.echo(f"every table's row count and row checksum match ({outcome.target})")
        return
    bad = sum(1 for d in outcome.differences if d.what != "same") + len(outcome.problems)
    click.echo(f"{bad} difference(s): the backup is not reproduced", err=True)
    raise SystemExit(1)


@backup_cli.command("create")
@click.option("--keep", type=click.IntRange(1, 10_000), default=None,
              help="Afterwards delete all but the newest N backups in the folder.")
def create(keep: int | None) -> None:
    """Back up the database (also while the site runs) into BACKUP_DIR."""
    from consultplatform.backup.service import create_backup, prune

    with _refusals():
        settings, database = _settings_and_database()
        made = create_backup(database, settings)
    rows = sum(t["rows"] for t in made.manifest["tables"].values())
    click.echo(f"backup written: {made.path}")
    click.echo(f"  {made.manifest['bytes']} bytes, sha256 {made.manifest['sha256']}")
    click.echo(f"  {len(made.manifest['tables'])} tables, {rows} rows")
    if keep is not None:
        for gone in prune(settings.folder, keep):
            click.echo(f"deleted old backup {gone.name}")


@backup_cli.command("restore")
@click.argument("file")
def restore(file: str) -> None:
    """Restore backup FILE into the configured database, which must be empty; then
    compare every table with the backup's manifest."""
    from consultplatform.backup.service import find, restore_backup

    with _refusals():
        settings, database = _settings_and_database()
        outcome = restore_backup(find(file, settings), database, settings)
    click.echo(f"restored {outcome.backup.path.name} into {outcome.target}")
    _report(outcome)


@backup_cli.command("verify")
@click.argument("file")
def verify(file: str) -> None:
    """Restore backup FILE into a scratch database and compare every table's row count
    and row checksum with its manifest (exit 1 on a difference)."""
    from consultplatform.backup.service import find, verify_backup

    with _refusals():
        settings, database = _settings_and_database()
        outcome = verify_backup(find(file, settings), database, settings)
    click.echo(f"{outcome.backup.path.name} restored into a scratch database")
    _report(outcome)


@backup_cli.command("list")
def list_() -> None:
    """The backups in BACKUP_DIR, newest first."""
    from consultplatform.backup.service import list_backups

    with _refusals():
        settings, _database = _settings_and_database()
    found = list_backups(settings.folder)
    for backup in found:
        rows = sum(t["rows"] for t in backup.manifest["tables"].values())
        click.echo(f"{backup.path.name}  {backup.created_at}  {backup.manifest['bytes']} bytes"
                   f"  {rows} rows")
    if not found:
        click.echo(f"no backups in {settings.folder}")
