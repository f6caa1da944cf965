"""A database made by the code before insights moved into the core (core m0001-m0004,
Expertarena m0001, with arenas, insights and theme links in it) upgrades with every
insight, id and link intact, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from playhouse.migrate import SchemaMigrator

from consultplatform.db import db, is_postgres
from consultplatform.migrate import CORE_SOURCE, SchemaMigration, discover, upgrade
from consultplatform.models import Insight, InsightTheme
from consultplatform.plugins import registry
from consultplatform.testing import fresh_database, make_app

OLD_STATE = [("core", "consultplatform.migrations", ["m0001_initial", "m0002_site_pages",
                                                      "m0003_signup", "m0004_login_lockout"]),
             ("expertarena", "consultplatform_expertarena.migrations", ["m0001_initial"]),
             ("fullhooks", "tests.plugin_fullhooks.migrations", ["m0001_initial"])]


@pytest.fixture
def empty_database_url(tmp_path):
    with fresh_database("cp_mig", tmp_path) as url:
        yield url


def _old_database(database) -> None:
    migrator = SchemaMigrator.from_database(database)
    SchemaMigration.create_table()
    for namespace, package, names in OLD_STATE:
        for name in names:
            importlib.import_module(f"{package}.{name}").up(migrator, database)
            SchemaMigration.create(namespace=namespace, name=name)


def _fill(database) -> None:
    now = dt.datetime(2026, 3, 1, 19, 0)
    run = database.execute_sql
    p = "%s" if is_postgres(database) else "?"
    run("INSERT INTO staff_user (id, email, name, password_hash, role, active, language,"
        " session_token, created_at, failed_logins) VALUES"
        f" (3, 'mod@example.org', 'Moderator', 'x', 'moderator', {p}, 'nl', 't', {p}, 0)",
        (True, now))
    run("INSERT INTO consultation (id, title, slug, summary, organiser, status, contact_email,"
        " contact_phone, privacy_text, formats, created_at) VALUES (1, 'Oud', 'oud', '',"
        f" 'Gemeente', 'published', '', '', '', '[\"expertarena\"]', {p})", (now,))
    run("INSERT INTO sector (id, consultation_id, name, position) VALUES (7, 1, 'Zorg', 0)")
    run("INSERT INTO consultation_session (id, consultation_id, format_key, title, description,"
        " starts_at, ends_at, location, online_url, audience, status, created_at, sector_id,"
        " side_caps, reminder_hours)"
        f" VALUES (4, 1, 'expertarena', 'Arena zorg', '', {p}, {p}, '', '', 'public',"
        f" 'closed', {p}, 7, '{{}}', 48)", (now, now + dt.timedelta(hours=2), now))
    run("INSERT INTO expertarena_arena_sector (session_id, sector_id, position) VALUES (4, 7, 0)")
    for ident, name in ((11, "Arbeidsmarkt"), (12, "Ruimte")):
        run("INSERT INTO theme (id, consultation_id, name, description, colour, position, active)"
            f" VALUES ({ident}, 1, '{name}', '', '#1f5f8b', 0, {p})", (True,))
    for ident, text, weight, key in ((5, "Te weinig personeel", 3, "key-five-0123456789"),
                                     (9, "Geen bedrijfsruimte", 2, None)):
        run("INSERT INTO expertarena_insight (id, session_id, text, category, sector_id, actor,"
            " quote, weight, created_by_id, created_at, updated_at, submission_key) VALUES"
            f" ({ident}, 4, '{text}', 'barrieres', 7, 'gemeente', 'Citaat', {weight}, 3, {p},"
            f" {p}, {p})", (now, now, key))
    for ident, insight, theme in ((21, 5, 11), (22, 9, 11), (23, 9, 12)):
        run("INSERT INTO expertarena_insight_theme (id, insight_id, theme_id) VALUES"
            f" ({ident}, {insight}, {theme})")


def core_since(first: str) -> list[str]:
    """The core's migrations from ``first`` on, as upgrade() names them."""
    names = [m.name for m in discover(CORE_SOURCE)]
    return [f"core:{name}" for name in names[names.index(first):]]


