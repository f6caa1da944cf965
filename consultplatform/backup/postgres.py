"""PostgreSQL: ``pg_dump --format=custom`` in the snapshot the manifest is read in,
``pg_restore`` into an empty database, scratch databases for verifying.

The password never reaches a command line or a log: the tools get a connection
string without it (``--dbname``) and the password in ``PGPASSWORD``. Without one in
the URL the tools look in ``~/.pgpass`` or a service file, as libpq does.

The tools must be able to read the server: ``pg_dump`` older than the server
refuses to dump it, so we look for the server's own major version first
(``BACKUP_PG_BIN_DIR``, else ``/usr/lib/postgresql/<major>/bin`` as Debian and
Ubuntu install it, else ``PATH``) and stop with a clear message when the one found
is older. A newer ``pg_dump`` is fine (it dumps older servers); ``pg_restore`` must
be at least the version of the ``pg_dump`` that made the file.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from consultplatform.backup.errors import BackupError
from consultplatform.backup.tables import (
    POSTGRESQL,
    TableState,
    applied_migrations,
    postgres_tables,
    table_states,
)

DEBIAN_BIN = "/usr/lib/postgresql/{major}/bin"
VERSION_RE = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")


@dataclass(frozen=True)
class PgTarget:
    """A database on a server: its name and libpq's keywords (the password among them)."""

    dbname: str
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_peewee(cls, database: Any) -> PgTarget:
        params = {k: v for k, v in database.connect_params.items() if v is not None}
        return cls(database.database, params)

    def other(self, dbname: str) -> PgTarget:
        return replace(self, dbname=dbname)

    @property
    def label(self) -> str:
        host = self.params.get("host", "")
        return f"{self.dbname} on {host}:{self.params.get('port', 5432)}"

    def conninfo(self) -> str:
        """The connection string for the tools: everything but the password."""
        public = {k: v for k, v in self.params.items() if k != "password"}
        return make_conninfo("", dbname=self.dbname, **public)

    def tool_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.params.get("password"):
            env["PGPASSWORD"] = str(self.params["password"])
        return env

    def connect(self, *, autocommit: bool = False) -> psycopg.Connection[Any]:
        try:
            return psycopg.connect(dbname=self.dbname, autocommit=autocommit, **self.params)
        except psycopg.OperationalError as failed:  # libpq's words hold no password
            raise BackupError(f"cannot connect to {self.label}: {failed}") from None


def command(tool: str, target: PgTarget, *arguments: str) -> list[str]:
    """A tool's argument list: never the password (that goes in ``tool_env``)."""
    return [tool, "--no-password", f"--dbname={target.conninfo()}", *arguments]


def tool_version(path: str) -> tuple[int, str]:
    """(major version, the tool's own words) of a PostgreSQL client program."""
    words = subprocess.run([path, "--version"], capture_output=True, text=True,  # noqa: S603
                           check=True, timeout=30).stdout.strip()
    found = VERSION_RE.search(words)
    if not found:
        raise BackupError(f"cannot tell the version of {path}: {words!r}")
    return int(found.group(1)), words


def find_tool(name: str, server_major: int, bin_dir: str = "") -> str:
    """The path of ``pg_dump`` or ``pg_restore`` for a server of ``server_major``."""
    if bin_dir:
        candidates = [os.path.join(bin_dir, name)]
    else:
        candidates = [os.path.join(DEBIAN_BIN.format(major=server_major), name)]
        on_path = shutil.which(name)
        if on_path:
            candidates.append(on_path)
    for candidate in candidates:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    raise BackupError(
        f"{name} not found ({', '.join(candidates) or 'not on PATH'}): install the PostgreSQL "
        f"client programs of version {server_major} (Debian/Ubuntu: apt-get install "
        f"postgresql-client-{server_major}) or set BACKUP_PG_BIN_DIR to their folder")


def checked_tool(name: str, at_least: int, server_major: int, bin_dir: str = "",
                 why: str = "") -> tuple[str, int, str]:
    """Path, major version and version words of a tool whose major version is
    ``at_least`` or newer."""
    path = find_tool(name, server_major, bin_dir)
    major, words = tool_version(path)
    if major < at_least:
        raise BackupError(
            f"{path} is {words}, older than {why or f'the server (PostgreSQL {at_least})'}: "
            f"it cannot do this. Install postgresql-client-{at_least} or newer, or set "
            "BACKUP_PG_BIN_DIR to the bin folder of such a version")
    return path, major, words


