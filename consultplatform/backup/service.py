"""Backups of the configured database, what the CLI and the nightly task call.

``create_backup`` writes ``consultplatform-<UTC time>-<kind>.<sqlite3|dump>`` into
the backup folder with a manifest beside it (``<file>.json``): the file's SHA-256
and size, the kind of database, the migrations applied, and every table's row
count and row checksum, read in the same snapshot as the copy. Both files are
readable by their owner only (0600), and appear under their final names only when
complete.

``restore_backup`` checks the checksum, refuses a database that has tables, restores
and then compares every table with the manifest. ``verify_backup`` does the same
into a scratch database (an SQLite file in a temporary folder; a PostgreSQL
database ``<name>_verify_<random>`` on the same server) that it removes again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peewee import SqliteDatabase

from consultplatform.backup import postgres, sqlite
from consultplatform.backup.errors import BackupError
from consultplatform.backup.tables import POSTGRESQL, SQLITE, Difference, TableState, compare
from consultplatform.db import make_database

MANIFEST_FORMAT = "consultplatform-backup"
MANIFEST_VERSION = 1
EXTENSIONS = {SQLITE: ".sqlite3", POSTGRESQL: ".dump"}
NAME_RE = re.compile(r"consultplatform-\d{8}T\d{6}Z(?:-\d+)?-(sqlite|postgresql)\.(sqlite3|dump)")
CHUNK = 1 << 20


@dataclass(frozen=True)
class BackupSettings:
    folder: Path
    keep: int = 14
    pg_bin_dir: str = ""

    @classmethod
    def from_config(cls, config: Any, instance_path: str) -> BackupSettings:
        folder = Path(config.get("BACKUP_DIR") or "backups")
        if not folder.is_absolute():
            folder = Path(instance_path) / folder
        return cls(folder, max(1, int(config.get("BACKUP_KEEP", 14))),
                   str(config.get("BACKUP_PG_BIN_DIR") or ""))


@dataclass(frozen=True)
class Database:
    """The configured database: an SQLite file or a PostgreSQL database."""

    kind: str
    path: Path | None = None
    pg: postgres.PgTarget | None = None

    @classmethod
    def from_config(cls, config: Any, instance_path: str) -> Database:
        database = make_database(config["DATABASE_URL"], instance_path)
        if isinstance(database, SqliteDatabase):
            if database.database == ":memory:":
                raise BackupError("an in-memory database cannot be backed up")
            return cls(SQLITE, path=Path(database.database))
        return cls(POSTGRESQL, pg=postgres.PgTarget.from_peewee(database))

    @property
    def label(self) -> str:
        return str(self.path) if self.pg is None else f"PostgreSQL database {self.pg.label}"

    def table_list(self) -> list[str]:
        if self.path is not None:
            return sqlite.table_list(self.path)
        assert self.pg is not None
        return postgres.table_list(self.pg)

    def states(self) -> tuple[dict[str, TableState], list[str]]:
        if self.path is not None:
            return sqlite.states(self.path)
        assert self.pg is not None
        return postgres.states(self.pg)


@dataclass(frozen=True)
class Backup:
    path: Path
    manifest: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.manifest["kind"])

    @property
    def created_at(self) -> str:
        return str(self.manifest["created_at"])

    @property
    def tables(self) -> dict[str, TableState]:
        return {name: TableState(int(t["rows"]), str(t["checksum"]))
                for name, t in self.manifest["tables"].items()}


@dataclass
class Outcome:
    """What a restore or a verification found: every table compared, other problems."""

    backup: Backup
    target: str
    differences: list[Difference]
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(d.what == "same" for d in self.differences)


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _new_file(path: Path) -> int:
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (mode 0600) under a temporary name, then rename."""
    partial = path.with_name(path.name + ".partial")
    with os.fdopen(_new_file(partial), "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)


def _reserve_name(folder: Path, kind: str, now: dt.datetime) -> Path:
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    for attempt in range(1, 1000):
        suffix = "" if attempt == 1 else f"-{attempt}"
        path = folder / f"consultplatform-{stamp}{suffix}-{kind}{EXTENSIONS[kind]}"
        partial = path.with_name(path.name + ".partial")
        if path.exists() or manifest_path(path).exists():
            continue
        try:
            os.close(_new_file(partial))
        except FileExistsError:
            continue
        return path
    raise BackupError(f"no free backup name in {folder}")


def create_backup(database: Database, settings: BackupSettings) -> Backup:
    """Back up the configured database while it runs; return the new backup."""
    settings.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    path = _reserve_name(settings.folder, database.kind, now)
    partial = path.with_name(path.name + ".partial")
    try:
        if database.path is not None:
            if not database.path.exists():
                raise BackupError(f"there is no database at {database.path}")
            sqlite.copy(database.path, partial, journal_mode="delete", from_backup=False)
            found = sqlite.problems(partial)
            if found:
                raise BackupError("the copy fails SQLite's checks: " + "; ".join(found))
            tables, migrations = sqlite.states(partial)
            extra: dict[str, Any] = {"server_version": sqlite3.sqlite_version,
                                     "tool": "sqlite3 backup API"}
        else:
            assert database.pg is not None
            with partial.open("r+b") as handle:
                made = postgres.dump(database.pg, handle, settings.pg_bin_dir)
                handle.flush()
                os.fsync(handle.fileno())
            tables, migrations = made.tables, made.migrations
            extra = {"server_version": made.server_version, "tool": made.tool,
                     "tool_major": made.tool_major}
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    manifest = {
        "format": MANIFEST_FORMAT, "version": MANIFEST_VERSION, "file": path.name,
        "bytes": path.stat().st_size, "sha256": sha256_of(path), "kind": database.kind,
        "created_at": now.isoformat(timespec="microseconds"), **extra,
        "migrations": migrations,
        "tables": {name: state.as_json() for name, state in sorted(tables.items())},
    }
    _write_private(manifest_path(path), json.dumps(manifest, indent=1) + "\n")
    return Backup(path, manifest)


def find(name: str, settings: BackupSettings) -> Path:
    """A backup by its path, or by its name in the backup folder."""
    path = Path(name)
    if not path.exists() and not path.is_absolute() and (settings.folder / name).exists():
        path = settings.folder / name
    if not path.is_file():
        raise BackupError(f"no backup file {name} (nor in {settings.folder})")
    return path


def read_backup(path: Path) -> Backup:
    """The backup at ``path`` with its manifest, after checking the file's checksum."""
    beside = manifest_path(path)
    try:
        manifest = json.loads(beside.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"no manifest {beside.name} beside the backup: without its "
                          "checksum the file cannot be trusted") from None
    except ValueError:
        raise BackupError(f"the manifest {beside} is not valid JSON") from None
    if manifest.get("format") != MANIFEST_FORMAT or manifest.get("version") != MANIFEST_VERSION:
        raise BackupError(f"{beside} is not a manifest this release reads")
    if sha256_of(path) != manifest.get("sha256"):
        raise BackupError(f"the checksum of {path.name} differs from its manifest: the file "
                          "is damaged or was changed; do not restore it")
    return Backup(path, manifest)


def _restore_into(backup: Backup, target: Database, settings: BackupSettings) -> list[str]:
    """Restore into an empty ``target``; return the problems a check finds after."""
    if backup.kind != target.kind:
        raise BackupError(f"{backup.path.name} is a {backup.kind} backup; the database is "
                          f"{target.kind}: restore it into a database of its own kind")
    present = target.table_list()
    if present:
        hint = (f"move {target.path} aside" if target.path else
                "drop and create the database again (dropdb/createdb)")
        raise BackupError(
            f"{target.label} is not empty: it has {len(present)} table(s) "
            f"({', '.join(present[:5])}{', ...' if len(present) > 5 else ''}). A backup is "
            f"restored only into an empty database: {hint}, then restore again "
            "(without `flask db upgrade` before it)")
    if target.path is not None:
        sqlite.copy(backup.path, target.path, journal_mode="wal", from_backup=True)
        return sqlite.problems(target.path)
    assert target.pg is not None
    made_by = int(backup.manifest.get("tool_major") or 0)
    postgres.restore(target.pg, backup.path, made_by, settings.pg_bin_dir)
    return []


def _outcome(backup: Backup, target: Database, problems: list[str]) -> Outcome:
    tables, migrations = target.states()
    if migrations != backup.manifest.get("migrations", []):
        problems = [*problems, "the applied migrations differ from the manifest's"]
    return Outcome(backup, target.label, compare(backup.tables, tables), problems)


def restore_backup(path: Path, target: Database, settings: BackupSettings) -> Outcome:
    """Restore ``path`` into the empty configured database, then compare every table."""
    backup = read_backup(path)
    return _outcome(backup, target, _restore_into(backup, target, settings))


@contextlib.contextmanager
def scratch(database: Database) -> Iterator[Database]:
    if database.pg is not None:
        with postgres.scratch_database(database.pg) as other:
            yield Database(POSTGRESQL, pg=other)
        return
    with tempfile.TemporaryDirectory(prefix="cp-verify-") as folder:
        yield Database(SQLITE, path=Path(folder) / "verify.sqlite3")


def verify_backup(path: Path, database: Database, settings: BackupSettings) -> Outcome:
    """Restore ``path`` into a scratch database beside the configured one and compare
    every table's row count and checksum with the manifest; the scratch copy goes."""
    backup = read_backup(path)
    with scratch(database) as target:
        outcome = _outcome(backup, target, _restore_into(backup, target, settings))
    outcome.target = f"a scratch database, removed again ({target.label})"
    return outcome


def list_backups(folder: Path) -> list[Backup]:
    """The backups in ``folder`` that have a manifest, newest first (unreadable
    manifests are left out: ``verify`` says what is wrong with one)."""
    found = []
    for path in folder.glob("consultplatform-*") if folder.is_dir() else []:
        if not NAME_RE.fullmatch(path.name):
            continue
        with contextlib.suppress(OSError, ValueError):
            manifest = json.loads(manifest_path(path).read_text(encoding="utf-8"))
            if manifest.get("format") == MANIFEST_FORMAT:
                found.append(Backup(path, manifest))
    return sorted(found, key=lambda b: (b.created_at, b.path.name), reverse=True)


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups (at least one stays); return them."""
    gone = []
    for backup in list_backups(folder)[max(1, keep):]:
        backup.path.unlink(missing_ok=True)
        manifest_path(backup.path).unlink(missing_ok=True)
        gone.append(backup.path)
    return gone


def nightly(config: Any, instance_path: str) -> dict[str, Any] | None:
    """The nightly task's work: nothing unless ``BACKUP_NIGHTLY``; otherwise a backup,
    its verification when ``BACKUP_VERIFY`` (a failed one raises), then all but the
    newest ``BACKUP_KEEP`` backups deleted."""
    if not config.get("BACKUP_NIGHTLY"):
        return None
    settings = BackupSettings.from_config(config, instance_path)
    database = Database.from_config(config, instance_path)
    made = create_backup(database, settings)
    if config.get("BACKUP_VERIFY", True):
        outcome = verify_backup(made.path, database, settings)
        if not outcome.ok:
            raise BackupError(f"the new backup {made.path.name} does not verify: " + "; ".join(
                [d.table + ": " + d.what for d in outcome.differences if d.what != "same"]
                + outcome.problems))
    gone = prune(settings.folder, settings.keep)
    return {"file": made.path.name, "deleted": [p.name for p in gone]}