def test_old_insights_move_into_the_core_with_their_ids(empty_database_url, tmp_path):
    app = make_app(empty_database_url, tmp_path)
    with app.app_context():
        database = db.obj
        with database.connection_context():
            _old_database(database)
            _fill(database)
        applied = upgrade(registry())
        # The test plugin's later migration comes with it (the old state had its first),
        # and the exports plugin, which that release did not have.
        assert sorted(applied) == sorted([*core_since("m0005_trajectory"),
                                          "expertarena:m0002_insights_to_core",
                                          "exports:m0001_initial",
                                          "validation:m0001_initial",
                                          "workshops:m0001_initial",
                                          "fullhooks:m0002_contact"])
        tables = set(database.get_tables())
        assert "expertarena_insight" not in tables and "expertarena_insight_theme" not in tables
        rows = {i.id: i for i in Insight.select()}
        assert sorted(rows) == [5, 9]
        five = rows[5]
        assert (five.text, five.category, five.sector_id, five.actor, five.quote, five.weight,
                five.created_by_id, five.session_id, five.submission_key) == (
            "Te weinig personeel", "barrieres", 7, "gemeente", "Citaat", 3, 3, 4,
            "key-five-0123456789")
        assert five.created_at == dt.datetime(2026, 3, 1, 19, 0)
        assert five.set_aside_reason == "" and rows[9].submission_key is None
        links = sorted((link.id, link.insight_id, link.theme_id) for link in InsightTheme.select())
        assert links == [(21, 5, 11), (22, 9, 11), (23, 9, 12)]
        # New rows continue after the copied ids (PostgreSQL's sequences were moved on).
        fresh = Insight.create(session=4, text="Nieuw", category="ambities")
        assert fresh.id > 9
        assert InsightTheme.create(insight=fresh, theme=12).id > 23
        assert upgrade(registry()) == []
    db.close()


def test_old_insights_move_up_past_insights_the_core_already_has(empty_database_url, tmp_path):
    """The plugin installed again after another format recorded insights: its rows get
    ids after the core's, and their theme links follow them."""
    app = make_app(empty_database_url, tmp_path)
    with app.app_context():
        database = db.obj
        with database.connection_context():
            _old_database(database)
            _fill(database)
            module = importlib.import_module("consultplatform.migrations.m0005_trajectory")
            module.up(SchemaMigrator.from_database(database), database)
            SchemaMigration.create(namespace="core", name="m0005_trajectory")
        # Written with the columns of m0005 (the model has grown since).
        database.execute_sql(
            "INSERT INTO insight (id, session_id, text, category, actor, quote, weight, "
            "created_at, updated_at, set_aside_reason) VALUES (5, 4, 'Uit een werkplaats', "
            "'ambities', '', '', 1, '2026-01-01', '2026-01-01', '')")
        InsightTheme.create(id=21, insight=5, theme=12)
        assert sorted(upgrade(registry())) == sorted([*core_since("m0006_seat_tally"),
                                                      "expertarena:m0002_insights_to_core",
                                                      "exports:m0001_initial",
                                                      "validation:m0001_initial",
                                                      "workshops:m0001_initial",
                                                      "fullhooks:m0002_contact"])
        texts = {i.id: i.text for i in Insight.select()}
        assert texts == {5: "Uit een werkplaats", 10: "Te weinig personeel",
                         14: "Geen bedrijfsruimte"}
        links = sorted((link.id, link.insight_id, link.theme_id) for link in InsightTheme.select())
        assert links == [(21, 5, 12), (42, 10, 11), (43, 14, 11), (44, 14, 12)]
        assert Insight.create(session=4, text="Nieuw", category="ambities").id > 14
    db.close()