def server_major(conn: psycopg.Connection[Any]) -> int:
    return conn.info.server_version // 10000


@dataclass(frozen=True)
class DumpResult:
    tables: dict[str, TableState]
    migrations: list[str]
    server_version: str
    tool: str
    tool_major: int


def dump(target: PgTarget, destination: IO[bytes], bin_dir: str = "") -> DumpResult:
    """Write a custom-format dump into ``destination`` and read every table's state in
    the very snapshot the dump is made of (``pg_export_snapshot``), so the manifest
    describes exactly what is in the file while the site keeps running."""
    with target.connect() as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        major = server_major(conn)
        pg_dump, dump_major, words = checked_tool("pg_dump", major, major, bin_dir)
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]  # type: ignore[index]
        with tempfile.TemporaryFile() as errors:
            process = subprocess.Popen(  # noqa: S603 - our own argument list
                command(pg_dump, target, "--format=custom", f"--snapshot={snapshot}"),
                stdout=destination, stderr=errors, env=target.tool_env())
            try:
                tables = table_states(conn, POSTGRESQL)
                migrations = applied_migrations(conn, POSTGRESQL)
            finally:
                process.wait()  # the snapshot must stay open until pg_dump has it
            if process.returncode:
                errors.seek(0)
                said = errors.read().decode("utf-8", "replace").strip()
                raise BackupError(f"pg_dump failed ({process.returncode}): {said}")
        version = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
        conn.rollback()
    return DumpResult(tables, migrations, str(version), words, dump_major)


def table_list(target: PgTarget) -> list[str]:
    with target.connect(autocommit=True) as conn:
        return postgres_tables(conn)


def restore(target: PgTarget, path: Path, made_by_major: int, bin_dir: str = "") -> None:
    """``pg_restore`` into ``target`` (empty: checked by the caller), all or nothing.
    Owners and grants of the source are left out: the target's user owns everything."""
    with target.connect(autocommit=True) as conn:
        major = server_major(conn)
    pg_restore, _major, _words = checked_tool("pg_restore", made_by_major, major, bin_dir,
                                      why=f"the pg_dump {made_by_major} that made the backup")
    done = subprocess.run(  # noqa: S603 - our own argument list
        command(pg_restore, target, "--no-owner", "--no-privileges", "--exit-on-error",
                "--single-transaction", str(path)),
        capture_output=True, text=True, env=target.tool_env(), check=False)
    if done.returncode:
        raise BackupError(f"pg_restore failed ({done.returncode}); nothing was restored: "
                          f"{done.stderr.strip()}")


def states(target: PgTarget) -> tuple[dict[str, TableState], list[str]]:
    """Every table's state and the applied migrations, in one snapshot."""
    with target.connect() as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        found = table_states(conn, POSTGRESQL), applied_migrations(conn, POSTGRESQL)
        conn.rollback()
    return found


@contextlib.contextmanager
def scratch_database(target: PgTarget) -> Iterator[PgTarget]:
    """A new empty database beside ``target`` (same server, encoding and locale),
    dropped afterwards whatever happens. Needs the CREATEDB privilege."""
    name = f"{target.dbname[:40]}_verify_{secrets.token_hex(4)}"
    with target.connect(autocommit=True) as conn:
        encoding, collate, ctype = conn.execute(  # type: ignore[misc]
            "SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database "
            "WHERE datname = current_database()").fetchone()
        try:
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING {} "
                                 "LC_COLLATE {} LC_CTYPE {}").format(
                sql.Identifier(name), sql.Literal(encoding), sql.Literal(collate),
                sql.Literal(ctype)))
        except psycopg.Error as refused:
            raise BackupError(
                f"cannot make the scratch database {name} to verify in ({refused}): the "
                "database user needs the CREATEDB privilege") from None
    try:
        yield target.other(name)
    finally:
        with target.connect(autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
