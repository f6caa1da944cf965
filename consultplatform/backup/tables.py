"""Every table's row count and a checksum of its rows, read through a plain DB-API
connection (``sqlite3`` or ``psycopg``), so the same code describes the live
database, a backup file and a restored copy.

A table's checksum is SHA-256 over its rows in primary-key order (all columns when
it has no primary key), each row its columns in table order, normalised: booleans
as 0/1, date-times as ``YYYY-MM-DD HH:MM:SS[.ffffff]`` (how peewee stores them in
SQLite), numbers, text, bytes as hex, JSON with sorted keys. Compare like with like:
a PostgreSQL backup with its restore, an SQLite backup with its.

SQLite's full-text tables (``participant_search`` and its shadow tables) are left
out: they index the participant table, and ``fts_integrity`` checks that they agree
with it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
BATCH = 2000


@dataclass(frozen=True)
class TableState:
    rows: int
    checksum: str

    def as_json(self) -> dict[str, Any]:
        return {"rows": self.rows, "checksum": self.checksum}


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _normalised(value: Any) -> Any:
    if value is None or (isinstance(value, (int, str)) and not isinstance(value, bool)):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time, decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "x:" + bytes(value).hex()
    return json.dumps(value, sort_keys=True, default=str)


def _row_bytes(row: tuple[Any, ...]) -> bytes:
    return json.dumps([_normalised(v) for v in row], ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8") + b"\n"


# -- SQLite ----------------------------------------------------------------------------

def sqlite_tables(conn: Any) -> list[str]:
    """Ordinary tables, without SQLite's own and without virtual tables and their
    shadow tables."""
    found = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                         "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").fetchall()
    virtual = [name for name, sql in found if (sql or "").upper().startswith("CREATE VIRTUAL")]
    return [name for name, _sql in found if name not in virtual
            and not any(name.startswith(v + "_") for v in virtual)]


def sqlite_fts_tables(conn: Any) -> list[str]:
    return [name for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
        if "USING FTS5" in (sql or "").upper()]


def fts_integrity(conn: Any) -> list[str]:
    """The full-text tables whose index disagrees with their content (SQLite)."""
    broken = []
    for name in sqlite_fts_tables(conn):
        try:
            conn.execute(f"INSERT INTO {quote(name)}({quote(name)}) VALUES ('integrity-check')")  # noqa: S608
        except Exception:  # sqlite3.DatabaseError: "database disk image is malformed"
            broken.append(name)
    return broken


def _sqlite_order(conn: Any, table: str) -> tuple[list[str], list[str]]:
    info = conn.execute(f"PRAGMA table_info({quote(table)})").fetchall()
    columns = [row[1] for row in info]
    keys = [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5]]
    return columns, keys or columns


def _sqlite_state(conn: Any, table: str) -> TableState:
    columns, order = _sqlite_order(conn, table)
    cursor = conn.execute(
        f"SELECT {', '.join(map(quote, columns))} FROM {quote(table)} "  # noqa: S608
        f"ORDER BY {', '.join(map(quote, order))}")
    return _digest(cursor)


# -- PostgreSQL ------------------------------------------------------------------------

def postgres_tables(conn: Any) -> list[str]:
    """Base tables outside PostgreSQL's own schemas; ``schema.table`` unless public."""
    rows = conn.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', "
        "'information_schema') AND table_schema NOT LIKE 'pg\\_%' ORDER BY 1, 2").fetchall()
    return [name if schema == "public" else f"{schema}.{name}" for schema, name in rows]


def _postgres_name(table: str) -> str:
    schema, _, name = table.rpartition(".")
    return f"{quote(schema)}.{quote(name)}" if schema else quote(name)


def _postgres_order(conn: Any, table: str) -> tuple[list[str], list[str]]:
    """Columns, and the ORDER BY terms: the primary key (else every column), text in
    byte order (``COLLATE "C"``) so that a copy with another locale sorts the same."""
    target = _postgres_name(table)
    found = conn.execute(
        "SELECT attname, attcollation <> 0 FROM pg_attribute WHERE attrelid = %s::regclass "
        "AND attnum > 0 AND NOT attisdropped ORDER BY attnum", (target,)).fetchall()
    keys = [r[0] for r in conn.execute(
        "SELECT a.attname FROM pg_index i JOIN LATERAL unnest(i.indkey) WITH ORDINALITY "
        "AS k(attnum, position) ON true JOIN pg_attribute a ON a.attrelid = i.indrelid "
        "AND a.attnum = k.attnum WHERE i.indrelid = %s::regclass AND i.indisprimary "
        "ORDER BY k.position", (target,)).fetchall()]
    collatable = {name for name, has_collation in found if has_collation}
    order = [quote(c) + (' COLLATE "C"' if c in collatable else "")
             for c in keys or [name for name, _ in found]]
    return [name for name, _ in found], order


def _postgres_state(conn: Any, table: str) -> TableState:
    columns, order = _postgres_order(conn, table)
    # A server-side cursor: a large table streams in batches instead of filling memory.
    with conn.cursor(name="cp_backup_rows") as cursor:
        cursor.itersize = BATCH
        cursor.execute(
            f"SELECT {', '.join(map(quote, columns))} FROM {_postgres_name(table)} "  # noqa: S608
            f"ORDER BY {', '.join(order)}")
        return _digest(cursor)


# -- both ------------------------------------------------------------------------------

def _digest(cursor: Any) -> TableState:
    digest, count = hashlib.sha256(), 0
    for row in cursor:
        digest.update(_row_bytes(row))
        count += 1
    return TableState(count, digest.hexdigest())


def table_names(conn: Any, kind: str) -> list[str]:
    return sqlite_tables(conn) if kind == SQLITE else postgres_tables(conn)


def table_states(conn: Any, kind: str) -> dict[str, TableState]:
    """{table: its row count and checksum} of every table, read in the connection's
    current transaction (on PostgreSQL open one snapshot around the call)."""
    state = _sqlite_state if kind == SQLITE else _postgres_state
    return {table: state(conn, table) for table in table_names(conn, kind)}


def applied_migrations(conn: Any, kind: str) -> list[str]:
    """``namespace:name`` of every recorded schema migration (empty without the table)."""
    if "schema_migration" not in table_names(conn, kind):
        return []
    rows = conn.execute("SELECT namespace, name FROM schema_migration "
                        "ORDER BY namespace, name").fetchall()
    return [f"{namespace}:{name}" for namespace, name in rows]


@dataclass(frozen=True)
class Difference:
    table: str
    expected: TableState | None
    found: TableState | None

    @property
    def what(self) -> str:
        if self.expected is None:
            return "not in the backup"
        if self.found is None:
            return "missing"
        if self.expected.rows != self.found.rows:
            return "row count differs"
        return "rows differ" if self.expected.checksum != self.found.checksum else "same"


def compare(expected: dict[str, TableState],
            found: dict[str, TableState]) -> list[Difference]:
    """One line per table of either side, in name order."""
    return [Difference(name, expected.get(name), found.get(name))
            for name in sorted(set(expected) | set(found))]
