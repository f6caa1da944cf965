"""Who took part in a consultation, and the mails about the consultation as a whole
(``queue_participant_mail``): in the person's language, escaped, once per person
with a ``once_key`` even when two requests queue it at the same moment; an amendment
that brings its new wording (``record_decision``); the demo's plugin stages."""

from __future__ import annotations

import threading

import pytest
from flask_babel import lazy_gettext as _l

from consultplatform.db import db, is_postgres, utcnow, write_transaction
from consultplatform.mail.notices import queue_participant_mail
from consultplatform.models import AgendaDecision, AgendaItemVersion, OutboxMail, Participant
from consultplatform.participation import took_part
from consultplatform.plugins import registry
from consultplatform.services.agenda import (
    AgendaError,
    AgendaItemInput,
    create_agenda_item,
    record_decision,
)
from consultplatform.testing import factories

TEMPLATE = "fullhooks/mail/notice"


@pytest.fixture
def people(app):
    parent = factories.consultation()
    meeting = factories.session(parent)
    came = factories.participant(parent, email="kwam@example.org", name="Kwam")
    english = factories.participant(parent, email="came@example.org", name="Came",
                                    language="en", side="government")
    unknown = factories.participant(parent, email="onbekend@example.org", name="Onbekend")
    absent = factories.participant(parent, email="weg@example.org", name="Weg")
    waiting = factories.participant(parent, email="wacht@example.org", name="Wacht")
    erased = factories.participant(parent, email="gewist@example.org", name="Gewist")
    factories.registration(came, meeting, attendance="attended")
    factories.registration(english, meeting)
    factories.registration(unknown, meeting)
    factories.registration(absent, meeting, attendance="no_show")
    factories.registration(waiting, meeting, status="waitlisted")
    factories.registration(erased, meeting)
    Participant.update(erased_at=utcnow()).where(Participant.id == erased.id).execute()
    factories.participant(parent, email="nooit@example.org", name="Nooit")
    return {"consultation": parent, "came": came, "english": english, "unknown": unknown}


def test_took_part_is_a_confirmed_seat_not_marked_absent(app, people):
    parent = people["consultation"]
    assert [p.name for p in took_part(parent.id)] == ["Kwam", "Came", "Onbekend"]
    assert [p.name for p in took_part(parent.id, ["government"])] == ["Came"]


def test_a_participation_mail_in_the_persons_language_once_per_key(app, people):
    with app.test_request_context():
        for person in took_part(people["consultation"].id):
            assert queue_participant_mail(person, "fullhooks_notice", _l("Reminder: %(title)s"),
                                          TEMPLATE, once_key="fullhooks:notice:1",
                                          note="<b>niet vet</b>")
        again = queue_participant_mail(people["came"], "fullhooks_notice", _l("Reminder"),
                                       TEMPLATE, once_key="fullhooks:notice:1", note="x")
    assert again is False
    mails = {m.to_address: m for m in OutboxMail.select()}
    assert sorted(mails) == ["came@example.org", "kwam@example.org", "onbekend@example.org"]
    assert mails["came@example.org"].language == "en"
    assert mails["came@example.org"].text_body.startswith("Dear Came,")
    assert mails["kwam@example.org"].text_body.startswith("Beste Kwam,")
    assert "&lt;b&gt;niet vet&lt;/b&gt;" in mails["kwam@example.org"].html_body
    assert mails["kwam@example.org"].once_key == f"fullhooks:notice:1:{people['came'].id}"


def test_an_erased_person_gets_no_mail_and_keys_without_once_repeat(app, people):
    erased = Participant.get(Participant.email == "gewist@example.org")
    with app.test_request_context():
        assert not queue_participant_mail(erased, "fullhooks_notice", _l("Reminder"), TEMPLATE,
                                          note="x")
        for _ in range(2):
            assert queue_participant_mail(people["came"], "fullhooks_notice", _l("Reminder"),
                                          TEMPLATE, note="x")
    assert OutboxMail.select().count() == 2


def test_two_requests_queueing_at_once_make_one_mail(app, people):
    """On PostgreSQL both threads pass the check before either inserts (a barrier
    inside the transaction): the unique index leaves one row and tells the loser.
    On SQLite the write transaction (BEGIN IMMEDIATE) makes the second wait."""
    barrier = threading.Barrier(2, timeout=10)
    outcomes: list[bool] = []
    errors: list[BaseException] = []
    person_id = people["came"].id

    def queue() -> None:
        try:
            with app.test_request_context():
                db.connect(reuse_if_open=True)
                try:
                    person = Participant.get_by_id(person_id)
                    if not is_postgres():
                        barrier.wait()
                    with write_transaction():
                        if is_postgres():
                            barrier.wait()
                        outcomes.append(queue_participant_mail(
                            person, "fullhooks_notice", _l("Reminder"), TEMPLATE,
                            once_key="fullhooks:race:1", note="x"))
                finally:
                    db.close()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=queue) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert sorted(outcomes) == [False, True]
    assert OutboxMail.select().where(OutboxMail.once_key.startswith("fullhooks:race")).count() == 1


def test_an_amendment_brings_its_new_wording_as_the_next_version(app, people):
    parent = people["consultation"]
    with app.test_request_context():
        item = create_agenda_item(parent.id, AgendaItemInput(title="Vakmensen", text="Eerst"))
        with pytest.raises(AgendaError) as refused:
            record_decision(item.id, "adopted", new_text="Anders")
        assert refused.value.field == "text"
        with pytest.raises(AgendaError):
            record_decision(item.id, "amended", "Na de toetsing", new_title=" ")
        record_decision(item.id, "amended", "Na de toetsing", new_text="Scherper")
    versions = [(v.version, v.text, v.note) for v in
                AgendaItemVersion.select().order_by(AgendaItemVersion.version)]
    assert versions == [(1, "Eerst", ""), (2, "Scherper", "Na de toetsing")]
    decisions = [(d.decision, d.version) for d in AgendaDecision.select().order_by(AgendaDecision.id)]
    assert decisions == [("proposed", 1), ("amended", 2)]


def test_demo_stages_order_the_plugins(app):
    """``staged``: plugins by their module's DEMO_STAGE (default 50), whatever the
    registration order: the validation (70) after the workshops (60) after the rest."""
    with app.app_context():
        order = [name for name, _ in registry().results("cp_models", staged=True)]
    assert {"expertarena", "workshops", "validation"} <= set(order)
    assert order.index("expertarena") < order.index("workshops") < order.index("validation")
    assert order[-2:] == ["workshops", "validation"]
