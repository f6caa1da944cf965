"""The sign-up's mail, end to end: sign up on the public form with no mail server,
the mail waits; a real SMTP server (aiosmtpd) comes up, it is delivered exactly once,
with its calendar invitation; a cancellation promotes the next person, who is mailed."""

from __future__ import annotations

import datetime as dt

import pytest
from flask_babel import force_locale
from icalendar import Calendar

from consultplatform.mail.compose import SUBJECTS
from consultplatform.mail.delivery import deliver_due
from consultplatform.models import OutboxMail, Registration, Sector
from consultplatform.testing import factories
from tests.forms import form_data
from tests.test_mail_delivery import free_port, smtp  # noqa: F401 - the SMTP server fixture

START = dt.datetime(2031, 5, 20, 14, 0)


@pytest.fixture
def public(app):
    consultation = factories.consultation(slug="mail", contact_email="info@gemeente.example",
                                          organiser="Gemeente Noordoostpolder")
    sector = Sector.create(consultation=consultation, name="Logistiek")
    session = factories.session(consultation, title="Arena Logistiek", capacity=1,
                                starts_at=START, ends_at=START + dt.timedelta(hours=3),
                                location="Havenkantoor")
    return session, sector


def _sign_up(client, session, sector, email, name):
    data = form_data(client.get("/c/mail/aanmelden").get_data(as_text=True))
    data.update(name=name, email=email, sector=str(sector.id), side="entrepreneur",
                privacy="y", sessions=[str(session.id)])
    assert client.post("/c/mail/aanmelden", data=data).status_code == 303


def subject(app, kind: str, title: str) -> str:
    """The subject as the participant (Dutch, the default) gets it."""
    with app.test_request_context(), force_locale("nl"):
        return str(SUBJECTS[kind]) % {"title": title}


def _invitation(message):
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") in ("REQUEST", "CANCEL")
    return Calendar.from_ical(part.get_content())


def test_mail_waits_for_the_server_then_goes_exactly_once(app, public, smtp):  # noqa: F811
    session, sector = public
    closed_port = free_port()  # nothing listens here yet
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port)
    _sign_up(app.test_client(), session, sector, "jelle@example.org", "Jelle Jellema")
    with app.app_context():
        assert deliver_due() == {"sent": 0, "retried": 1, "failed": 0}
    mail = OutboxMail.get()
    assert (mail.status, mail.attempts) == ("queued", 1) and mail.last_error
    assert Registration.get().status == "confirmed"  # the sign-up itself stood

    inbox = smtp.start(closed_port)
    later = mail.next_attempt_at + dt.timedelta(seconds=1)
    with app.app_context():
        assert deliver_due(now=later)["sent"] == 1
        assert deliver_due(now=later + dt.timedelta(hours=1))["sent"] == 0
    assert len(inbox.messages) == 1
    (message,) = inbox.parsed()
    assert message["To"] == "jelle@example.org"
    assert message["Subject"] == subject(app, "confirmation", "Arena Logistiek")
    assert message["Subject"] != "You are signed up: Arena Logistiek"  # Dutch, not the source
    event = _invitation(message).walk("VEVENT")[0]
    assert event.decoded("dtstart").replace(tzinfo=None) == START
    assert str(event.decoded("dtstart").tzinfo) == "Europe/Amsterdam"
    assert str(event["location"]) == "Havenkantoor"
    assert OutboxMail.get().status == "sent"


def test_cancelling_promotes_and_mails_the_next_person(app, public, smtp):  # noqa: F811
    session, sector = public
    inbox = smtp.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    _sign_up(app.test_client(), session, sector, "eerste@example.org", "Eerste Persoon")
    _sign_up(app.test_client(), session, sector, "tweede@example.org", "Tweede Persoon")
    first, second = Registration.select().order_by(Registration.id)
    assert (first.status, second.status) == ("confirmed", "waitlisted")

    client = app.test_client()
    url = f"/aanmelding/{first.token}/annuleren/{first.id}"
    client.post(url, data=form_data(client.get(url).get_data(as_text=True), "/annuleren/"))
    assert Registration.get_by_id(second.id).status == "confirmed"
    with app.app_context():
        deliver_due()
    by_recipient: dict[str, list] = {}
    for message in inbox.parsed():
        by_recipient.setdefault(message["To"], []).append(message)
    subjects = {to: [m["Subject"] for m in msgs] for to, msgs in by_recipient.items()}
    title = "Arena Logistiek"
    assert subjects == {
        "eerste@example.org": [subject(app, "confirmation", title), subject(app, "cancelled", title)],
        "tweede@example.org": [subject(app, "waitlisted", title), subject(app, "promoted", title)]}
    promotion = by_recipient["tweede@example.org"][1]
    invitation = _invitation(promotion)
    assert str(invitation["method"]) == "REQUEST"
    cancellation = _invitation(by_recipient["eerste@example.org"][1])
    assert str(cancellation["method"]) == "CANCEL"
    first_invite = _invitation(by_recipient["eerste@example.org"][0])
    assert cancellation.walk("VEVENT")[0]["uid"] == first_invite.walk("VEVENT")[0]["uid"]
    assert invitation.walk("VEVENT")[0]["uid"] != first_invite.walk("VEVENT")[0]["uid"]
