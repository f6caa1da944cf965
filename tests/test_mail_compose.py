"""Mail is queued in the seat's transaction and composed after the commit.

The outbox row is written with the registration (nothing lost), but its
subject, bodies and calendar file are rendered once the seat lock is gone;
a row whose composing never happened (the process died right after the
commit) is composed by the worker before it is sent.
"""

from __future__ import annotations

import datetime as dt
import email
import re
from email import policy

from flask import template_rendered
from icalendar import Calendar, Event

from consultplatform.db import db
from consultplatform.mail.compose import compose
from consultplatform.mail.delivery import deliver_due
from consultplatform.mail.ics import amsterdam_timezone, build_calendar, build_ics
from consultplatform.models import OutboxMail, Registration
from consultplatform.services.signup import Applicant, SignUp, cancel, sign_up
from consultplatform.testing import factories
from consultplatform.timezone import AMSTERDAM

START = dt.datetime(2031, 5, 20, 14, 0)


def _meeting():
    parent = factories.consultation(title="Economische agenda")
    return parent, factories.session(parent, title="Arena Zorg", capacity=1, starts_at=START,
                                     ends_at=START + dt.timedelta(hours=2))


def test_mail_templates_are_rendered_after_the_commit_not_under_the_lock(app):
    parent, meeting = _meeting()
    depths: list[tuple[str, int]] = []

    def seen(sender, template, context, **extra):
        if template.name.startswith("mail/"):
            depths.append((template.name, db.obj.transaction_depth()))

    template_rendered.connect(seen, app)
    try:
        with app.app_context():
            sign_up(SignUp(parent, Applicant("Anna", "anna@example.org"), [meeting.id]))
            sign_up(SignUp(parent, Applicant("Bert", "bert@example.org"), [meeting.id]))
    finally:
        template_rendered.disconnect(seen, app)
    names = sorted(name for name, _ in depths)
    assert names == ["mail/confirmation.html", "mail/confirmation.txt",
                     "mail/waitlisted.html", "mail/waitlisted.txt"]
    assert all(depth == 0 for _, depth in depths), depths
    mails = list(OutboxMail.select().order_by(OutboxMail.id))
    assert [m.compose_spec for m in mails] == [None, None]
    assert "Arena Zorg" in mails[0].subject and "Arena Zorg" in mails[0].text_body
    assert "BEGIN:VCALENDAR" in mails[0].ics and mails[1].ics == ""
    assert "wachtlijst" in mails[1].text_body.lower()


def test_a_rolled_back_sign_up_leaves_no_mail(app):
    parent, meeting = _meeting()
    with app.app_context(), db.atomic() as transaction:
        sign_up(SignUp(parent, Applicant("Anna", "anna@example.org"), [meeting.id]))
        assert OutboxMail.select().count() == 1  # written in the seat's transaction
        transaction.rollback()
    assert OutboxMail.select().count() == 0 and Registration.select().count() == 0


def test_the_worker_composes_a_mail_whose_composing_never_ran(app, tmp_path):
    parent, meeting = _meeting()
    app.config.update(MAIL_SERVER="", MAIL_DIR=str(tmp_path / "mail"))
    with app.app_context():
        outcome = sign_up(SignUp(parent, Applicant("Anna", "anna@example.org"),
                                 [meeting.id]))[0]
        cancel(outcome.registration.id)
    first, second = OutboxMail.select().order_by(OutboxMail.id)
    spec = {"session": meeting.id, "participant": outcome.registration.participant_id,
            "sequence": 1, "reason": None}
    # As if the process had died between the commit and the composing.
    OutboxMail.update(subject="", text_body="", html_body="", ics="", compose_spec=spec).where(
        OutboxMail.id == first.id).execute()
    with app.app_context():
        assert deliver_due() == {"sent": 2, "retried": 0, "failed": 0}
    stored = OutboxMail.get_by_id(first.id)
    assert stored.compose_spec is None and "Arena Zorg" in stored.subject
    files = sorted((tmp_path / "mail").glob("*.eml"))
    message = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert "Arena Zorg" in message["Subject"]
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    event = Calendar.from_ical(part.get_content()).walk("VEVENT")[0]
    # The sequence the invitation was queued with, not the later cancellation's.
    assert int(event["SEQUENCE"]) == 1
    assert "CANCEL" in OutboxMail.get_by_id(second.id).ics


def test_composing_twice_changes_nothing(app):
    parent, meeting = _meeting()
    with app.app_context():
        sign_up(SignUp(parent, Applicant("Anna", "anna@example.org"), [meeting.id]))
        mail = OutboxMail.get()
        again = compose(mail.id)
    assert again is not None and again.text_body == mail.text_body


def test_the_timezone_block_is_the_one_icalendar_would_add(app):
    parent, meeting = _meeting()
    person = factories.participant(parent)
    registration = factories.registration(person, meeting)
    with app.test_request_context():
        ours = Calendar.from_ical(build_ics(registration))
    theirs = Calendar()
    event = Event()
    event.add("dtstart", START.replace(tzinfo=AMSTERDAM))
    theirs.add_component(event)
    theirs.add_missing_timezones()
    assert ours.walk("VTIMEZONE")[0].to_ical() == theirs.walk("VTIMEZONE")[0].to_ical()
    assert ours.subcomponents[0].name == "VTIMEZONE"  # before the event that uses it


def test_the_calendar_file_is_what_icalendar_itself_would_write(app):
    """The timezone block is serialised once and put in; the file is byte for byte
    the one icalendar writes with the block added as a component."""
    parent, meeting = _meeting()
    registration = factories.registration(factories.participant(parent), meeting)
    with app.test_request_context():
        for method in ("REQUEST", "CANCEL", "PUBLISH"):
            calendar = build_calendar(registration, method, sequence=3)
            calendar.subcomponents.insert(0, amsterdam_timezone())
            expected = calendar.to_ical().decode("utf-8")
            made = build_ics(registration, method, sequence=3)
            dtstamp = re.compile(r"DTSTAMP:\S+")  # the moment it was made
            assert dtstamp.sub("", made) == dtstamp.sub("", expected)
