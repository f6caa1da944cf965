"""Migration m0010 (issue 11, point 7) on a database made by the code before it, with
people and registrations in it (and the seat counter, revision and search triggers
of m0006 and m0008 in place), on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from playhouse.migrate import SchemaMigrator

from consultplatform.db import db, is_postgres
from consultplatform.migrate import CORE_SOURCE, SchemaMigration, discover, upgrade
from consultplatform.models import ConsultationQuestion, Participant, Registration, SeatTally
from consultplatform.plugins import registry
from consultplatform.revisions import PUBLIC_SCOPE, revision
from consultplatform.testing import fresh_database, make_app

BEFORE = "m0010_consultation_questions"


@pytest.fixture
def empty_database_url(tmp_path):
    with fresh_database("cp_mq", tmp_path) as url:
        yield url


def _database_before(database) -> None:
    migrator = SchemaMigrator.from_database(database)
    SchemaMigration.create_table()
    for pending in discover(CORE_SOURCE):
        if pending.name == BEFORE:
            break
        importlib.import_module(pending.module_path).up(migrator, database)
        SchemaMigration.create(namespace="core", name=pending.name)
    now = dt.datetime(2026, 9, 1, 12, 0)
    p = "%s" if is_postgres(database) else "?"
    run = database.execute_sql
    run("INSERT INTO consultation (id, title, slug, summary, organiser, status, contact_email,"
        " contact_phone, privacy_text, formats, created_at) VALUES (1, 'Oud', 'oud', '',"
        f" 'Gemeente', 'published', '', '', '', '[\"general\"]', {p})", (now,))
    run("INSERT INTO consultation_session (id, consultation_id, format_key, title, description,"
        " starts_at, ends_at, location, online_url, audience, status, created_at, side_caps,"
        f" reminder_hours) VALUES (4, 1, 'general', 'Sessie', '', {p}, {p}, '', '', 'public',"
        f" 'planned', {p}, '{{}}', 48)", (now, now + dt.timedelta(hours=2), now))
    run("INSERT INTO participant (id, consultation_id, name, email, organisation, side,"
        " language, created_at, phone, news_opt_in, news_consent_version) VALUES"
        f" (7, 1, 'Piet', 'piet@example.org', '', 'entrepreneur', 'nl', {p}, '', {p}, '')",
        (now, False))
    run("INSERT INTO registration (participant_id, session_id, status, token, created_at,"
        " updated_at, answers, queue_rank, ics_sequence) VALUES"
        f" (7, 4, 'confirmed', 'oude-token-1234567890abcdef', {p}, {p}, '{{}}', 1, 0)",
        (now, now))


def test_m0010_keeps_people_and_their_seats_and_adds_the_questions(empty_database_url,
                                                                    tmp_path):
    app = make_app(empty_database_url, tmp_path)
    with app.app_context():
        database = db.obj
        with database.connection_context():
            _database_before(database)
        applied = upgrade(registry())
        assert applied[0] == f"core:{BEFORE}"
        with database.connection_context():
            person = Participant.get_by_id(7)
            assert person.answers == {} and person.name == "Piet"
            registration = Registration.get()
            assert registration.participant_id == 7 and registration.status == "confirmed"
            seats = SeatTally.select(SeatTally.n).where((SeatTally.session == 4)
                                                        & (SeatTally.status == "confirmed"))
            assert seats.scalar() == 1
            before = revision(PUBLIC_SCOPE)
            question = ConsultationQuestion.create(consultation=1, label_nl="Hoe gehoord?")
            assert revision(PUBLIC_SCOPE) != before  # the revision trigger is in place
            person.answers = {str(question.id): "De krant"}
            person.save()
            assert Participant.get_by_id(7).answers == {str(question.id): "De krant"}
            Participant.get_by_id(7).delete_instance()  # the seat triggers still work
            assert Registration.select().count() == 0 and not seats.scalar()
            question.consultation.delete_instance(recursive=False)
            assert ConsultationQuestion.select().count() == 0  # on delete cascade
        assert upgrade(registry()) == []
    db.close()
