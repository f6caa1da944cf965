"""A small cache for rendered public pages and expensive figures.

Two tiers: this process's memory (a bounded LRU), then Redis when
``CACHE_REDIS_URL`` is set, shared by every worker and every machine. Keys
name the content they stand for (a content revision, seat counts, the
language; see consultplatform.revisions), so an entry is never invalidated,
only no longer asked for; ``CACHE_SECONDS`` ends it. Values are JSON, never
pickle: whoever can write into Redis must not be able to run code here. A cache
that fails (Redis down) is a miss, never an error page.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, has_app_context

log = logging.getLogger(__name__)
EXTENSION_KEY = "cp_cache"


class Cache:
    def __init__(self, redis_url: str = "", prefix: str = "cp", seconds: int = 3600,
                 entries: int = 256) -> None:
        self.prefix = prefix
        self.seconds = seconds
        self.entries = entries
        self._memory: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._redis = None
        self._redis_down_until = 0.0
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url, socket_timeout=0.5,
                                               socket_connect_timeout=0.5)

    def _key(self, key: str) -> str:
        return f"{self.prefix}:cache:{hashlib.sha256(key.encode()).hexdigest()}"

    def get(self, key: str) -> Any | None:
        name = self._key(key)
        now = time.monotonic()
        with self._lock:
            found = self._memory.get(name)
            if found is not None and found[0] > now:
                self._memory.move_to_end(name)
                return found[1]
        raw = self._redis_call("get", name)
        if raw is None:
            return None
        value = json.loads(raw)
        self._remember(name, value, now)
        return value

    def set(self, key: str, value: Any) -> None:
        name = self._key(key)
        self._remember(name, value, time.monotonic())
        self._redis_call("set", name, json.dumps(value, separators=(",", ":")),
                         ex=self.seconds)

    def clear(self) -> None:
        """Forget every entry of this cache (its prefix in Redis too). Tests only: in
        production nothing needs clearing, keys name their content."""
        with self._lock:
            self._memory.clear()
        if self._redis is not None:
            names = list(self._redis.scan_iter(f"{self.prefix}:cache:*", count=500))
            if names:
                self._redis.delete(*names)

    def _remember(self, name: str, value: Any, now: float) -> None:
        with self._lock:
            self._memory[name] = (now + self.seconds, value)
            self._memory.move_to_end(name)
            while len(self._memory) > self.entries:
                self._memory.popitem(last=False)

    def _redis_call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if self._redis is None or time.monotonic() < self._redis_down_until:
            return None
        try:
            return getattr(self._redis, method)(*args, **kwargs)
        except Exception as exc:  # a cache is never worth an error page
            self._redis_down_until = time.monotonic() + 5
            log.warning("cache: Redis unavailable for 5 s (%s)", type(exc).__name__)
            return None


def init_cache(app: Flask) -> Cache:
    config = app.config
    cache = Cache(config.get("CACHE_REDIS_URL") or "", config.get("CACHE_KEY_PREFIX") or "cp",
                  int(config.get("CACHE_SECONDS", 3600)),
                  int(config.get("CACHE_MEMORY_ENTRIES", 256)))
    app.extensions[EXTENSION_KEY] = cache
    return cache


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
    if found is not None:
        return found["value"]
    value = compute()
    cache().set(name, {"value": value})
    return value
