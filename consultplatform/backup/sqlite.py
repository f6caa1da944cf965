"""SQLite: copies through the online backup API (``sqlite3.Connection.backup``).

The copy is taken in one step inside a read transaction, so it is consistent while
the site keeps writing (WAL: readers and the writer do not wait for each other),
and it is the file's own pages, indexes and full-text tables included. A backup
file is a self-contained database in rollback-journal mode; a restored database is
put back in WAL mode, as the app uses it.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from consultplatform.backup.errors import BackupError
from consultplatform.backup.tables import SQLITE, TableState, applied_migrations, fts_integrity, table_states

BUSY_MILLISECONDS = 10_000


@contextlib.contextmanager
def opened(path: Path, mode: str = "rw") -> Iterator[sqlite3.Connection]:
    """A connection to ``path`` (``ro``, ``rw``, or ``rwc`` to create it), closed after."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True,
                               timeout=BUSY_MILLISECONDS / 1000)
    except sqlite3.OperationalError as failed:
        raise BackupError(f"cannot open the SQLite database {path}: {failed}") from None
    try:
        yield conn
    finally:
        conn.close()


def copy(source: Path, destination: Path, *, journal_mode: str, from_backup: bool) -> None:
    """Copy database ``source`` into ``destination`` (made or empty) in one step. A
    backup file is opened read-only; the live database read-write, which WAL needs
    for its shared-memory file (nothing is written to it)."""
    with opened(source, "ro" if from_backup else "rw") as src, \
            opened(destination, "rwc") as dst:
        try:
            src.backup(dst)
        except sqlite3.Error as failed:
            raise BackupError(f"copying {source} to {destination} failed: {failed}") from None
        dst.execute(f"PRAGMA journal_mode = {journal_mode}")


def problems(path: Path) -> list[str]:
    """What SQLite's integrity check and the full-text tables' own check find wrong."""
    with opened(path, "rw") as conn:
        found = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
        said = [] if found == ["ok"] else [f"integrity check: {line}" for line in found[:10]]
        said += [f"full-text index {name} disagrees with its table"
                 for name in fts_integrity(conn)]
        conn.rollback()
    return said


def states(path: Path) -> tuple[dict[str, TableState], list[str]]:
    """Every table's state and the applied migrations, in one read transaction."""
    with opened(path, "rw") as conn:
        conn.execute("BEGIN")
        found = table_states(conn, SQLITE), applied_migrations(conn, SQLITE)
        conn.rollback()
    return found


def table_list(path: Path) -> list[str]:
    """The database's own objects (tables, views, triggers, indexes); none for a new file."""
    if not path.exists():
        return []
    with opened(path, "rw") as conn:
        rows: list[Any] = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").fetchall()
    return [row[0] for row in rows]
