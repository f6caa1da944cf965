"""Outbox rows composed after the commit: what a mail is about, until it is rendered."""

from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column('mail_outbox', 'compose_spec', JSONField(null=True)))
