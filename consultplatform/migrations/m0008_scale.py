"""Staff pages and caches at 100,000 rows: a session's waiting list in promotion
order, and the content revisions caches are keyed by (consultplatform.revisions;
its triggers are installed after every upgrade)."""

from consultplatform.revisions import install_triggers


def up(migrator, db):
    migrator.migrate(migrator.add_index('registration', ('session_id', 'status', 'queue_rank', 'id'), False))
    install_triggers(db)
