"""Content revisions: values that database triggers renew whenever what a cached
page or figure is made of changes, so a cache keyed by them is never stale.

``content_revision`` holds one revision per scope:

- ``public``: consultations, sessions and sectors (what the public pages show,
  apart from the fill levels, which are read from the seat counters);
- ``insights:<consultation id>``: the insights of that consultation's sessions,
  their theme links, its themes, sectors and sessions (what the analyses count:
  a cancelled arena stops counting).

Triggers, not application code, renew them, so every write path (the services,
an admin edit, a cascade, a plugin's own query, a migration) is seen. A new
revision is a random 53-bit number, not the old one plus one: a database
restored from a backup, or emptied between tests, never hands out a revision
again that a shared cache (Redis) already holds other content under. On
PostgreSQL they are constraint triggers deferred to the commit: a transaction
touches a revision row as the very last thing it does, which cannot deadlock
with the row locks it took before. Like the seat counters' triggers, they are
(re)installed after every upgrade (SQLite drops a table's triggers when a
migration rebuilds it).
"""

from __future__ import annotations

import peewee

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
# The consultation a row belongs to, as text ('0' once it is gone: a cascade).
_OF_SESSION = ("COALESCE(CAST((SELECT consultation_id FROM consultation_session "
               "WHERE id = {r}.session_id) AS TEXT), '0')")
_OF_INSIGHT = ("COALESCE(CAST((SELECT s.consultation_id FROM insight i JOIN consultation_session s "
               "ON s.id = i.session_id WHERE i.id = {r}.insight_id) AS TEXT), '0')")
_OF_OWN = "CAST({r}.consultation_id AS TEXT)"

# (table, [scope expressions over {r}, the OLD or NEW row])
WATCHED: list[tuple[str, list[str]]] = [
    ("consultation", [PUBLIC]),
    ("consultation_session", [PUBLIC, f"'insights:' || {_OF_OWN}"]),
    ("sector", [PUBLIC, f"'insights:' || {_OF_OWN}"]),
    ("theme", [f"'insights:' || {_OF_OWN}"]),
    ("insight", [f"'insights:' || {_OF_SESSION}"]),
    ("insight_theme", [f"'insights:' || {_OF_INSIGHT}"]),
]

_RENEW = ("INSERT INTO content_revision (scope, n) VALUES ({scope}, {random}) "
          "ON CONFLICT (scope) DO UPDATE SET n = excluded.n;")
_RANDOM = {"sqlite": "(random() >> 11)", "postgres": "floor(random() * 9007199254740991)::bigint"}


def _bumps(scopes: list[str], row: str, dialect: str) -> str:
    return " ".join(_RENEW.format(scope=scope.format(r=row), random=_RANDOM[dialect])
                    for scope in scopes)


def _sqlite_statements() -> list[str]:
    statements = []
    for table, scopes in WATCHED:
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS revision_{table}_{event.lower()} AFTER {event} "
                f"ON {table} BEGIN {_bumps(scopes, row, 'sqlite')} END")
    return statements


def _postgres_statements() -> list[str]:
    statements = []
    for table, scopes in WATCHED:
        statements.append(
            f"""CREATE OR REPLACE FUNCTION revision_{table}() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'DELETE' THEN {_bumps(scopes, 'OLD', 'postgres')}
              ELSE {_bumps(scopes, 'NEW', 'postgres')} END IF;
              RETURN NULL;
            END $$""")
        statements.append(f"DROP TRIGGER IF EXISTS revision_{table} ON {table}")
        statements.append(
            f"""CREATE CONSTRAINT TRIGGER revision_{table}
            AFTER INSERT OR UPDATE OR DELETE ON {table}
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION revision_{table}()""")
    return statements


def install_triggers(database: peewee.Database) -> None:
    """Create the table and the triggers where they are missing (idempotent)."""
    database.execute_sql(TABLE)
    for statement in _postgres_statements() if is_postgres(database) else _sqlite_statements():
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
