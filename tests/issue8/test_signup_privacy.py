"""Issue 8, points 2-4: the sign-up page tells nothing about whether an address was
known (the mail does), names the real reason for the waiting list, and keeps an
arena's seats for entrepreneurs of its sectors."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from consultplatform.models import OutboxMail, Participant, Registration, Sector
from consultplatform.testing import factories
from consultplatform_expertarena.models import ExpertarenaArenaSector
from tests.forms import form_data

START = dt.datetime(2031, 3, 14, 19, 30)
CSRF = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+(")')


def _post(client, consultation, session, sector, *, email, side="entrepreneur", **fields):
    url = f"/c/{consultation.slug}/aanmelden"
    data = form_data(client.get(url).get_data(as_text=True), "aanmelden")
    data.update(name="Anouk Akkerman", email=email, organisation="Bouwbedrijf",
                sector=str(sector.id), side=side, privacy="y", sessions=[str(session.id)])
    data.update(fields)
    return client.post(url, data=data)


def _done(client, response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)[-800:]
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _age(registration: Registration, hours: int = 2) -> None:
    past = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(hours=hours)
    Registration.update(created_at=past, updated_at=past).where(
        Registration.id == registration.id).execute()


@pytest.fixture
def place(app):
    consultation = factories.consultation(slug="agenda")
    bouw = Sector.create(consultation=consultation, name="Bouw")
    zorg = Sector.create(consultation=consultation, name="Zorg")
    session = factories.session(consultation, title="Bijeenkomst", capacity=12,
                                starts_at=START, ends_at=START + dt.timedelta(hours=2))
    return consultation, bouw, zorg, session


# --- point 2 --------------------------------------------------------------------------------


@pytest.mark.parametrize("known_status", ["confirmed", "waitlisted"])
def test_known_and_unknown_addresses_get_the_same_answer_and_different_mails(
        app, place, known_status):
    consultation, bouw, _zorg, session = place
    known = factories.participant(consultation, email="bekend@example.org", sector=bouw)
    _age(factories.registration(known, session, status=known_status))
    answers = []
    for email in ("bekend@example.org", "nieuw@example.org"):
        client = app.test_client()
        response = _post(client, consultation, session, bouw, email=email)
        answers.append((response.status_code, response.headers["Location"],
                        CSRF.sub(r"\1KEY\2", _done(client, response))))
    assert answers[0] == answers[1]
    assert "U bent aangemeld." in answers[0][2] and "al aangemeld" not in answers[0][2]
    # The owners of the addresses learn what really happened.
    to_known = OutboxMail.get(OutboxMail.to_address == "bekend@example.org")
    to_new = OutboxMail.get(OutboxMail.to_address == "nieuw@example.org")
    assert (to_known.kind, to_new.kind) == ("unchanged", "confirmation")
    expected = "U hebt al een plaats" if known_status == "confirmed" else "U staat al op de wachtlijst"
    assert expected in to_known.text_body and not to_known.ics
    assert Registration.select().count() == 2
    assert Participant.get(Participant.email == "bekend@example.org").name != "Anouk Akkerman"


def test_a_full_session_reads_the_same_for_a_known_address(app, place):
    consultation, bouw, _zorg, session = place
    session.capacity = 1
    session.save()
    known = factories.participant(consultation, email="bekend@example.org", sector=bouw)
    _age(factories.registration(known, session))
    pages = []
    for email in ("bekend@example.org", "nieuw@example.org"):
        client = app.test_client()
        pages.append(CSRF.sub("", _done(client, _post(client, consultation, session, bouw,
                                                      email=email))))
    assert pages[0] == pages[1]
    assert "Deze bijeenkomst is vol: u staat op de wachtlijst." in pages[0]


def test_no_second_mail_for_a_double_click(app, place):
    consultation, bouw, _zorg, session = place
    client = app.test_client()
    for _ in range(3):
        _done(client, _post(client, consultation, session, bouw, email="dubbel@example.org"))
    assert [m.kind for m in OutboxMail.select()] == ["confirmation"]


# --- point 3 --------------------------------------------------------------------------------


def test_the_waiting_list_names_the_real_reason_on_the_page_and_in_the_mail(app, place):
    consultation, bouw, zorg, session = place
    session.side_caps = {"entrepreneur": 8}
    session.sector_cap = 5
    session.save()
    for n in range(8):
        factories.registration(factories.participant(
            consultation, sector=bouw if n < 5 else zorg), session)
    client = app.test_client()
    # 4 of 12 seats free, but the 8 places for entrepreneurs are taken.
    page = _done(client, _post(client, consultation, session, zorg, email="negen@example.org"))
    side = "De plaatsen voor ondernemers in deze bijeenkomst zijn bezet: u staat op de wachtlijst."
    assert side in page and "is vol" not in page
    assert side in OutboxMail.get(OutboxMail.to_address == "negen@example.org").text_body
    # A civil servant still fits; the sector cap names the sector.
    session.side_caps = {}
    session.save()
    client = app.test_client()
    page = _done(client, _post(client, consultation, session, bouw, email="bouw6@example.org"))
    sector = ("De plaatsen voor uw sector (Bouw) in deze bijeenkomst zijn bezet: u staat op de "
              "wachtlijst.")
    assert sector in page
    assert sector in OutboxMail.get(OutboxMail.to_address == "bouw6@example.org").html_body


def test_the_reason_in_english(app, place):
    consultation, bouw, zorg, session = place
    session.side_caps = {"government": 0}
    session.save()
    client = app.test_client()
    client.set_cookie("lang", "en")
    page = _done(client, _post(client, consultation, session, bouw, email="gov@example.org",
                               side="government"))
    sentence = "The places for government in this session are taken: you are on the waiting list."
    assert sentence in page
    assert sentence in OutboxMail.get(OutboxMail.to_address == "gov@example.org").text_body


# --- point 4 --------------------------------------------------------------------------------


@pytest.fixture
def arena(app):
    consultation = factories.consultation(slug="arenas", formats=["general", "expertarena"])
    sectors = {name: Sector.create(consultation=consultation, name=name, position=n)
               for n, name in enumerate(("Horeca", "Detailhandel", "Vastgoed"))}
    session = factories.session(consultation, title="Arena Horeca en Detailhandel",
                                format_key="expertarena", capacity=20, starts_at=START,
                                ends_at=START + dt.timedelta(hours=2))
    other = factories.session(consultation, title="Arena Vastgoed", format_key="expertarena",
                              sector=sectors["Vastgoed"], starts_at=START,
                              ends_at=START + dt.timedelta(hours=2))
    for n, name in enumerate(("Horeca", "Detailhandel")):
        ExpertarenaArenaSector.create(session=session, sector=sectors[name], position=n)
    return consultation, sectors, session, other


def test_an_entrepreneur_of_another_sector_gets_no_seat_and_is_told_where_to_go(app, arena):
    consultation, sectors, session, _other = arena
    client = app.test_client()
    response = _post(client, consultation, session, sectors["Vastgoed"], email="vg@example.org")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Arena Horeca en Detailhandel is voor ondernemers uit Horeca, Detailhandel." in body
    assert "Bijeenkomsten voor uw sector: Arena Vastgoed." in body
    assert Registration.select().count() == 0 and OutboxMail.select().count() == 0
    # The form says beforehand whom each arena is for.
    form = client.get("/c/arenas/aanmelden").get_data(as_text=True)
    assert "Voor ondernemers uit Horeca, Detailhandel; overheid, onderwijs en anderen" in form


def test_the_arenas_own_sectors_and_the_public_side_get_seats(app, arena):
    consultation, sectors, session, _other = arena
    for email, sector, side in (("h@example.org", "Horeca", "entrepreneur"),
                                ("d@example.org", "Detailhandel", "entrepreneur"),
                                ("amb@example.org", "Vastgoed", "government")):
        client = app.test_client()
        assert "U bent aangemeld." in _done(client, _post(
            client, consultation, session, sectors[sector], email=email, side=side))
    assert Registration.select().where(Registration.status == "confirmed").count() == 3


def test_a_known_entrepreneur_of_another_sector_hears_it_by_mail(app, arena):
    consultation, sectors, session, other = arena
    known = factories.participant(consultation, email="vg@example.org", sector=sectors["Vastgoed"])
    _age(factories.registration(known, other))
    pages = []
    for email in ("vg@example.org", "nieuw@example.org"):
        client = app.test_client()
        pages.append(CSRF.sub("", _done(client, _post(client, consultation, session,
                                                      sectors["Horeca"], email=email))))
    assert pages[0] == pages[1]
    assert not Registration.select().where((Registration.participant == known.id)
                                           & (Registration.session == session.id)).exists()
    mail = OutboxMail.get(OutboxMail.to_address == "vg@example.org")
    assert mail.kind == "other_sectors" and "Horeca, Detailhandel" in mail.text_body


def test_promotion_passes_over_waiting_entrepreneurs_of_other_sectors(app, arena):
    from consultplatform.services.signup import fill_free_seats

    consultation, sectors, session, _other = arena
    session.capacity = 0
    session.save()
    wrong = factories.registration(factories.participant(
        consultation, sector=sectors["Vastgoed"]), session, status="waitlisted")
    right = factories.registration(factories.participant(
        consultation, sector=sectors["Horeca"]), session, status="waitlisted")
    session.capacity = 1
    session.save()
    with app.test_request_context():
        promoted = fill_free_seats(session.id)
    assert [r.id for r in promoted] == [right.id]
    assert Registration.get_by_id(wrong.id).status == "waitlisted"


def test_malformed_sector_values_are_refused_without_a_crash(app, arena):
    consultation, _sectors, session, _other = arena
    for value in ("\u00b2", "9" * 40, "none", "-1", ""):
        client = app.test_client()
        response = _post(client, consultation, session, _sectors["Horeca"], email="x@example.org")
        data = form_data(client.get("/c/arenas/aanmelden").get_data(as_text=True), "aanmelden")
        data.update(name="X", email="x@example.org", sector=value, side="entrepreneur",
                    privacy="y", sessions=[str(session.id)])
        assert client.post("/c/arenas/aanmelden", data=data).status_code in (303, 422), value
        assert response.status_code in (303, 422)


def test_an_arena_sector_of_another_consultation_does_not_break_the_form(app, arena):
    _consultation, _sectors, session, _other = arena
    elsewhere = Sector.create(consultation=factories.consultation(), name="Elders")
    ExpertarenaArenaSector.create(session=session, sector=elsewhere, position=9)
    assert app.test_client().get("/c/arenas/aanmelden").status_code == 200


def test_the_other_sectors_notice_is_sent_once_however_often_someone_tries(app, arena):
    consultation, sectors, session, other = arena
    known = factories.participant(consultation, email="vg@example.org", sector=sectors["Vastgoed"])
    _age(factories.registration(known, other))
    for _ in range(3):
        client = app.test_client()
        _done(client, _post(client, consultation, session, sectors["Horeca"],
                            email="vg@example.org"))
    assert OutboxMail.select().where(OutboxMail.kind == "other_sectors").count() == 1
