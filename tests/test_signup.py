"""Online sign-up through the public pages: rules, waiting list, self-service, mail content."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from consultplatform.mail.compose import queue_reminders
from consultplatform.models import (
    OutboxMail,
    Participant,
    Registration,
    Sector,
    SessionQuestion,
)
from consultplatform.testing import factories
from consultplatform.timezone import now_local
from tests.forms import form_data

START = dt.datetime(2031, 3, 14, 19, 30)


@pytest.fixture
def setup(app):
    consultation = factories.consultation(slug="agenda", contact_email="economie@gemeente.example",
                                          organiser="Gemeente Noordoostpolder")
    sectors = {name: Sector.create(consultation=consultation, name=name)
               for name in ("Bouw", "Zorg", "Logistiek")}
    session = factories.session(consultation, title="Arena Bouw", capacity=2,
                                starts_at=START, ends_at=START + dt.timedelta(hours=2),
                                location="Gemeentehuis, raadzaal")
    return consultation, sectors, session


def _form(client, url="/c/agenda/aanmelden"):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
    return form_data(response.get_data(as_text=True))


def _sign_up(client, chosen, in_sector, *, url="/c/agenda/aanmelden", **fields):
    data = _form(client, url)
    data.update(name="Anouk Akkerman", email="anouk@example.org", organisation="Bouwbedrijf",
                sector=str(in_sector.id), side="entrepreneur", privacy="y",
                sessions=[str(s.id) for s in chosen])
    data.update(fields)
    return client.post(url, data=data)


def _text(response):
    return response.get_data(as_text=True)


def test_sign_up_confirms_and_queues_a_mail_with_invitation(app, client, setup):
    consultation, sectors, session = setup
    response = _sign_up(client, [session], sectors["Bouw"], email="Anouk@Example.org ")
    assert response.status_code == 303
    done = client.get(response.headers["Location"])
    assert "Arena Bouw" in _text(done) and "U bent aangemeld." in _text(done)
    registration = Registration.get()
    assert registration.status == "confirmed"
    person = registration.participant
    assert person.email == "anouk@example.org" and person.privacy_accepted_at is not None
    assert person.news_opt_in is False and person.news_consent_at is None
    mail = OutboxMail.get()
    assert (mail.kind, mail.to_address, mail.language, mail.status) == (
        "confirmation", "anouk@example.org", "nl", "queued")
    assert registration.token in mail.text_body  # the personal self-service link
    assert "BEGIN:VCALENDAR" in mail.ics


def test_news_consent_is_separate_and_recorded(app, client, setup):
    _, sectors, session = setup
    _sign_up(client, [session], sectors["Bouw"], news="y")
    person = Participant.get()
    assert person.news_opt_in is True
    assert len(person.news_consent_version) == 12 and person.news_consent_at is not None
    html = _text(client.get("/c/agenda/aanmelden"))
    assert 'name="news"' in html and 'name="news" type="checkbox" value="y" checked' not in html


def test_one_form_for_several_sessions(app, client, setup):
    consultation, sectors, session = setup
    second = factories.session(consultation, title="Validatie")
    _sign_up(client, [session, second], sectors["Zorg"])
    assert Registration.select().count() == 2
    assert Participant.select().count() == 1
    assert OutboxMail.select().count() == 2


def test_full_session_puts_people_on_the_waiting_list(app, client, setup):
    _, sectors, session = setup
    for i in range(3):
        _sign_up(app.test_client(), [session], sectors["Bouw"], email=f"p{i}@example.org")
    statuses = [r.status for r in Registration.select().order_by(Registration.id)]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    assert OutboxMail.select().where(OutboxMail.kind == "waitlisted").count() == 1
    page = _text(client.get("/c/agenda"))
    assert "Vol – wachtlijst" in page


def test_sector_and_side_caps(app, client, setup):
    _, sectors, session = setup
    session.capacity, session.sector_cap = 10, 1
    session.side_caps = {"government": 1}
    session.save()
    _sign_up(app.test_client(), [session], sectors["Bouw"], email="a@example.org")
    _sign_up(app.test_client(), [session], sectors["Bouw"], email="b@example.org")
    _sign_up(app.test_client(), [session], sectors["Zorg"], email="c@example.org",
             side="government")
    _sign_up(app.test_client(), [session], sectors["Logistiek"], email="d@example.org",
             side="government")
    got = {r.participant.email: r.status for r in Registration.select()}
    assert got == {"a@example.org": "confirmed", "b@example.org": "waitlisted",
                   "c@example.org": "confirmed", "d@example.org": "waitlisted"}


def test_the_same_person_twice_gets_one_registration(app, client, setup):
    _, sectors, session = setup
    _sign_up(client, [session], sectors["Bouw"])
    second = _sign_up(app.test_client(), [session], sectors["Zorg"], name="Iemand Anders",
                      organisation="Kwaadwillend BV")
    done = _text(app.test_client().get(second.headers["Location"]))
    assert Registration.select().count() == 1
    person = Participant.get()
    assert (person.name, person.organisation) == ("Anouk Akkerman", "Bouwbedrijf")
    assert OutboxMail.select().count() == 1
    assert "Bouwbedrijf" not in done and "Anouk" not in done


def test_already_signed_up_is_not_said_on_the_page(app, client, setup):
    """Issue 8, point 2: the page answers as for anyone; the owner of the address hears
    by mail (see tests/issue8/test_signup_privacy.py)."""
    _, sectors, session = setup
    _sign_up(client, [session], sectors["Bouw"])
    again = _sign_up(client, [session], sectors["Bouw"])
    page = _text(client.get(again.headers["Location"]))
    assert "was al aangemeld" not in page and "U bent aangemeld." in page


def test_bad_input_keeps_what_was_typed(app, client, setup):
    _, sectors, session = setup
    client.set_cookie("lang", "en")
    response = _sign_up(client, [session], sectors["Bouw"], email="not-an-address",
                        name="Bram Brouwerij", organisation="x" * 300, privacy="")
    assert response.status_code == 422
    html = _text(response)
    assert "There is a problem" in html
    assert 'value="Bram Brouwerij"' in html and 'value="not-an-address"' in html
    assert "Invalid email address." in html or "Invalid e-mail" in html
    assert "Please confirm that you have read the privacy statement." in html
    assert 'href="#email"' in html and 'aria-describedby="email-hint email-error"' in html
    assert html.count('name="sessions" required') == 0  # a group is not "each box required"
    assert Registration.select().count() == 0


def test_error_messages_in_dutch(app, client, setup):
    _, sectors, session = setup
    response = _sign_up(client, [session], sectors["Bouw"], sessions=[], privacy="")
    assert response.status_code == 422
    html = _text(response)
    assert "Er is een probleem" in html and "Kies ten minste één sessie." in html


@pytest.mark.parametrize("field, value", [("sector", "999999"), ("side", "alien"),
                                          ("sessions", "999999"), ("sessions", "abc")])
def test_unknown_choices_are_refused(app, client, setup, field, value):
    _, sectors, session = setup
    response = _sign_up(client, [session], sectors["Bouw"], **{field: value})
    assert response.status_code == 422
    assert Registration.select().count() == 0


def test_closed_or_past_sessions_are_not_offered(app, client, setup):
    consultation, sectors, session = setup
    closed = factories.session(consultation, title="Al gesloten",
                               registration_closes_at=now_local() - dt.timedelta(hours=1))
    future = factories.session(consultation, title="Nog niet open",
                               registration_opens_at=now_local() + dt.timedelta(days=1))
    html = _text(client.get("/c/agenda/aanmelden"))
    assert "Arena Bouw" in html and "Al gesloten" not in html and "Nog niet open" not in html
    for other in (closed, future):
        response = _sign_up(client, [other], sectors["Bouw"], email=f"{other.id}@example.org")
        assert response.status_code == 422
    assert Registration.select().count() == 0


def test_no_open_session_is_a_clear_404(app, client, setup):
    _, _, session = setup
    session.status = "closed"
    session.save()
    response = client.get("/c/agenda/aanmelden")
    assert response.status_code == 404 and "Aanmelden is niet mogelijk" in _text(response)
    assert client.get("/c/bestaat-niet/aanmelden").status_code == 404


def test_invite_only_sessions_need_the_invitation_link(app, client, setup):
    consultation, sectors, session = setup
    session.audience, session.invite_token = "invite", "uitnodiging-geheim-123456"
    session.save()
    assert client.get("/c/agenda/aanmelden").status_code == 404
    assert "Arena Bouw" not in _text(client.get("/c/agenda"))
    assert "Arena Bouw" not in _text(client.get("/c/agenda?uitnodiging=fout"))
    invited_page = _text(client.get("/c/agenda?uitnodiging=uitnodiging-geheim-123456"))
    assert "Arena Bouw" in invited_page and "uitnodiging=uitnodiging-geheim-123456" in invited_page
    url = "/c/agenda/aanmelden?uitnodiging=uitnodiging-geheim-123456"
    assert _sign_up(client, [session], sectors["Bouw"], url=url).status_code == 303
    assert Registration.get().status == "confirmed"
    wrong = _sign_up(app.test_client(), [session], sectors["Bouw"],
                     url="/c/agenda/aanmelden?uitnodiging=uitnodiging-geheim-123456")
    assert wrong.status_code == 303  # same link: fine (another person would use it too)


def test_required_questions_of_chosen_sessions(app, client, setup):
    consultation, sectors, session = setup
    other = factories.session(consultation, title="Zonder vragen")
    question = SessionQuestion.create(session=session, kind="single", label_nl="Dieetwensen?",
                                      label_en="Dietary needs?", choices_nl="Geen\nVegetarisch",
                                      choices_en="None\nVegetarian", required=True)
    free = SessionQuestion.create(session=session, kind="long_text", label_nl="Opmerking")
    missing = _sign_up(client, [session], sectors["Bouw"])
    assert missing.status_code == 422 and "Beantwoord deze vraag." in _text(missing)
    assert _sign_up(app.test_client(), [other], sectors["Bouw"]).status_code == 303
    answered = _sign_up(app.test_client(), [session], sectors["Zorg"], email="z@example.org",
                        **{f"q_{question.id}": "1", f"q_{free.id}": "Graag rolstoeltoegang"})
    assert answered.status_code == 303
    registration = Registration.get(Registration.session == session.id)
    assert registration.answers == {str(question.id): "1", str(free.id): "Graag rolstoeltoegang"}
    bad_choice = _sign_up(app.test_client(), [session], sectors["Zorg"], email="y@example.org",
                          **{f"q_{question.id}": "7"})
    assert bad_choice.status_code == 422


def test_honeypot_pretends_success_and_stores_nothing(app, client, setup):
    _, sectors, session = setup
    response = _sign_up(client, [session], sectors["Bouw"], website="http://spam.example")
    assert response.status_code == 303
    assert "e-mail gestuurd" in _text(client.get(response.headers["Location"]))
    assert Registration.select().count() == 0 and Participant.select().count() == 0


def test_sign_up_posts_are_rate_limited(app, client, setup):
    _, sectors, session = setup
    app.config["SIGNUP_RATE_LIMIT"] = "3 per minute"
    statuses = [_sign_up(client, [session], sectors["Bouw"], email=f"r{i}@example.org").status_code
                for i in range(4)]
    assert statuses == [303, 303, 303, 429]
    client.set_cookie("lang", "en")
    blocked = _sign_up(client, [session], sectors["Bouw"], email="r9@example.org")
    assert blocked.status_code == 429 and "Too many attempts" in _text(blocked)
    assert client.get("/c/agenda/aanmelden").status_code == 200


# --- self-service ------------------------------------------------------------------------------


def _signed_up(client, session, sector, email):
    _sign_up(client, [session], sector, email=email)
    return Registration.get(Registration.participant == Participant.get(
        Participant.email == email).id)


def test_self_service_page_shows_own_registrations_only(app, client, setup):
    consultation, sectors, session = setup
    mine = _signed_up(app.test_client(), session, sectors["Bouw"], "mine@example.org")
    theirs = _signed_up(app.test_client(), session, sectors["Zorg"], "theirs@example.org")
    html = _text(client.get(f"/aanmelding/{mine.token}"))
    assert "Arena Bouw" in html and "mine@example.org" in html
    assert "theirs@example.org" not in html
    assert client.get(f"/aanmelding/{mine.token}/annuleren/{theirs.id}").status_code == 404
    assert client.get(f"/aanmelding/{mine.token}/agenda/{theirs.id}.ics").status_code == 404


@pytest.mark.parametrize("token", ["x", "a" * 43, "a" * 200, "../../etc/passwd", "%00" * 30])
def test_tampered_tokens_are_refused_clearly(app, client, setup, token):
    response = client.get(f"/aanmelding/{token}")
    assert response.status_code == 404
    if len(token) <= 100 and "/" not in token:
        assert "Deze link is niet geldig" in _text(response)


def test_expired_links(app, client, setup):
    consultation, sectors, session = setup
    registration = _signed_up(client, session, sectors["Bouw"], "oud@example.org")
    consultation.retention_until = now_local().date() - dt.timedelta(days=1)
    consultation.save()
    response = client.get(f"/aanmelding/{registration.token}")
    assert response.status_code == 410 and "verlopen" in _text(response)


def test_cancel_needs_confirmation_and_promotes_who_fits(app, client, setup):
    _, sectors, session = setup
    session.capacity, session.sector_cap = 2, 1
    session.save()
    first = _signed_up(app.test_client(), session, sectors["Bouw"], "bouw1@example.org")
    _signed_up(app.test_client(), session, sectors["Zorg"], "zorg1@example.org")
    zorg2 = _signed_up(app.test_client(), session, sectors["Zorg"], "zorg2@example.org")
    bouw2 = _signed_up(app.test_client(), session, sectors["Bouw"], "bouw2@example.org")
    assert (zorg2.status, bouw2.status) == ("waitlisted", "waitlisted")

    url = f"/aanmelding/{first.token}/annuleren/{first.id}"
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Ja, annuleer mijn aanmelding" in _text(confirm)
    assert Registration.get_by_id(first.id).status == "confirmed"  # a GET changes nothing
    assert client.post(url, data={}).status_code == 400  # no CSRF token
    data = form_data(_text(confirm), "/annuleren/")
    assert client.post(url, data=data).status_code == 303

    assert Registration.get_by_id(first.id).status == "cancelled"
    # zorg2 waited longer but Zorg is at its cap: the Bouw seat goes to bouw2.
    assert Registration.get_by_id(zorg2.id).status == "waitlisted"
    assert Registration.get_by_id(bouw2.id).status == "confirmed"
    kinds = [m.kind for m in OutboxMail.select().where(OutboxMail.registration.in_(
        [first.id, bouw2.id])).order_by(OutboxMail.id)]
    assert kinds[-2:] == ["cancelled", "promoted"]
    promoted_mail = OutboxMail.get((OutboxMail.registration == bouw2.id)
                                   & (OutboxMail.kind == "promoted"))
    assert "METHOD:REQUEST" in promoted_mail.ics


def test_calendar_file_and_cancellation_share_one_uid(app, client, setup):
    _, sectors, session = setup
    registration = _signed_up(client, session, sectors["Bouw"], "ics@example.org")
    response = client.get(f"/aanmelding/{registration.token}/agenda/{registration.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    invitation = Calendar.from_ical(response.data)
    event = invitation.walk("VEVENT")[0]
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert str(start.tzinfo) == "Europe/Amsterdam" and str(end.tzinfo) == "Europe/Amsterdam"
    assert (start.replace(tzinfo=None), end.replace(tzinfo=None)) == (
        START, START + dt.timedelta(hours=2))
    assert start.utcoffset() == dt.timedelta(hours=1)  # CET in March before the switch
    assert str(event["location"]) == "Gemeentehuis, raadzaal"
    assert str(event["organizer"]) == "mailto:economie@gemeente.example"
    assert event["organizer"].params["CN"] == "Gemeente Noordoostpolder"
    # A file to import publishes the event (point 6 of issue 8); the mails keep REQUEST.
    assert str(invitation["method"]) == "PUBLISH"
    mail = OutboxMail.get(OutboxMail.kind == "confirmation")
    assert Calendar.from_ical(mail.ics).walk("VEVENT")[0]["uid"] == event["uid"]

    confirm = client.get(f"/aanmelding/{registration.token}/annuleren/{registration.id}")
    client.post(f"/aanmelding/{registration.token}/annuleren/{registration.id}",
                data=form_data(_text(confirm), "/annuleren/"))
    cancel_mail = OutboxMail.get(OutboxMail.kind == "cancelled")
    cancellation = Calendar.from_ical(cancel_mail.ics)
    cancelled_event = cancellation.walk("VEVENT")[0]
    assert str(cancellation["method"]) == "CANCEL"
    assert cancelled_event["uid"] == event["uid"]
    assert cancelled_event["status"] == "CANCELLED"
    assert int(cancelled_event["sequence"]) > int(event["sequence"])
    again = client.get(f"/aanmelding/{registration.token}/agenda/{registration.id}.ics")
    assert again.status_code == 404


def test_correcting_details(app, client, setup):
    _, sectors, session = setup
    registration = _signed_up(client, session, sectors["Bouw"], "fix@example.org")
    url = f"/aanmelding/{registration.token}"
    data = form_data(_text(client.get(url)))
    data.update(name="Anouk Akkerman-de Vries", language="en", news="y")
    assert client.post(url, data=data).status_code == 303
    person = Participant.get()
    assert (person.name, person.language, person.news_opt_in) == (
        "Anouk Akkerman-de Vries", "en", True)
    assert person.news_consent_at is not None
    data["name"] = ""
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert Participant.get().name == "Anouk Akkerman-de Vries"


def test_mail_follows_the_participants_language(app, client, setup):
    _, sectors, session = setup
    client.set_cookie("lang", "en")
    _sign_up(client, [session], sectors["Bouw"])
    mail = OutboxMail.get()
    assert mail.language == "en" and mail.subject == "You are signed up: Arena Bouw"
    assert "Friday 14 March 2031, 19:30" in mail.text_body
    assert '<html lang="en">' in mail.html_body


def test_reminders_go_out_once_in_the_window(app, client, setup):
    _, sectors, session = setup
    _signed_up(client, session, sectors["Bouw"], "herinner@example.org")
    with app.app_context():
        assert queue_reminders(START - dt.timedelta(hours=49)) == 0
        assert queue_reminders(START - dt.timedelta(hours=47)) == 1
        assert queue_reminders(START - dt.timedelta(hours=46)) == 0
    reminder = OutboxMail.get(OutboxMail.kind == "reminder")
    assert reminder.subject == "Herinnering: Arena Bouw"


# --- review findings: no seat or reminder for a session that is not going ahead -----------


def test_no_promotion_into_a_session_that_is_not_going_ahead(app, client, setup):
    from consultplatform.services.signup import cancel

    _, sectors, session = setup
    session.capacity = 1
    session.save()
    first = _signed_up(app.test_client(), session, sectors["Bouw"], "een@example.org")
    waiting = _signed_up(app.test_client(), session, sectors["Bouw"], "twee@example.org")
    session.status = "cancelled"
    session.save()
    url = f"/aanmelding/{first.token}/annuleren/{first.id}"
    response = client.get(url)
    assert response.status_code == 409 and "kan niet meer worden gewijzigd" in _text(response)
    with app.test_request_context():
        assert cancel(first.id) == []
    assert Registration.get_by_id(waiting.id).status == "waitlisted"
    assert not OutboxMail.select().where(OutboxMail.kind == "promoted").exists()


def test_no_reminder_after_cancelling(app, client, setup):
    from consultplatform.services.signup import cancel

    _, sectors, session = setup
    registration = _signed_up(client, session, sectors["Bouw"], "weg@example.org")
    with app.test_request_context():
        cancel(registration.id)
    with app.app_context():
        assert queue_reminders(START - dt.timedelta(hours=47)) == 0


def test_signing_up_again_after_cancelling_gets_a_newer_invitation(app, client, setup):
    from consultplatform.services.signup import cancel

    _, sectors, session = setup
    registration = _signed_up(client, session, sectors["Bouw"], "terug@example.org")
    with app.test_request_context():
        cancel(registration.id)
    _sign_up(app.test_client(), [session], sectors["Bouw"], email="terug@example.org")
    mails = {m.kind: Calendar.from_ical(m.ics).walk("VEVENT")[0]
             for m in OutboxMail.select().order_by(OutboxMail.id) if m.ics}
    assert Registration.get_by_id(registration.id).status == "confirmed"
    assert int(mails["confirmation"]["sequence"]) > int(mails["cancelled"]["sequence"])


def test_no_sector_is_not_a_way_round_the_sector_cap(app, client, setup):
    _, sectors, session = setup
    session.capacity, session.sector_cap = 10, 1
    session.save()
    for i in range(2):
        browser = app.test_client()
        data = _form(browser)
        data.update(name=f"Zonder {i}", email=f"zonder{i}@example.org", sector="none",
                    side="entrepreneur", privacy="y", sessions=[str(session.id)])
        assert browser.post("/c/agenda/aanmelden", data=data).status_code == 303
    assert [r.status for r in Registration.select().order_by(Registration.id)] == [
        "confirmed", "waitlisted"]


def test_a_known_address_can_add_news_consent_but_change_nothing_else(app, client, setup):
    consultation, sectors, session = setup
    other = factories.session(consultation, title="Tweede")
    _sign_up(client, [session], sectors["Bouw"])
    _sign_up(app.test_client(), [other], sectors["Zorg"], name="Ander", news="y")
    person = Participant.get()
    assert person.name == "Anouk Akkerman" and person.sector_id == sectors["Bouw"].id
    assert person.news_opt_in is True and person.news_consent_at is not None
