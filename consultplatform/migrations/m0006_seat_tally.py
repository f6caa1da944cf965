"""Seat counters (``seat_tally``), kept by triggers; see consultplatform.seat_counts.

The trigger definitions live in that module because the upgrade re-installs
them whenever they are missing (SQLite drops them when it rebuilds a table).
"""

from consultplatform.seat_counts import FILL, TABLE, install_triggers


def up(migrator, db):
    db.execute_sql(TABLE)
    install_triggers(db)
    db.execute_sql(FILL)
