"""Reminders and timed closing, end to end: within the reminder window the voters
who have not finished get one reminder with their personal link, in their
language, delivered by a real SMTP server (aiosmtpd); running again sends nothing;
rounds past their closing time are closed by ``close_due``; the periodic task
runs both."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy

from consultplatform.api import OutboxMail, now_local
from consultplatform_validation.models import ValidationRound, ValidationVoter
from consultplatform_validation.reminders import close_due, queue_reminders
from consultplatform_validation.tasks import validation_timers
from tests.test_mail_delivery import smtp  # noqa: F401 - the SMTP server fixture

from .world import open_round_for, vote


def _round_closing_in(app, world, hours: float, **settings):
    made = open_round_for(app, world, **settings)
    closes = now_local().replace(microsecond=0) + dt.timedelta(hours=hours)
    set_closing(made["round"].id, closes)
    return made


def set_closing(round_id: int, when: dt.datetime) -> None:
    ValidationRound.update(closes_at=when).where(ValidationRound.id == round_id).execute()


def test_reminders_reach_the_unfinished_once_in_their_language(app, world, smtp):  # noqa: F811
    made = _round_closing_in(app, world, 10, reminder_hours=12)
    voters, items = made["voters"], made["items"]
    with app.app_context():
        for item in items:  # the first voter has finished: no reminder
            vote(voters[0], item, "agree", reason="")
        vote(voters[1], items[0], "agree", reason="")  # one of three: reminded
        assert queue_reminders() == 10
        assert queue_reminders() == 0  # once per voter
    collector = smtp.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    # Delivered as an operator would (the worker does the same every minute).
    result = app.test_cli_runner().invoke(args=["mail", "deliver", "--limit", "100"])
    assert result.output.startswith("sent 21,"), result.output  # the invitations went too
    reminders = {}
    for recipients, raw in collector.messages:
        message = message_from_bytes(raw, policy=policy.default)
        if "Reminder" in message["Subject"] or "Herinnering" in message["Subject"] \
                or "herinnering" in message["Subject"].lower():
            reminders[recipients[0]] = message
    by_email = {v.participant.email: v for v in voters}
    assert set(reminders) == {v.participant.email for v in voters[1:]}
    english = reminders["gemeente0@example.org"]
    text = english.get_body(("plain",)).get_content()
    assert "Reminder" in english["Subject"] and by_email["gemeente0@example.org"].token in text
    dutch = reminders["landbouw1@example.org"]
    dutch_text = dutch.get_body(("plain",)).get_content()
    assert by_email["landbouw1@example.org"].token in dutch_text
    assert OutboxMail.get(OutboxMail.to_address == "landbouw1@example.org",
                          OutboxMail.kind == "validation_reminder").language == "nl"
    assert all(m.once_key.startswith(f"validation:remind:{made['round'].id}:") for m in
               OutboxMail.select().where(OutboxMail.kind == "validation_reminder"))
    assert ValidationVoter.select().where(ValidationVoter.reminded_at.is_null(False)).count() == 10


def test_no_reminder_before_the_window(app, world):
    _round_closing_in(app, world, 30, reminder_hours=12)
    with app.app_context():
        assert queue_reminders() == 0
        assert queue_reminders(now_local() + dt.timedelta(hours=19)) == 11


def test_rounds_past_their_closing_time_are_closed(app, world):
    made = _round_closing_in(app, world, 2)
    with app.app_context():
        assert close_due() == []
        assert close_due(now_local() + dt.timedelta(hours=3)) == [made["round"].id]
        assert ValidationRound.get_by_id(made["round"].id).status == "closed"
        assert close_due(now_local() + dt.timedelta(hours=3)) == []


def test_the_periodic_task_closes_and_reminds(app, world):
    made = _round_closing_in(app, world, 1)  # within the default 24 hours
    with app.app_context():
        assert validation_timers.call_local() == {"closed": 0, "reminded": 11}
        set_closing(made["round"].id, now_local() - dt.timedelta(minutes=1))
        assert validation_timers.call_local() == {"closed": 1, "reminded": 0}


def test_a_big_round_is_reminded_in_batches_in_one_run(app, world, monkeypatch):
    from consultplatform_validation import reminders

    monkeypatch.setattr(reminders, "BATCH", 4)  # 11 voters: batches of 4, 4 and 3
    _round_closing_in(app, world, 1)
    with app.app_context():
        assert queue_reminders() == 11 and queue_reminders() == 0
    assert OutboxMail.select().where(OutboxMail.kind == "validation_reminder").count() == 11
