"""Test support for the core and for plugins: a pytest plugin (loaded through the
``pytest11`` entry point of the consultplatform package) with the fixtures every
suite needs, on the real database.

Fixtures: ``database_url`` (a fresh SQLite file, or a fresh PostgreSQL database
when ``TEST_DATABASE_URL`` is set), ``instance_dir``, ``migrated`` (the schema of
the core and every installed plugin), ``app`` (emptied tables, no app context
left pushed), ``client``, ``admin_user``, ``admin_client``. Helpers:
:func:`make_app`, :func:`csrf_from`, :func:`get_csrf`, :func:`login`,
:func:`make_staff`, :func:`count_queries`; test data in
:mod:`consultplatform.testing.factories`, form reading in
:mod:`consultplatform.testing.html`.

The ini option ``cp_plugins_extra`` (lines of ``name=module``) loads test-only
plugins into every app the fixtures make (the core's suite loads its
``fullhooks`` plugin that way).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from flask import Flask

from consultplatform.app import create_app
from consultplatform.db import db, is_postgres
from consultplatform.models import StaffUser
from consultplatform.services.staff import StaffAccount, create_staff

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
DEFAULT_PASSWORD = "correct horse battery"  # noqa: S105 - test accounts only
_plugins_extra: list[str] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("cp_plugins_extra", "test-only plugins (name=module) every test app loads",
                  type="linelist", default=[])


def pytest_configure(config: pytest.Config) -> None:
    _plugins_extra[:] = list(config.getini("cp_plugins_extra"))


def admin_dsn(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, "", ""))


@contextlib.contextmanager
def fresh_database(prefix: str, tmp_folder: Any) -> Iterator[str]:
    """A new empty database for a test (run), dropped afterwards: PostgreSQL when
    ``TEST_DATABASE_URL`` is set, else a SQLite file in ``tmp_folder``."""
    if not PG_URL:
        yield f"sqlite:///{tmp_folder / (prefix + '.sqlite3')}"
        return
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_dsn(PG_URL), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(PG_URL)
    try:
        yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
    finally:
        if db.obj is not None and not db.is_closed():
            db.close()
        with psycopg.connect(admin_dsn(PG_URL), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    """A fresh database for the whole run, removed afterwards."""
    with fresh_database("cp_test", tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("instance")


def make_app(database_url: str, instance_dir: Any, **overrides: Any) -> Flask:
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(instance_dir),
        "PLUGINS_EXTRA": list(_plugins_extra),
        "SECRET_KEY": "test-" + secrets.token_hex(8),
        "LOG_LEVEL": "WARNING",
        "MAIL_ENQUEUE_ON_COMMIT": False,
        "TASKS_ENQUEUE": False,
        # Each test app counts on its own, and caches under keys of its own.
        "RATELIMIT_STORAGE_URI": "memory://",
        "CACHE_KEY_PREFIX": f"test-{secrets.token_hex(6)}",
        # Two-step login is switched off for the suites, on purpose and in the open: they
        # log staff in with a password only (``login``). The app logs a warning about it.
        # The two-step tests (tests/test_mfa.py) switch it on: make_app(...,
        # MFA_REQUIRED_ROLES=["admin"]).
        "MFA_REQUIRED_ROLES": [],
    }
    redis_url = os.environ.get("TEST_REDIS_URL", "")
    if redis_url:
        # The scale-out configuration (the PostgreSQL pass of .ci/run): limits and
        # cache in Redis, each test app under keys of its own.
        config.update(RATELIMIT_STORAGE_URI=redis_url, CACHE_REDIS_URL=redis_url,
                      RATELIMIT_KEY_PREFIX=f"test-{secrets.token_hex(6)}")
    config.update(overrides)
    return create_app(config)


@pytest.fixture(scope="session")
def migrated(database_url, instance_dir) -> str:
    from consultplatform.migrate import upgrade
    from consultplatform.plugins import registry

    app = make_app(database_url, instance_dir)
    with app.app_context():
        upgrade(registry())
    return database_url


def clean_tables() -> None:
    """Empty every table but the migration record; re-seed the data migrations made."""
    from consultplatform.migrations import m0002_site_pages
    from consultplatform.search import SQLITE_TABLE

    database = db.obj
    # The search index's FTS5 tables follow the participants through their triggers.
    tables = [t for t in database.get_tables()
              if t != "schema_migration" and not t.startswith(SQLITE_TABLE)]
    if not tables:
        return
    if is_postgres(database):
        database.execute_sql("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                             + " RESTART IDENTITY CASCADE")
    else:
        database.execute_sql("PRAGMA foreign_keys = OFF")
        for table in tables:
            database.execute_sql(f'DELETE FROM "{table}"')  # noqa: S608 - table names
        names = [r[0] for r in database.execute_sql(
            "SELECT name FROM sqlite_master WHERE type='table'").fetchall()]
        if "sqlite_sequence" in names:
            database.execute_sql("DELETE FROM sqlite_sequence")
        database.execute_sql("PRAGMA foreign_keys = ON")
    m0002_site_pages.up(None, database)


@contextlib.contextmanager
def fresh_app(migrated: str, instance_dir: str, **overrides: Any) -> Iterator[Flask]:
    """A fresh app (with ``overrides`` of its settings) on emptied tables. No app
    context stays pushed: a pushed one would be reused by every test-client request
    and keep ``g`` between them."""
    application = make_app(migrated, instance_dir, **overrides)
    with application.app_context():
        db.connect(reuse_if_open=True)
        clean_tables()
    try:
        yield application
    finally:
        if not db.is_closed():
            db.close()


@pytest.fixture
def app(migrated, instance_dir):
    """A fresh app on emptied tables (:func:`fresh_app`)."""
    with fresh_app(migrated, instance_dir) as application:
        yield application


@pytest.fixture
def client(app):
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no csrf_token in page"
    return match.group(1) or match.group(2)


def get_csrf(client, url: str = "/auth/login") -> str:
    return csrf_from(client.get(url).get_data(as_text=True))


def make_staff(role: str, email: str | None = None,
               password: str = DEFAULT_PASSWORD) -> StaffUser:
    """A staff account through the staff service (no audit row: test set-up)."""
    return create_staff(StaffAccount(email=email or f"{role}-{uuid.uuid4().hex[:6]}@example.org",
                                     name=f"Test {role}", role=role, password=password),
                        audited=False)


def choose_consultation(client, consultation: Any) -> Any:
    """Choose the consultation a staff member works on (or "all") in the admin's
    header, as its switcher does; the response, for the test to judge."""
    value = consultation if isinstance(consultation, str) else str(consultation.id)
    return client.post("/admin/werkruimte/", data={
        "csrf_token": get_csrf(client, "/admin/"), "consultation": value, "next": "/admin/"})


def login(client, user: StaffUser, password: str = DEFAULT_PASSWORD):
    token = get_csrf(client)
    response = client.post("/auth/login", data={"csrf_token": token, "email": user.email,
                                                "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@pytest.fixture
def admin_user(app):
    return make_staff("admin")


@pytest.fixture
def admin_client(app, admin_user):
    client = app.test_client()
    login(client, admin_user)
    return client


@contextlib.contextmanager
def count_queries() -> Iterator[Any]:
    """Count the SQL statements run inside the block: ``with count_queries() as c: ...;
    c.count`` (``c.statements`` holds them), for the statement-count tests."""

    class Counted:
        statements: list[str]

        @property
        def count(self) -> int:
            return len(self.statements)

    counted = Counted()
    counted.statements = []
    database = db.obj
    original = database.execute_sql

    def execute_sql(sql, params=None, *args, **kwargs):
        counted.statements.append(sql)
        return original(sql, params, *args, **kwargs)

    database.execute_sql = execute_sql
    try:
        yield counted
    finally:
        del database.execute_sql


def forget_caches(app: Flask) -> None:
    """Empty the per-process caches (plugin switches, cached pages and figures), so a
    request does its cold work."""
    from consultplatform.cache import EXTENSION_KEY
    from consultplatform.plugins import registry

    registry(app).forget_state()
    app.extensions[EXTENSION_KEY].clear()


def statements_of(client: Any, url: str, *, status: int = 200) -> list[str]:
    """The SQL statements one cold GET of ``url`` runs (caches emptied first)."""
    forget_caches(client.application)
    with count_queries() as counted:
        response = client.get(url)
    assert response.status_code == status, f"GET {url}: {response.status_code}"
    return counted.statements


def assert_flat_statements(client: Any, url: str, grow: Any, *, status: int = 200) -> int:
    """The one-line statement-count test: ``url`` runs as many statements after
    ``grow()`` has added rows as before (no query per row). Returns the count."""
    small = statements_of(client, url, status=status)
    grow()
    large = statements_of(client, url, status=status)
    assert len(large) == len(small), (
        f"GET {url}: {len(small)} statements before growing, {len(large)} after: "
        "a query per row?\n" + "\n".join(large))
    return len(small)
