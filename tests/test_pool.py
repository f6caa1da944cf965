"""Connections kept per worker process: reused, checked, bounded, and safe across fork."""

from __future__ import annotations

import os
import threading

import psycopg
import pytest
from flask import g

from consultplatform.db import db
from consultplatform.testing import PG_URL, admin_dsn, count_queries, factories, make_app


def connection_ids(application, requests: int, url: str = "/") -> list[int]:
    """The identity of the driver connection each of ``requests`` GETs used. The
    connections are kept referenced, so a closed one's id cannot be handed on."""
    seen: list[object] = []

    @application.after_request
    def remember(response):
        if g.get("cp_db_opened"):
            seen.append(db.connection())
        return response

    if not db.is_closed():
        db.close()  # as a worker starts a request: no connection of its own yet
    client = application.test_client()
    for _ in range(requests):
        assert client.get(url).status_code == 200
    return [id(connection) for connection in seen]


def test_a_worker_reuses_one_connection_across_requests(app):
    with app.app_context():
        factories.consultation()
    ids = connection_ids(app, 5)
    assert len(ids) == 5
    assert len(set(ids)) == 1, "every request opened a connection of its own"


def test_without_a_pool_every_request_connects_anew(migrated, instance_dir):
    """The setting that switches pooling off does what it says (and shows the test above
    can tell the difference)."""
    unpooled = make_app(migrated, instance_dir, DATABASE_POOL_SIZE=0)
    ids = connection_ids(unpooled, 3)
    assert len(ids) == 3
    assert len(set(ids)) == 3


@pytest.mark.skipif(not PG_URL, reason="a server that ends a connection: PostgreSQL only")
def test_a_connection_the_server_ended_is_replaced_not_an_error(app):
    pids: list[int] = []

    @app.after_request
    def remember(response):
        pids.append(db.execute_sql("SELECT pg_backend_pid()").fetchone()[0])
        return response

    client = app.test_client()
    if not db.is_closed():
        db.close()
    assert client.get("/").status_code == 200
    with psycopg.connect(admin_dsn(PG_URL), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pids[0],))  # waits for its end
    assert client.get("/").status_code == 200
    assert pids[1] != pids[0]


@pytest.mark.skipif(not PG_URL, reason="the driver's own statements: PostgreSQL")
def test_handing_out_a_kept_connection_asks_the_server_nothing(app, monkeypatch):
    """peewee's pool sent ``SELECT 1`` before every request; the check is local now."""
    client = app.test_client()
    assert client.get("/").status_code == 200  # the pool has a connection now
    sent: list[str] = []
    original = psycopg.Cursor.execute

    def recording(self, query, *args, **kwargs):
        sent.append(str(query))
        return original(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", recording)
    with count_queries() as counted:
        assert client.get("/").status_code == 200
    assert len(sent) == counted.count, sent
    assert not any(q.strip().upper() == "SELECT 1" for q in sent)


def test_a_full_pool_answers_busy_in_the_visitors_language(migrated, instance_dir):
    application = make_app(migrated, instance_dir, DATABASE_POOL_SIZE=1,
                           DATABASE_POOL_WAIT_SECONDS=1)
    holding, release = threading.Event(), threading.Event()

    def hold_the_only_connection() -> None:
        db.connect()
        holding.set()
        release.wait(30)
        db.close()

    holder = threading.Thread(target=hold_the_only_connection)
    holder.start()
    try:
        assert holding.wait(30)
        client = application.test_client()
        busy = client.get("/", headers={"Accept-Language": "nl"})
        assert busy.status_code == 503
        assert busy.headers["Retry-After"] == "5"
        assert "Het is nu erg druk" in busy.get_data(as_text=True)
    finally:
        release.set()
        holder.join(30)
    assert client.get("/").status_code == 200


def _backend_id() -> str:
    if PG_URL:
        return str(db.execute_sql("SELECT pg_backend_pid()").fetchone()[0])
    return str(id(db.connection()))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_never_uses_the_parents_connection(app):
    """gunicorn with --preload forks after the app (and maybe a connection) exists."""
    with app.app_context():
        db.connect(reuse_if_open=True)
        parent_backend = _backend_id()
        db.close()  # idle in the pool, as between two requests
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: one query on its own connection, then out
            try:
                os.close(reader)
                db.connect(reuse_if_open=True)
                os.write(writer, _backend_id().encode())
                db.close()
            finally:
                os._exit(0)
        os.close(writer)
        with os.fdopen(reader) as pipe:
            child_backend = pipe.read()
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert child_backend, "the child could not query"
        if PG_URL:  # a backend of its own, not the parent's socket
            assert child_backend != parent_backend
        # The parent goes on working: whatever it holds was not closed under it.
        db.connect(reuse_if_open=True)
        assert db.execute_sql("SELECT 1").fetchone()[0] == 1
        db.close()
