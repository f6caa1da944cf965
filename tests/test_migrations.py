"""Numbered migrations build exactly the schema the models describe."""

import pytest
from peewee import IntegrityError
from playhouse.schema_diff import diff_models

from consultplatform import search
from consultplatform.db import db
from consultplatform.migrate import CORE_SOURCE, discover, upgrade
from consultplatform.models import CORE_MODELS, Registration, SitePage, StaffUser
from consultplatform.plugins import registry
from consultplatform.testing import factories
from tests.conftest import make_app


def test_schema_matches_the_models(app):
    plugin_models = [m for _, m in registry(app).items("cp_models", only_enabled=False)]
    with db.obj.connection_context():
        diff = diff_models(db.obj, CORE_MODELS + plugin_models)
    # The search index is the database's own (an expression over three columns on
    # PostgreSQL, an FTS5 table on SQLite): no model describes it.
    diff = diff._replace(drop_indexes=[i for i in diff.drop_indexes
                                       if i.name not in search.DATABASE_ONLY])
    assert not diff, f"the models changed without a migration:\n{diff}"


def test_upgrade_on_a_fresh_database_then_again(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'fresh.sqlite3'}", tmp_path)
    with app.app_context():
        first = upgrade(registry())
        # The core first; the plugins' order among themselves is not defined.
        core = [f"core:{m.name}" for m in discover(CORE_SOURCE)]
        assert core[:10] == ["core:m0001_initial", "core:m0002_site_pages", "core:m0003_signup",
                             "core:m0004_login_lockout", "core:m0005_trajectory",
                             "core:m0006_seat_tally", "core:m0007_outbox_compose",
                             "core:m0008_scale", "core:m0009_workspace",
                             "core:m0010_consultation_questions"]
        assert first[:len(core)] == core
        assert sorted(first[len(core):]) == ["expertarena:m0001_initial",
                                     "expertarena:m0002_insights_to_core",
                                     "exports:m0001_initial",
                                     "fullhooks:m0001_initial", "fullhooks:m0002_contact",
                                     "validation:m0001_initial",
                                     "workshops:m0001_initial"]
        assert upgrade(registry()) == []
        assert {p.slug for p in SitePage.select()} == {"toegankelijkheid", "privacy"}
        assert StaffUser.select().count() == 0
    db.close()


def test_registration_is_unique_per_session_and_participant_in_the_database(app):
    parent = factories.consultation()
    meeting, person = factories.session(parent), factories.participant(parent)
    factories.registration(person, meeting)
    with pytest.raises(IntegrityError), db.atomic():
        Registration.insert(participant=person, session=meeting, token="another-token").execute()
    assert Registration.select().count() == 1


def test_participant_email_is_unique_per_consultation(app):
    first, second = factories.consultation(), factories.consultation()
    factories.participant(first, email="zelfde@example.org")
    factories.participant(second, email="zelfde@example.org")  # another consultation: fine
    with pytest.raises(IntegrityError), db.atomic():
        factories.participant(first, email="zelfde@example.org")


def test_upgrading_a_database_with_data_from_the_first_release(tmp_path):
    """Rows made before the sign-up migration survive it (on SQLite a column change copies
    the table: with foreign keys on, that used to cascade-delete the registrations)."""
    import datetime as dt
    import importlib

    from playhouse.migrate import SchemaMigrator

    from consultplatform.migrate import SchemaMigration

    app = make_app(f"sqlite:///{tmp_path / 'old.sqlite3'}", tmp_path)
    with app.app_context():
        database = db.obj
        migrator = SchemaMigrator.from_database(database)
        SchemaMigration.create_table()
        for name in ("m0001_initial", "m0002_site_pages"):
            importlib.import_module(f"consultplatform.migrations.{name}").up(migrator, database)
            SchemaMigration.create(namespace="core", name=name)
        now = dt.datetime(2026, 1, 1, 12, 0)
        database.execute_sql(
            "INSERT INTO consultation (title, slug, summary, organiser, status, contact_email,"
            " contact_phone, privacy_text, formats, created_at) VALUES "
            "('Oud', 'oud', '', 'Gemeente', 'published', '', '', '', '[\"general\"]', ?)", (now,))
        database.execute_sql(
            "INSERT INTO consultation_session (consultation_id, format_key, title, description,"
            " starts_at, ends_at, location, online_url, audience, status, created_at)"
            " VALUES (1, 'general', 'Sessie', '', ?, ?, '', '', 'public', 'planned', ?)",
            (now, now + dt.timedelta(hours=2), now))
        database.execute_sql(
            "INSERT INTO participant (consultation_id, name, email, organisation, side, language,"
            " created_at) VALUES (1, 'P', 'p@example.org', '', 'entrepreneur', 'nl', ?)", (now,))
        database.execute_sql(
            "INSERT INTO registration (participant_id, session_id, status, token, created_at,"
            " updated_at) VALUES (1, 1, 'confirmed', 'oude-token-1234567890abcdef', ?, ?)",
            (now, now))

        applied = upgrade(registry())
        assert "core:m0003_signup" in applied
        registration = Registration.get()
        assert registration.answers == {} and registration.attendance is None
        assert registration.session.side_caps == {} and registration.session.reminder_hours == 48
        assert registration.participant.news_opt_in is False
    db.close()
