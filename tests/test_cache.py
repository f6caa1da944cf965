"""The two-tier cache: worker memory, then a store the workers share (an SQLite file
on one machine, Redis on several); JSON only; a failing store is a miss."""

from __future__ import annotations

import os
import time

import pytest

from consultplatform.cache import Cache, FileStore, RedisStore, remembered
from consultplatform.testing import make_app


def test_two_workers_share_what_one_computed_through_the_file(tmp_path):
    first = Cache(FileStore(str(tmp_path / "cache.sqlite3")), prefix="site")
    second = Cache(FileStore(str(tmp_path / "cache.sqlite3")), prefix="site")
    first.set("page:home:nl", {"body": "<p>Hallo</p>"})
    assert second.get("page:home:nl") == {"body": "<p>Hallo</p>"}
    assert second.get("page:home:en") is None
    other_site = Cache(FileStore(str(tmp_path / "cache.sqlite3")), prefix="elders")
    assert other_site.get("page:home:nl") is None


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="needs TEST_REDIS_URL")
def test_two_machines_share_it_through_redis():
    url = os.environ["TEST_REDIS_URL"]
    prefix = f"test-cache-{time.monotonic_ns()}"
    first, second = Cache(RedisStore(url), prefix=prefix), Cache(RedisStore(url), prefix=prefix)
    first.set("figure", [1, 2, 3])
    assert second.get("figure") == [1, 2, 3]
    second.clear()
    assert Cache(RedisStore(url), prefix=prefix).get("figure") is None


def test_entries_end_and_memory_is_bounded(tmp_path):
    cache = Cache(FileStore(str(tmp_path / "c.sqlite3")), seconds=1, entries=3)
    for n in range(5):
        cache.set(f"k{n}", n)
    assert len(cache._memory) == 3
    assert cache.get("k0") == 0  # from the shared file, back in memory
    time.sleep(1.1)
    assert cache.get("k4") is None


def test_values_are_json_not_pickle(tmp_path):
    cache = Cache(FileStore(str(tmp_path / "c.sqlite3")))
    with pytest.raises(TypeError):
        cache.set("object", object())
    cache.set("tuple", (1, "a"))
    assert Cache(FileStore(str(tmp_path / "c.sqlite3"))).get("tuple") == [1, "a"]


class BrokenStore:
    def get(self, name):
        raise ConnectionError("down")

    set = clear = get


def test_a_failing_store_is_a_miss_not_an_error(caplog):
    cache = Cache(BrokenStore())
    assert cache.get("anything") is None
    cache.set("anything", 1)  # kept in memory, the store is skipped for a while
    assert cache.get("anything") == 1
    assert "shared store unavailable" in caplog.text


def test_remembered_computes_once_per_key(tmp_path, migrated):
    app = make_app(migrated, tmp_path)
    calls = []

    def compute():
        calls.append(1)
        return {"n": len(calls)}

    with app.app_context():
        assert remembered(["fig", 1], compute) == {"n": 1}
        assert remembered(["fig", 1], compute) == {"n": 1}
        assert remembered(["fig", 2], compute) == {"n": 2}
    assert remembered(["fig", 1], compute) == {"n": 3}  # outside an app: no cache


def test_once_per_request_makes_a_value_once_per_request_and_every_time_outside(app):
    from consultplatform.cache import once_per_request

    made = []

    def make() -> int:
        made.append(1)
        return len(made)

    with app.test_request_context():
        assert [once_per_request("k", make), once_per_request("k", make)] == [1, 1]
        assert once_per_request("other", make) == 2
    with app.test_request_context():
        assert once_per_request("k", make) == 3  # a new request: made again
    with app.app_context():
        assert [once_per_request("k", make), once_per_request("k", make)] == [4, 5]
