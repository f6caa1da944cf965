"""Insights move to the core (core migration m0005 made ``insight`` and
``insight_theme``): every row and theme link is copied with its id, the id
sequences continue after them, and the plugin's own two tables go.

Should the core tables already hold insights (the plugin installed again after
other formats recorded some), the copied ids are moved up past the existing
ones, links included, rather than clash."""

from peewee import PostgresqlDatabase

COLUMNS = ('session_id, text, category, sector_id, actor, quote, weight, created_by_id,'
           ' created_at, updated_at, submission_key')


def up(migrator, db):
    tables = set(db.get_tables())
    if 'expertarena_insight' not in tables:
        return
    shift = db.execute_sql('SELECT COALESCE(MAX(id), 0) FROM insight').fetchone()[0]
    link_shift = db.execute_sql('SELECT COALESCE(MAX(id), 0) FROM insight_theme').fetchone()[0]
    # The core's columns of an insight's fate have no database default: '' is "open".
    db.execute_sql(f"INSERT INTO insight (id, {COLUMNS}, set_aside_reason)"
                   f" SELECT id + {int(shift)}, {COLUMNS}, '' FROM expertarena_insight")
    db.execute_sql('INSERT INTO insight_theme (id, insight_id, theme_id)'
                   f' SELECT id + {int(link_shift)}, insight_id + {int(shift)}, theme_id'
                   ' FROM expertarena_insight_theme')
    if isinstance(db, PostgresqlDatabase):
        for table in ('insight', 'insight_theme'):
            # The next id after the copied ones (or 1 for an empty table).
            db.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" COALESCE((SELECT MAX(id) FROM {table}), 1),"
                f" (SELECT MAX(id) FROM {table}) IS NOT NULL)")
    db.execute_sql('DROP TABLE expertarena_insight_theme')
    db.execute_sql('DROP TABLE expertarena_insight')
