"""Finding participants by part of their name, e-mail address or organisation,
through an index on both databases (a scan over 100,000 rows took 350 ms).

- PostgreSQL: a trigram index (pg_trgm) on the three columns joined by spaces,
  used by ``ILIKE '%part%'``. The extension is created by the migration; where
  the database user may not create it, search works the same without the index
  (the upgrade logs that once).
- SQLite: an FTS5 table with the trigram tokenizer over the same columns, kept
  by triggers (external content), queried with a phrase per word.

Each word of the query must occur (in any of the three columns); a word under
three characters is matched by a plain scan, as trigrams cannot find it.
"""

from __future__ import annotations

import logging

import peewee
from peewee import SQL, NodeList, fn

from consultplatform.db import is_postgres
from consultplatform.models import Participant

log = logging.getLogger(__name__)

# The FTS5 table and the tables SQLite keeps for it (never emptied by hand).
SQLITE_TABLE = "participant_search"
COLUMNS = ("name", "email", "organisation")
MIN_INDEXED = 3

_SQLITE = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS participant_search USING fts5(
        name, email, organisation, content='participant', content_rowid='id',
        tokenize='trigram')""",
    """CREATE TRIGGER IF NOT EXISTS participant_search_insert AFTER INSERT ON participant BEGIN
        INSERT INTO participant_search (rowid, name, email, organisation)
        VALUES (NEW.id, NEW.name, NEW.email, NEW.organisation); END""",
    """CREATE TRIGGER IF NOT EXISTS participant_search_delete AFTER DELETE ON participant BEGIN
        INSERT INTO participant_search (participant_search, rowid, name, email, organisation)
        VALUES ('delete', OLD.id, OLD.name, OLD.email, OLD.organisation); END""",
    """CREATE TRIGGER IF NOT EXISTS participant_search_update AFTER UPDATE OF name, email,
        organisation ON participant BEGIN
        INSERT INTO participant_search (participant_search, rowid, name, email, organisation)
        VALUES ('delete', OLD.id, OLD.name, OLD.email, OLD.organisation);
        INSERT INTO participant_search (rowid, name, email, organisation)
        VALUES (NEW.id, NEW.name, NEW.email, NEW.organisation); END""",
]
_SQLITE_REBUILD = "INSERT INTO participant_search (participant_search) VALUES ('rebuild')"
_SQLITE_MATCH = "(SELECT rowid FROM participant_search WHERE participant_search MATCH ?)"
# Indexes no model declares (the schema check leaves them out).
DATABASE_ONLY = ("participant_search_trgm",)
_POSTGRES_INDEX = ("CREATE INDEX IF NOT EXISTS participant_search_trgm ON participant "
                   "USING gin ((name || ' ' || email || ' ' || organisation) gin_trgm_ops)")


def install(database: peewee.Database, *, fill: bool = False) -> None:
    """Create the index (and on SQLite its triggers) where missing; ``fill`` indexes
    the participants there are already (the migration)."""
    if is_postgres(database):
        try:
            with database.atomic():
                database.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                database.execute_sql(_POSTGRES_INDEX)
        except peewee.DatabaseError as refused:
            log.warning("participant search has no trigram index (pg_trgm could not be "
                        "created: %s); it works, but scans the table", refused)
        return
    for statement in _SQLITE:
        database.execute_sql(statement)
    if fill:
        database.execute_sql(_SQLITE_REBUILD)


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
    if len(word) < MIN_INDEXED:
        return NodeList((fn.lower(_joined()), SQL("LIKE"), _like_pattern(word.lower()),
                         SQL("ESCAPE '\\'")))
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
