"""A rate-limit store in an SQLite file, shared by every worker process on one
machine and kept across restarts: the embedded default (no Redis needed).

Flask-Limiter's ``memory://`` store lives in one process, so each gunicorn
worker counted on its own (10 per minute let 20 through with two workers) and
a reload started from zero. This store keeps fixed-window counters in one
table; an increment is one ``BEGIN IMMEDIATE`` transaction, so two workers
counting at once cannot both see the old value. Past one machine use Redis
(``RATELIMIT_STORAGE_URI=redis://...``).

Registered with the ``limits`` package under the scheme ``sqlite``:
``sqlite:////absolute/path.sqlite3`` (create_app makes a relative path
absolute in the instance folder).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from typing import Any
from urllib.parse import unquote, urlsplit

from limits.storage import Storage

_SCHEMA = ("CREATE TABLE IF NOT EXISTS rate_limit (key TEXT PRIMARY KEY, hits INTEGER NOT NULL, "
           "expires_at REAL NOT NULL)")


def sqlite_path(uri: str) -> str:
    return unquote(urlsplit(uri).path)[1:]


class SqliteStorage(Storage):
    """Fixed-window counters (Flask-Limiter's default strategy) in SQLite."""

    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 **options: Any) -> None:
        self.path = sqlite_path(uri or "")
        if not os.path.isabs(self.path):
            raise ValueError("the rate-limit store needs an absolute path: sqlite:////path")
        self._local = threading.local()
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        """One connection per thread and process (a forked worker opens its own)."""
        pid = os.getpid()
        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.pid != pid:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None,
                                   check_same_thread=True)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(_SCHEMA)
            self._local.conn, self._local.pid = conn, pid
        return conn

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        conn = self._connection()
        now = time.time()
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute("SELECT hits, expires_at FROM rate_limit WHERE key = ?",
                               (key,)).fetchone()
            if row is None or row[1] <= now:
                hits, expires_at = amount, now + expiry
            else:
                hits, expires_at = row[0] + amount, row[1]
            conn.execute("INSERT INTO rate_limit (key, hits, expires_at) VALUES (?, ?, ?) "
                         "ON CONFLICT (key) DO UPDATE SET hits = excluded.hits, "
                         "expires_at = excluded.expires_at", (key, hits, expires_at))
            if row is None and hits == amount:
                # Now and then, clear out windows that ended long ago.
                conn.execute("DELETE FROM rate_limit WHERE expires_at < ?", (now - 3600,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return hits

    def get(self, key: str) -> int:
        row = self._connection().execute(
            "SELECT hits FROM rate_limit WHERE key = ? AND expires_at > ?",
            (key, time.time())).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._connection().execute(
            "SELECT expires_at FROM rate_limit WHERE key = ? AND expires_at > ?",
            (key, time.time())).fetchone()
        return row[0] if row else time.time()

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._connection().execute("DELETE FROM rate_limit").rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM rate_limit WHERE key = ?", (key,))
