"""A small cache for rendered public pages and expensive figures.

Two tiers: this process's memory (a bounded LRU), then a store every worker
shares: Redis when ``CACHE_REDIS_URL`` is set (every machine), otherwise an
SQLite file in the instance folder (``CACHE_FILE``; every worker of this
machine). Keys name the content they stand for (a content revision, seat
counts, the language; see consultplatform.revisions), so an entry is never
invalidated, only no longer asked for; ``CACHE_SECONDS`` ends it. Values are
JSON, never pickle: whoever can write into the store must not be able to run
code here. A store that fails (Redis down, a locked file) is a miss, never an
error page.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import random
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from flask import Flask, current_app, g, has_app_context, has_request_context

T = TypeVar("T")
log = logging.getLogger(__name__)
EXTENSION_KEY = "cp_cache"


class SharedStore(Protocol):
    def get(self, name: str) -> str | bytes | None: ...
    def set(self, name: str, value: str, seconds: int) -> None: ...
    def clear(self, prefix: str) -> None: ...


class RedisStore:
    def __init__(self, url: str) -> None:
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    def get(self, name: str) -> bytes | None:
        value = self.redis.get(name)
        return value if isinstance(value, bytes) else None

    def set(self, name: str, value: str, seconds: int) -> None:
        self.redis.set(name, value, ex=seconds)

    def clear(self, prefix: str) -> None:
        names = list(self.redis.scan_iter(f"{prefix}*", count=500))
        if names:
            self.redis.delete(*names)


class FileStore:
    """An SQLite file shared by the workers of one machine; a connection per thread."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.pid != os.getpid():  # new thread, or forked
            conn = sqlite3.connect(self.path, timeout=1, isolation_level=None,
                                   check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=OFF")  # a lost entry is only a miss
            conn.execute("CREATE TABLE IF NOT EXISTS cache (name TEXT PRIMARY KEY, "
                         "value TEXT NOT NULL, expires REAL NOT NULL)")
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def get(self, name: str) -> str | None:
        row = self._connection().execute("SELECT value FROM cache WHERE name = ? AND "
                                         "expires > ?", (name, time.time())).fetchone()
        return row[0] if row else None

    def set(self, name: str, value: str, seconds: int) -> None:
        conn = self._connection()
        conn.execute("INSERT OR REPLACE INTO cache (name, value, expires) VALUES (?, ?, ?)",
                     (name, value, time.time() + seconds))
        if random.random() < 0.01:  # noqa: S311 - housekeeping now and then, not security
            conn.execute("DELETE FROM cache WHERE expires <= ?", (time.time(),))

    def clear(self, prefix: str) -> None:
        self._connection().execute("DELETE FROM cache WHERE substr(name, 1, ?) = ?",
                                   (len(prefix), prefix))


class Cache:
    def __init__(self, store: SharedStore | None = None, prefix: str = "cp",
                 seconds: int = 3600, entries: int = 256) -> None:
        self.prefix = prefix
        self.seconds = seconds
        self.entries = entries
        self._memory: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._store = store
        self._store_down_until = 0.0
        # The code's fingerprint (release_fingerprint): what an older release kept is
        # never read by a newer one, on this machine or in a shared Redis.
        self.release = ""

    def _key(self, key: str) -> str:
        digest = hashlib.sha256(f"{self.release}\n{key}".encode()).hexdigest()
        return f"{self.prefix}:cache:{digest}"

    def get(self, key: str) -> Any | None:
        name = self._key(key)
        now = time.monotonic()
        with self._lock:
            found = self._memory.get(name)
            if found is not None and found[0] > now:
                self._memory.move_to_end(name)
                return found[1]
        raw = self._shared("get", name)
        if raw is None:
            return None
        try:
            value = json.loads(raw)
        except ValueError:  # not what this code writes: a miss
            return None
        self._remember(name, value, now)
        return value

    def set(self, key: str, value: Any) -> None:
        name = self._key(key)
        text = json.dumps(value, separators=(",", ":"))  # JSON or nothing, memory included
        self._remember(name, value, time.monotonic())
        self._shared("set", name, text, self.seconds)

    def clear(self) -> None:
        """Forget every entry of this cache (its prefix in the shared store too). Tests
        only: in production nothing needs clearing, keys name their content."""
        with self._lock:
            self._memory.clear()
        self._shared("clear", f"{self.prefix}:cache:")

    def _remember(self, name: str, value: Any, now: float) -> None:
        with self._lock:
            self._memory[name] = (now + self.seconds, value)
            self._memory.move_to_end(name)
            while len(self._memory) > self.entries:
                self._memory.popitem(last=False)

    def _shared(self, method: str, *args: Any) -> Any:
        if self._store is None or time.monotonic() < self._store_down_until:
            return None
        try:
            return getattr(self._store, method)(*args)
        except Exception as exc:  # a cache is never worth an error page
            self._store_down_until = time.monotonic() + 5
            log.warning("cache: shared store unavailable for 5 s (%s)", type(exc).__name__)
            return None


def init_cache(app: Flask) -> Cache:
    config = app.config
    store: SharedStore | None = None
    if config.get("CACHE_REDIS_URL"):
        store = RedisStore(config["CACHE_REDIS_URL"])
    elif config.get("CACHE_FILE"):
        store = FileStore(os.path.join(app.instance_path, config["CACHE_FILE"]))
    cache = Cache(store, config.get("CACHE_KEY_PREFIX") or "cp",
                  int(config.get("CACHE_SECONDS", 3600)),
                  int(config.get("CACHE_MEMORY_ENTRIES", 256)))
    app.extensions[EXTENSION_KEY] = cache
    return cache


def release_fingerprint(app: Flask, versions: list[str]) -> str:
    """What a cached page or figure was made with besides the data: the installed
    versions of the core and the plugins, and every template and translation file
    the app reads (name, size and time), so a deploy starts a fresh cache."""
    digest = hashlib.sha256("\n".join(versions).encode())
    folders = [os.path.join(app.instance_path, "templates")]
    folders += [os.path.join(bp.root_path, bp.template_folder)
                for bp in [app, *app.blueprints.values()] if bp.template_folder]
    folders += str(app.config.get("BABEL_TRANSLATION_DIRECTORIES", "")).split(";")
    for folder in sorted({os.path.abspath(f) for f in folders if f and os.path.isdir(f)}):
        for root, _dirs, files in sorted(os.walk(folder)):
            for name in sorted(files):
                path = os.path.join(root, name)
                with contextlib.suppress(OSError):
                    stat = os.stat(path)
                    digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:12]


def cache() -> Cache:
    """The current app's cache."""
    return current_app.extensions[EXTENSION_KEY]


def remembered(key: list, compute: Callable[[], Any]) -> Any:
    """``compute()``'s value, kept in the cache under ``key`` (a list of JSON values
    that names everything the value depends on, e.g. a content revision; see
    consultplatform.revisions). The value must be JSON: lists come back for tuples.
    Outside an application (a script, a unit test) it is simply computed."""
    if not has_app_context():
        return compute()
    name = json.dumps(["value", *key], separators=(",", ":"), default=str)
    found = cache().get(name)
    if isinstance(found, dict) and "value" in found:
        return found["value"]
    value = compute()
    cache().set(name, {"value": value})
    return value


def once_per_request(key: str, make: Callable[[], T]) -> T:
    """``make()`` once per request under ``key`` (kept in ``flask.g``), called every
    time outside a request: for what many places of one page ask (a plugin's settings
    for each row of a list). Nothing is shared between requests."""
    if not has_request_context():
        return make()
    found = g.setdefault("cp_once_per_request", {})
    if key not in found:
        found[key] = make()
    return found[key]
