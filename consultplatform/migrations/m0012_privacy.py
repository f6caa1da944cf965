"""A participant's erasure (issue 12): when their data went; the row stays, nameless."""

from peewee import *


def up(migrator, db):
    # A nullable column without a default: SQLite adds it in place (no table rebuild,
    # which the seat counter triggers on registration would refuse; see m0010).
    kind = 'TIMESTAMP' if isinstance(db, PostgresqlDatabase) else 'DATETIME'
    db.execute_sql(f"ALTER TABLE participant ADD COLUMN erased_at {kind}")


def down(migrator, db):
    migrator.migrate(migrator.drop_column('participant', 'erased_at'))
