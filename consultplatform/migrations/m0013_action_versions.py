"""Actions for the workshops (issue 14): a version for the optimistic check, the
department that carries an action out, the action a merged one went into, codes of
a configurable vocabulary (up to 40 characters); who made an insight's link; the
note beside an insight's set-aside reason."""

from peewee import *


def up(migrator, db):
    # Columns added in place on both databases (SQLite: no table rebuild, see m0012).
    postgres = isinstance(db, PostgresqlDatabase)
    for sql in (
        "ALTER TABLE action ADD COLUMN version INTEGER NOT NULL DEFAULT 1",
        "ALTER TABLE action ADD COLUMN department VARCHAR(120) NOT NULL DEFAULT ''",
        "ALTER TABLE action ADD COLUMN merged_into_id INTEGER NULL "
        "REFERENCES action (id) ON DELETE SET NULL",
        "ALTER TABLE insight_action ADD COLUMN created_by_id INTEGER NULL "
        "REFERENCES staff_user (id) ON DELETE SET NULL",
        "ALTER TABLE insight ADD COLUMN set_aside_note TEXT NOT NULL DEFAULT ''",
    ):
        db.execute_sql(sql)
    if postgres:
        for column in ("kind", "owner", "horizon"):
            db.execute_sql(f"ALTER TABLE action ALTER COLUMN {column} TYPE VARCHAR(40)")
    db.execute_sql("CREATE INDEX action_merged_into_id ON action (merged_into_id)")
    db.execute_sql("CREATE INDEX insight_action_created_by_id ON insight_action (created_by_id)")


def down(migrator, db):
    db.execute_sql("DROP INDEX IF EXISTS action_merged_into_id")
    db.execute_sql("DROP INDEX IF EXISTS insight_action_created_by_id")
    migrator.migrate(migrator.drop_column('action', 'version'),
                     migrator.drop_column('action', 'department'),
                     migrator.drop_column('action', 'merged_into_id'),
                     migrator.drop_column('insight_action', 'created_by_id'),
                     migrator.drop_column('insight', 'set_aside_note'))
