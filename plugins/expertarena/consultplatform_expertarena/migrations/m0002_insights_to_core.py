"""Insights move to the core (core migration m0005 made ``insight`` and
``insight_theme``): every row and theme link is copied with its id, the id
sequences continue after them, and the plugin's own two tables go."""

COLUMNS = ('id, session_id, text, category, sector_id, actor, quote, weight, created_by_id,'
           ' created_at, updated_at, submission_key')


def up(migrator, db):
    tables = set(db.get_tables())
    if 'expertarena_insight' not in tables:
        return
    # The core's columns of an insight's fate have no database default: '' is "open".
    db.execute_sql(f"INSERT INTO insight ({COLUMNS}, set_aside_reason)"
                   f" SELECT {COLUMNS}, '' FROM expertarena_insight")
    db.execute_sql('INSERT INTO insight_theme (id, insight_id, theme_id)'
                   ' SELECT id, insight_id, theme_id FROM expertarena_insight_theme')
    if db.__class__.__name__.startswith('Postgres'):
        for table in ('insight', 'insight_theme'):
            # The next id after the copied ones (or 1 for an empty table).
            db.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" COALESCE((SELECT MAX(id) FROM {table}), 1),"
                f" (SELECT MAX(id) FROM {table}) IS NOT NULL)")
    db.execute_sql('DROP TABLE expertarena_insight_theme')
    db.execute_sql('DROP TABLE expertarena_insight')
