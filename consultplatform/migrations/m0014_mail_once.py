"""A participant mail that goes once per person (issue 15): the outbox's
``once_key``, unique, so pressing "send" twice, or two workers at once, queue
one mail per key. NULL for every mail that may repeat (NULLs never collide)."""

from peewee import *


def up(migrator, db):
    db.execute_sql("ALTER TABLE mail_outbox ADD COLUMN once_key VARCHAR(160) NULL")
    db.execute_sql("CREATE UNIQUE INDEX mail_outbox_once_key ON mail_outbox (once_key)")


def down(migrator, db):
    db.execute_sql("DROP INDEX IF EXISTS mail_outbox_once_key")
    migrator.migrate(migrator.drop_column('mail_outbox', 'once_key'))
