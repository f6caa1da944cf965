"""Shared fixtures: a real database (SQLite file, or PostgreSQL when
TEST_DATABASE_URL is set), an app with the test plugin, logged-in clients."""

from __future__ import annotations

import os
import re
import secrets
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from consultplatform import create_app
from consultplatform.db import db
from consultplatform.models import StaffUser

TEST_PLUGIN = "fullhooks=tests.plugin_fullhooks"
PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def _admin_dsn(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, "", ""))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    """A fresh database for the whole run, removed afterwards."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    name = f"cp_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_admin_dsn(PG_URL), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(PG_URL)
    yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
    if db.obj is not None and not db.is_closed():
        db.close()
    with psycopg.connect(_admin_dsn(PG_URL), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("instance")


def make_app(database_url: str, instance_dir, **overrides):
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(instance_dir),
        "PLUGINS_EXTRA": [TEST_PLUGIN],
        "SECRET_KEY": "test-" + secrets.token_hex(8),
        "LOG_LEVEL": "WARNING",
        "MAIL_ENQUEUE_ON_COMMIT": False,
        # Each test app counts on its own; the shared SQLite store has tests of its own.
        "RATELIMIT_STORAGE_URI": "memory://",
    }
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


def _clean_tables() -> None:
    """Empty every table but the migration record; re-seed the data migrations made."""
    from consultplatform.migrations import m0002_site_pages

    database = db.obj
    tables = [t for t in database.get_tables() if t != "schema_migration"]
    if not tables:
        return
    if "PostgresqlDatabase" in type(database).__name__:
        database.execute_sql("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                             + " RESTART IDENTITY CASCADE")
    else:
        database.execute_sql("PRAGMA foreign_keys = OFF")
        for table in tables:
            database.execute_sql(f'DELETE FROM "{table}"')
        database.execute_sql("DELETE FROM sqlite_sequence") if "sqlite_sequence" in [
            r[0] for r in database.execute_sql(
                "SELECT name FROM sqlite_master WHERE type='table'").fetchall()] else None
        database.execute_sql("PRAGMA foreign_keys = ON")
    m0002_site_pages.up(None, database)


@pytest.fixture
def app(migrated, instance_dir):
    """A fresh app on emptied tables. No app context stays pushed: a pushed one
    would be reused by every test-client request and keep ``g`` between them."""
    application = make_app(migrated, instance_dir)
    with application.app_context():
        db.connect(reuse_if_open=True)
        _clean_tables()
    yield application
    if not db.is_closed():
        db.close()


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


def make_staff(role: str, email: str | None = None, password: str = "correct horse battery") -> StaffUser:
    user = StaffUser(email=email or f"{role}-{uuid.uuid4().hex[:6]}@example.org",
                     name=f"Test {role}", role=role)
    user.set_password(password)
    user.save()
    return user


def login(client, user: StaffUser, password: str = "correct horse battery"):
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
