"""Indexes for staff pages at 100,000 rows: a session's waiting list in promotion order."""


def up(migrator, db):
    migrator.migrate(migrator.add_index('registration', ('session_id', 'status', 'queue_rank', 'id'), False))
