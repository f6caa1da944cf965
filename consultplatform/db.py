"""Database binding: one peewee DatabaseProxy for the core and every plugin.

The proxy is initialised by :func:`init_database` from a URL, so models
(including plugin models) can be declared at import time and bound later.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import select
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import peewee
from peewee import DatabaseProxy, Model, PostgresqlDatabase, SqliteDatabase
from playhouse.pool import PooledDatabase, PooledPostgresqlDatabase, PooledSqliteDatabase

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


@dataclass(frozen=True)
class PoolSettings:
    """Connections kept per worker process (``DATABASE_POOL_*``).

    ``size`` bounds the open connections of one process (a request that finds
    them all in use waits up to ``wait_seconds``); a connection is replaced after
    ``recycle_seconds``. PostgreSQL connections are checked on every check-out
    without a round trip (:class:`PooledPostgres`), so a restarted server costs one
    reconnect, not an error page. ``size`` 0 switches pooling off.
    """

    size: int = 16
    wait_seconds: int = 30
    recycle_seconds: int = 1800

    @classmethod
    def from_config(cls, config: Any) -> PoolSettings:
        return cls(int(config.get("DATABASE_POOL_SIZE", cls.size)),
                   int(config.get("DATABASE_POOL_WAIT_SECONDS", cls.wait_seconds)),
                   int(config.get("DATABASE_POOL_RECYCLE_SECONDS", cls.recycle_seconds)))

    def options(self) -> dict[str, Any]:
        return {"max_connections": self.size, "timeout": self.wait_seconds,
                "stale_timeout": self.recycle_seconds}


class PooledPostgres(PooledPostgresqlDatabase):
    """peewee's pool, with the check-out check made local for busy connections.

    peewee asks the server ``SELECT 1`` before handing out an idle connection: a
    round trip on every request. A connection the server has ended (a restart,
    ``pg_terminate_backend``, an idle timeout) has something to read on its socket
    (the server's last message, or the end of the stream), while a healthy idle one
    has nothing; so a zero-timeout poll of the socket tells them apart for the cost
    of a system call, and one with anything unexpected to read is replaced. A
    connection idle for longer than ``QUIET_SECONDS`` is still asked ``SELECT 1``:
    a firewall or load balancer may have dropped it without a word (TCP keepalives,
    on by default, make such a drop show on the socket as well).
    """

    QUIET_SECONDS = 30.0

    def _is_closed(self, conn: Any) -> bool:
        if conn.closed:
            return True
        last = self._last_out.get(id(conn), 0.0)
        now = time.monotonic()
        self._last_out[id(conn)] = now
        if now - last > self.QUIET_SECONDS:
            return bool(super()._is_closed(conn))  # the round trip, now and then
        status = self._adapter.txn_status(conn)
        if status == self._adapter.txn_unknown:
            return True
        if status != self._adapter.txn_idle:
            return not self._adapter.is_connection_reusable(conn)  # rolls back
        poller = select.poll()
        poller.register(conn.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
        if poller.poll(0):  # ended by the server: the pool drops it, so close our end
            with contextlib.suppress(Exception):
                conn.close()
            self._last_out.pop(id(conn), None)
            return True
        return False

    @property
    def _last_out(self) -> dict[int, float]:
        """{connection id: when it was last handed out} (monotonic seconds)."""
        found = self.__dict__.get("_cp_last_out")
        if found is None:
            found = self.__dict__["_cp_last_out"] = {}
        return found


# TCP keepalives for PostgreSQL connections unless the URL says otherwise: an idle
# connection a network device dropped is noticed within about two minutes.
KEEPALIVES = {"keepalives": "1", "keepalives_idle": "60", "keepalives_interval": "10",
              "keepalives_count": "3"}


def make_database(url: str, instance_path: str,
                  pool: PoolSettings | None = None) -> peewee.Database:
    """Build a peewee database from ``sqlite:///file`` or ``postgresql://...``,
    pooled when ``pool`` is given with a size above 0.

    A relative SQLite path is taken relative to the instance folder.
    """
    pooled = pool is not None and pool.size > 0
    extra = pool.options() if pool is not None and pooled else {}
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        raw = unquote(parts.path)
        path = raw[1:]  # sqlite:///rel.db -> rel.db; sqlite:////abs/x.db -> /abs/x.db
        if path != ":memory:" and not os.path.isabs(path):
            path = os.path.join(instance_path, path)
        # An in-memory database lives in one connection: pooling would hand out others.
        if pooled and path != ":memory:":
            # The pool's ``timeout`` is its wait for a free connection; SQLite's
            # own wait for a lock is the busy_timeout pragma. A pooled connection
            # serves one thread at a time, but not always the thread that opened it.
            return PooledSqliteDatabase(path, pragmas=SQLITE_PRAGMAS, check_same_thread=False,
                                        **extra)
        return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=10)
    if scheme in {"postgres", "postgresql"}:
        # Query options (host=/var/run/postgresql for a socket, sslmode, ...) win
        # over the URL's network location.
        options: dict[str, Any] = {
            "user": unquote(parts.username) if parts.username else None,
            "password": unquote(parts.password) if parts.password else None,
            "host": parts.hostname or "127.0.0.1",
            "port": parts.port or 5432,
            **KEEPALIVES,
            **dict(parse_qsl(parts.query)),
        }
        postgres_class = PooledPostgres if pooled else PostgresqlDatabase
        return postgres_class(unquote(parts.path.lstrip("/")) or "postgres", **options, **extra)
    raise ValueError(f"unsupported database URL scheme {scheme!r}: use sqlite:/// or postgresql://")


def init_database(url: str, instance_path: str,
                  pool: PoolSettings | None = None) -> peewee.Database:
    # A second app in the same process (tests, CLI) rebinds the proxy: close the
    # previous binding's connections first rather than leave them dangling.
    if db.obj is not None:
        close_everything(db.obj)
    database = make_database(url, instance_path, pool)
    db.initialize(database)
    return database


def close_everything(database: peewee.Database) -> None:
    """Close this thread's connection and, when pooled, every connection kept."""
    if isinstance(database, PooledDatabase):
        database.close_all()
    elif not database.is_closed():
        database.close()


def _close_idle_before_fork() -> None:
    """A process about to fork (gunicorn's master with ``--preload``, huey) closes the
    connections it keeps idle, so no child inherits a socket the parent also uses."""
    if isinstance(db.obj, PooledDatabase):
        db.obj.close_idle()


def _forget_inherited_after_fork() -> None:
    """In the child: start with an empty pool. A connection that some other thread of
    the parent had in use is kept referenced, never closed, so that closing it here
    cannot end the parent's session on the shared socket."""
    database = db.obj
    if isinstance(database, PooledDatabase):
        _INHERITED.extend(entry.connection for entry in database._in_use.values())
        _INHERITED.extend(conn for _, _, conn in database._connections)
        database.dispose()
    elif database is not None and not database.is_closed():
        _INHERITED.append(database._state.conn)
        database._state.reset()


_INHERITED: list[Any] = []
os.register_at_fork(before=_close_idle_before_fork, after_in_child=_forget_inherited_after_fork)


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
