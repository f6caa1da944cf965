"""Content revisions: values that database triggers renew whenever what a cached
page or figure is made of changes, so a cache keyed by them is never stale.

``content_revision`` holds one revision per scope:

- ``public``: consultations, sessions, sectors and sign-up questions (a session's
  and a consultation's; what the public pages show, apart from the fill levels,
  which are read from the seat counters, and the clock), and plugin settings
  (a plugin's block on a consultation's page may show them: hook ``cp_public_blocks``);
- ``insights:<consultation id>``: the insights of that consultation's sessions,
  their theme links, its themes, sectors and sessions (what the analyses count:
  a cancelled arena stops counting).

Plugins name their own tables through the ``cp_content_revisions`` hook.

Triggers, not application code, renew them, so every write path (the services,
an admin edit, a cascade, a plugin's own query, a migration) is seen. A new
revision is a random 53-bit number, not the old one plus one: a database
restored from a backup, or emptied between tests, never hands out a revision
again that a shared cache (Redis) already holds other content under. On
PostgreSQL they are constraint triggers deferred to the commit, so a transaction
touches revision rows as the very last thing it does; and each first locks one
row every such transaction locks first (scope ``~order``), so two transactions
that renew the same scopes in another order queue up instead of deadlocking.
An update renews the scopes of the row before and after (it may have moved to
another consultation). Like the seat counters' triggers, they are made again
after every upgrade (SQLite drops a table's triggers when a migration rebuilds
it, and a changed definition must take effect).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

import peewee

from consultplatform.contributions import ContentWatch
from consultplatform.db import is_postgres
from consultplatform.models import ContentRevision
from consultplatform.prepared import CompiledQuery

TABLE = """
CREATE TABLE IF NOT EXISTS content_revision (
    scope VARCHAR(60) NOT NULL PRIMARY KEY,
    n BIGINT NOT NULL DEFAULT 0
)"""

PUBLIC_SCOPE = "public"
PUBLIC = f"'{PUBLIC_SCOPE}'"
_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]{0,62}")


def _of_session(column: str) -> str:
    """The insights scope of the consultation of the session in ``column`` ('0' once
    the session is gone: a cascade)."""
    return ("'insights:' || COALESCE(CAST((SELECT consultation_id FROM "  # noqa: S608
            f"consultation_session WHERE id = {{r}}.{column}) AS TEXT), '0')")  # names checked


def _of_consultation(column: str) -> str:
    return f"'insights:' || CAST({{r}}.{column} AS TEXT)"


_OF_INSIGHT = ("'insights:' || COALESCE(CAST((SELECT s.consultation_id FROM insight i "
               "JOIN consultation_session s ON s.id = i.session_id WHERE i.id = {r}.insight_id) "
               "AS TEXT), '0')")

# (table, [scope expressions over {r}, the OLD or NEW row]): the core's own tables.
WATCHED: list[tuple[str, list[str]]] = [
    ("consultation", [PUBLIC]),
    ("consultation_session", [PUBLIC, _of_consultation("consultation_id")]),
    ("sector", [PUBLIC, _of_consultation("consultation_id")]),
    ("session_question", [PUBLIC]),
    ("consultation_question", [PUBLIC]),
    ("plugin_setting", [PUBLIC]),
    ("theme", [_of_consultation("consultation_id")]),
    ("insight", [_of_session("session_id")]),
    ("insight_theme", [_OF_INSIGHT]),
]


def content_watches(registry: Any) -> list[ContentWatch]:
    """The plugins' tables whose changes renew content revisions (cp_content_revisions),
    checked: ContentWatch items, tables with the plugin's prefix, plain names."""
    from consultplatform.plugins import PluginError

    found = []
    for name, watch in registry.items("cp_content_revisions", only_enabled=False):
        if not isinstance(watch, ContentWatch) or not watch.table.startswith(f"{name}_"):
            raise PluginError(f"{name}.cp_content_revisions must return ContentWatch items "
                              f"for tables named '{name}_...'")
        try:
            watched(watch)
        except ValueError as wrong:
            raise PluginError(f"{name}.cp_content_revisions: {wrong}") from None
        found.append(watch)
    return found


