"""Staff pages and caches at 100,000 rows: a session's waiting list in promotion
order; participant search through an index (consultplatform.search); the content
revisions caches are keyed by (consultplatform.revisions). The search's and the
revisions' triggers are installed again after every upgrade."""

from consultplatform import revisions, search


def up(migrator, db):
    migrator.migrate(migrator.add_index('registration', ('session_id', 'status', 'queue_rank', 'id'), False))
    revisions.install_triggers(db)
    search.install(db, fill=True)
