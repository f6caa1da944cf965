"""Numbered migrations build exactly the schema the models describe."""

import pytest
from peewee import IntegrityError
from playhouse.schema_diff import diff_models

from consultplatform.db import db
from consultplatform.migrate import upgrade
from consultplatform.models import CORE_MODELS, Registration, SitePage, StaffUser
from consultplatform.plugins import registry
from tests import factories
from tests.conftest import make_app


def test_schema_matches_the_models(app):
    plugin_models = [m for _, m in registry(app).items("cp_models", only_enabled=False)]
    with db.obj.connection_context():
        diff = diff_models(db.obj, CORE_MODELS + plugin_models)
    assert not diff, f"the models changed without a migration:\n{diff}"


def test_upgrade_on_a_fresh_database_then_again(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'fresh.sqlite3'}", tmp_path)
    with app.app_context():
        first = upgrade(registry())
        assert first == ["core:m0001_initial", "core:m0002_site_pages", "core:m0003_signup",
                         "fullhooks:m0001_initial"]
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
