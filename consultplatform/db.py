"""Database binding: one peewee DatabaseProxy for the core and every plugin.

The proxy is initialised by :func:`init_database` from a URL, so models
(including plugin models) can be declared at import time and bound later.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import peewee
from peewee import DatabaseProxy, Model, PostgresqlDatabase, SqliteDatabase

db = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    # Milliseconds a writer waits for the lock before "database is locked".
    "busy_timeout": 10_000,
}


def utcnow() -> dt.datetime:
    """Naive UTC timestamp, as stored in every ``*_at`` audit column."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class BaseModel(Model):
    """Base for core and plugin models; bound to the shared proxy."""

    class Meta:
        database = db
        legacy_table_names = False


def is_postgres(database: peewee.Database | None = None) -> bool:
    target = database or db.obj
    return isinstance(target, PostgresqlDatabase)


def make_database(url: str, instance_path: str) -> peewee.Database:
    """Build a peewee database from ``sqlite:///file`` or ``postgresql://...``.

    A relative SQLite path is taken relative to the instance folder.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        raw = unquote(parts.path)
        path = raw[1:]  # sqlite:///rel.db -> rel.db; sqlite:////abs/x.db -> /abs/x.db
        if path != ":memory:" and not os.path.isabs(path):
            path = os.path.join(instance_path, path)
        return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=10)
    if scheme in {"postgres", "postgresql"}:
        # Query options (host=/var/run/postgresql for a socket, sslmode, ...) win
        # over the URL's network location.
        options: dict[str, Any] = {
            "user": unquote(parts.username) if parts.username else None,
            "password": unquote(parts.password) if parts.password else None,
            "host": parts.hostname or "127.0.0.1",
            "port": parts.port or 5432,
            **dict(parse_qsl(parts.query)),
        }
        return PostgresqlDatabase(unquote(parts.path.lstrip("/")) or "postgres", **options)
    raise ValueError(f"unsupported database URL scheme {scheme!r}: use sqlite:/// or postgresql://")


def init_database(url: str, instance_path: str) -> peewee.Database:
    # A second app in the same process (tests, CLI) rebinds the proxy: close the
    # previous binding's connection first rather than leave it dangling.
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()
    database = make_database(url, instance_path)
    db.initialize(database)
    return database


@contextlib.contextmanager
def write_transaction() -> Iterator[None]:
    """A transaction that takes the write lock up front.

    On SQLite this is ``BEGIN IMMEDIATE``, so a read-then-write (a capacity
    check followed by an insert) cannot be overtaken by another writer. On
    PostgreSQL it is a plain transaction; callers lock rows explicitly with
    ``SELECT ... FOR UPDATE``.
    """
    database = db.obj
    if isinstance(database, SqliteDatabase) and database.transaction_depth() == 0:
        with database.atomic("IMMEDIATE"):
            yield
    else:
        with database.atomic():
            yield
