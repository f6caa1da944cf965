"""Per-account login throttling: failed attempts, the lock and its unlock link."""

from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column('staff_user', 'failed_logins', IntegerField(default=0)))
    migrator.migrate(migrator.add_column('staff_user', 'last_failed_login_at', DateTimeField(null=True)))
    migrator.migrate(migrator.add_column('staff_user', 'locked_until', DateTimeField(null=True)))
    migrator.migrate(migrator.add_column('staff_user', 'unlock_token_hash', CharField(max_length=64, null=True)))


def down(migrator, db):
    for column in ('unlock_token_hash', 'locked_until', 'last_failed_login_at', 'failed_logins'):
        migrator.migrate(migrator.drop_column('staff_user', column))