def watched(watch: ContentWatch) -> tuple[str, list[str]]:
    """A plugin's :class:`ContentWatch` as a table and its scope expressions."""
    names = [watch.table, watch.session_column or "a", watch.consultation_column or "a"]
    if not all(_IDENTIFIER.fullmatch(name) for name in names):
        raise ValueError(f"not a table or column name: {names}")
    scopes = [PUBLIC] if watch.public else []
    if watch.session_column:
        scopes.append(_of_session(watch.session_column))
    if watch.consultation_column:
        scopes.append(_of_consultation(watch.consultation_column))
    if not scopes:
        raise ValueError(f"{watch.table}: a ContentWatch names no revision to renew")
    return watch.table, scopes


_RENEW = ("INSERT INTO content_revision (scope, n) VALUES ({scope}, {random}) "
          "ON CONFLICT (scope) DO UPDATE SET n = excluded.n;")
_RANDOM = {"sqlite": "(random() >> 11)", "postgres": "floor(random() * 9007199254740991)::bigint"}


def _bumps(scopes: list[str], row: str, dialect: str) -> str:
    return " ".join(_RENEW.format(scope=scope.format(r=row), random=_RANDOM[dialect])
                    for scope in scopes)


def _sqlite_statements(tables: list[tuple[str, list[str]]]) -> list[str]:
    """Dropped and made again at every upgrade, so a changed definition takes effect. An
    update renews the scopes of the row before and after (it may have moved)."""
    statements = []
    for table, scopes in tables:
        for event, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")),
                            ("DELETE", ("OLD",))):
            name = f"revision_{table}_{event.lower()}"
            renew = " ".join(_bumps(scopes, row, "sqlite") for row in rows)
            statements.append(f"DROP TRIGGER IF EXISTS {name}")
            statements.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                              f"BEGIN {renew} END")
    return statements




def _postgres_name(table: str) -> str:
    """``revision_<table>``, kept within PostgreSQL's 63 characters (a hash tells long
    names apart)."""
    name = f"revision_{table}"
    if len(name) <= 63:
        return name
    return f"{name[:50]}_{hashlib.sha256(table.encode()).hexdigest()[:12]}"


# Every revision-renewing transaction locks this row first (created when missing).
_ORDER_FIRST = ("INSERT INTO content_revision (scope, n) VALUES ('~order', 0) "
                "ON CONFLICT (scope) DO UPDATE SET n = 0;")


def _postgres_statements(tables: list[tuple[str, list[str]]]) -> list[str]:
    statements = []
    for table, scopes in tables:
        name = _postgres_name(table)
        statements.append(
            f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
              {_ORDER_FIRST}
              IF TG_OP <> 'INSERT' THEN {_bumps(scopes, 'OLD', 'postgres')} END IF;
              IF TG_OP <> 'DELETE' THEN {_bumps(scopes, 'NEW', 'postgres')} END IF;
              RETURN NULL;
            END $$""")
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        statements.append(
            f"""CREATE CONSTRAINT TRIGGER {name}
            AFTER INSERT OR UPDATE OR DELETE ON {table}
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {name}()""")
    return statements


def install_triggers(database: peewee.Database, plugins: Sequence[ContentWatch] = ()) -> None:
    """Create the table and the triggers where they are missing (idempotent): for the
    core's tables and the plugins' watched ones (tables not there yet are skipped)."""
    database.execute_sql(TABLE)
    present = set(database.get_tables())
    tables = [(t, scopes) for t, scopes in [*WATCHED, *(watched(w) for w in plugins)]
              if t in present]
    statements = _postgres_statements(tables) if is_postgres(database) \
        else _sqlite_statements(tables)
    for statement in statements:
        database.execute_sql(statement)


def revision_query(scope: str):
    """The scope's revision as a subquery (NULL before its first change)."""
    return ContentRevision.select(ContentRevision.n).where(ContentRevision.scope == scope)


_REVISION = CompiledQuery(revision_query, "scope")


def revision(scope: str) -> int:
    """The scope's revision now (0 before its first change)."""
    rows = _REVISION.rows(scope=scope)
    return int(rows[0][0] or 0) if rows else 0


def insights_scope(consultation_id: int) -> str:
    return f"insights:{consultation_id}"
