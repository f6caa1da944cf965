"""Finding participants by part of their name, e-mail address or organisation,
through an index on both databases (a scan over 100,000 rows took 350 ms).

- PostgreSQL: a trigram index (pg_trgm) on the three columns joined by spaces,
  used by ``ILIKE '%part%'``. The extension is created by the migration; where
  the database user may not create it, search works the same without the index
  (the upgrade logs that once).
- SQLite: an FTS5 table with the trigram tokenizer over the same columns, kept
  by triggers (external content), queried with a phrase per word. An SQLite
  older than 3.34 has no trigram tokenizer: search then scans, as before.

Each word of the query must occur (in any of the three columns); a word under
three characters is matched by a plain scan, as trigrams cannot find it. Case
does not matter for ASCII letters on SQLite, for all letters on PostgreSQL.
"""

from __future__ import annotations

import logging
import sqlite3

import peewee
from peewee import SQL, NodeList

from consultplatform.db import db, is_postgres
from consultplatform.models import Participant

log = logging.getLogger(__name__)

# The FTS5 table and the tables SQLite keeps for it (never emptied by hand).
SQLITE_TABLE = "participant_search"
COLUMNS = ("name", "email", "organisation")
MIN_INDEXED = 3

_SQLITE_TABLE = """CREATE VIRTUAL TABLE IF NOT EXISTS participant_search USING fts5(
    name, email, organisation, content='participant', content_rowid='id',
    tokenize='trigram')"""
_SQLITE_TRIGGERS = {
    "participant_search_insert": """AFTER INSERT ON participant BEGIN
        INSERT INTO participant_search (rowid, name, email, organisation)
        VALUES (NEW.id, NEW.name, NEW.email, NEW.organisation); END""",
    "participant_search_delete": """AFTER DELETE ON participant BEGIN
        INSERT INTO participant_search (participant_search, rowid, name, email, organisation)
        VALUES ('delete', OLD.id, OLD.name, OLD.email, OLD.organisation); END""",
    "participant_search_update": """AFTER UPDATE OF name, email, organisation ON participant
        BEGIN
        INSERT INTO participant_search (participant_search, rowid, name, email, organisation)
        VALUES ('delete', OLD.id, OLD.name, OLD.email, OLD.organisation);
        INSERT INTO participant_search (rowid, name, email, organisation)
        VALUES (NEW.id, NEW.name, NEW.email, NEW.organisation); END""",
}
_SQLITE_REBUILD = "INSERT INTO participant_search (participant_search) VALUES ('rebuild')"
_SQLITE_OPTIMIZE = "INSERT INTO participant_search (participant_search) VALUES ('optimize')"
_SQLITE_MATCH = "(SELECT rowid FROM participant_search WHERE participant_search MATCH ?)"
# Indexes no model declares (the schema check leaves them out).
DATABASE_ONLY = ("participant_search_trgm",)
_POSTGRES_INDEX = ("CREATE INDEX IF NOT EXISTS participant_search_trgm ON participant "
                   "USING gin ((name || ' ' || email || ' ' || organisation) gin_trgm_ops)")


def install(database: peewee.Database, *, fill: bool = False) -> None:
    """Create the index (on SQLite: its table and triggers, made again each time so a
    changed definition takes effect). The index is filled from the participants when
    ``fill`` is asked (the migration) and whenever its triggers were missing (a
    migration that rebuilt the participant table dropped them: rows may have changed
    unseen)."""
    if is_postgres(database):
        try:
            with database.atomic():
                database.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                database.execute_sql(_POSTGRES_INDEX)
        except peewee.DatabaseError as refused:
            log.warning("participant search has no trigram index (pg_trgm could not be "
                        "created: %s); it works, but scans the table", refused)
        return
    try:
        database.execute_sql(_SQLITE_TABLE)
    except peewee.OperationalError as refused:  # no trigram tokenizer before SQLite 3.34
        log.warning("participant search has no index (SQLite's FTS5 trigram tokenizer is "
                    "missing: %s); it works, but scans the table", refused)
        return
    present = {row[0] for row in database.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE "
        "'participant_search_%'").fetchall()}
    for name, body in _SQLITE_TRIGGERS.items():
        database.execute_sql(f"DROP TRIGGER IF EXISTS {name}")
        database.execute_sql(f"CREATE TRIGGER {name} {body}")
    if fill or present != set(_SQLITE_TRIGGERS):
        database.execute_sql(_SQLITE_REBUILD)


def compact_search_index() -> None:
    """Rewrite SQLite's search index in one piece: FTS5 keeps a deleted or changed row's
    old entries (its words) until its segments merge, so an erased name would linger
    in the index. PostgreSQL's trigram index is on the table itself; VACUUM (autovacuum)
    clears old row versions."""
    database = db.obj
    if is_postgres(database):
        return
    exists = database.execute_sql("SELECT 1 FROM sqlite_master WHERE name = ?",
                                  (SQLITE_TABLE,)).fetchone()
    if exists:
        database.execute_sql(_SQLITE_OPTIMIZE)


def _trigram_available() -> bool:
    """Does this SQLite library have FTS5 with the trigram tokenizer (3.34 and later)?
    Asked once, of a database in memory: no statement on the real one per request."""
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()


TRIGRAMS = _trigram_available()


def _joined():
    """The three columns as one text, exactly as the PostgreSQL index has them."""
    parts: list = []
    for column in COLUMNS:
        if parts:
            parts.append(SQL("|| ' ' ||"))
        parts.append(getattr(Participant, column))
    return NodeList(parts, glue=" ", parens=True)


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _word_condition(word: str):
    if is_postgres():
        return NodeList((_joined(), SQL("ILIKE"), _like_pattern(word), SQL("ESCAPE '\\'")))
    if len(word) < MIN_INDEXED or not TRIGRAMS:
        # SQLite's LIKE ignores the case of ASCII letters; the word as typed for others.
        return NodeList((_joined(), SQL("LIKE"), _like_pattern(word), SQL("ESCAPE '\\'")))
    phrase = '"' + word.replace('"', '""') + '"'
    return Participant.id.in_(SQL(_SQLITE_MATCH, [phrase]))


def matching(text: str):
    """A condition on Participant: every word of ``text`` occurs in the name, address
    or organisation (case does not matter). None for an empty query."""
    words = [word for word in text.split() if word][:8]
    condition = None
    for word in words:
        part = _word_condition(word[:100])
        condition = part if condition is None else condition & part
    return condition
