"""The room's short address over HTTP: the device known through the personal link
votes on the item the presenter put to the vote (channel "room"); an unknown
device asks for its link by mail, and the answer never says whether the address
is known; between items a page that checks for the next one."""

from __future__ import annotations

import re

import pytest

from consultplatform.api import OutboxMail
from consultplatform.testing import csrf_from
from consultplatform_validation.models import ValidationBallot, ValidationRound
from consultplatform_validation.rounds import close_round

from .ballot_helpers import ballot_url, open_ballot, put_to_vote, verdict


@pytest.fixture(autouse=True)
def english(client):
    """The texts asserted are the English ones (the Dutch are translated centrally)."""
    client.set_cookie("lang", "en")


def without_csrf(page: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', "", page)


def room_url(opened, lower: bool = False) -> str:
    code = opened["round"].room_code
    return f"/stem/{code.lower() if lower else code}"


def room_vote(client, opened, item, value: str, reason: str = "", csrf: str | None = None):
    if csrf is None:
        csrf = csrf_from(client.get(ballot_url(opened["voters"][0])).get_data(as_text=True))
    return client.post(f"{room_url(opened)}/{item.id}",
                       data={"csrf_token": csrf, "verdict": value, "reason": reason})


def test_an_unknown_code_is_404(client, opened):
    response = client.get("/stem/ZZZZZZ")
    assert response.status_code == 404
    assert client.get("/stem/%C3%A9%C3%A9").status_code == 404
    assert client.get("/stem/" + "A" * 21).status_code == 404


def test_a_known_device_votes_on_the_current_item_in_the_room(client, opened):
    voter, item = opened["voters"][0], opened["items"][1]
    csrf = open_ballot(client, voter)
    put_to_vote(opened["round"], item)
    response = client.get(room_url(opened, lower=True))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and item.title in page
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert f'action="{room_url(opened)}/{item.id}"' in page
    response = room_vote(client, opened, item, "agree", csrf=csrf)
    assert response.status_code == 303
    stored = ValidationBallot.get((ValidationBallot.voter == voter.id)
                                  & (ValidationBallot.item == item.id))
    assert (stored.verdict, stored.channel) == ("agree", "room")
    # Voted: the saved verdict, a way to change it, and the check for the next item.
    page = client.get(room_url(opened)).get_data(as_text=True)
    assert "wijzig=1" in page and "data-room-state" in page
    page = client.get(room_url(opened) + "?wijzig=1").get_data(as_text=True)
    assert f'<input checked id="item{item.id}-verdict-0"' in page


def test_online_then_in_the_room_leaves_one_ballot_the_latest(client, opened):
    voter, item = opened["voters"][0], opened["items"][0]
    csrf = open_ballot(client, voter)
    assert verdict(client, voter, item, "disagree", "te duur", csrf=csrf).status_code == 303
    put_to_vote(opened["round"], item)
    assert room_vote(client, opened, item, "agree", csrf=csrf).status_code == 303
    rows = list(ValidationBallot.select().where(ValidationBallot.voter == voter.id))
    assert [(b.item_id, b.verdict, b.channel) for b in rows] == [(item.id, "agree", "room")]


def test_between_items_the_page_waits_and_the_state_says_so(client, opened):
    open_ballot(client, opened["voters"][0])
    put_to_vote(opened["round"], None)
    response = client.get(room_url(opened))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "validation-ballot.js" in page and 'data-room-item=""' in page
    assert client.get(f"{room_url(opened)}/stand").get_json() == {"item": None, "open": True}
    item = opened["items"][2]
    put_to_vote(opened["round"], item)
    assert client.get(f"{room_url(opened)}/stand").get_json() == {"item": item.id, "open": True}


def test_refusals_in_the_room(app, client, opened):
    voter, first, second = opened["voters"][0], *opened["items"][:2]
    csrf = open_ballot(client, voter)
    put_to_vote(opened["round"], first)
    # Not the item being voted on: 409; not in the round: 404.
    assert room_vote(client, opened, second, "agree", csrf=csrf).status_code == 409
    assert client.post(f"{room_url(opened)}/999999",
                       data={"csrf_token": csrf, "verdict": "agree"}).status_code == 404
    # A reason missing: 400 at the field.
    response = room_vote(client, opened, first, "disagree", csrf=csrf)
    assert response.status_code == 400
    assert f'id="item{first.id}-reason-error"' in response.get_data(as_text=True)
    # No CSRF token: 400.
    assert client.post(f"{room_url(opened)}/{first.id}",
                       data={"verdict": "agree"}).status_code == 400
    # A device without the cookie: 403; a forged cookie is no cookie.
    other = app.test_client()
    other.set_cookie("cp_validation_voter", "eyJ2IjoxfQ.forged.signature")
    page = other.get(room_url(opened)).get_data(as_text=True)
    assert 'name="email"' in page
    other_csrf = csrf_from(page)
    response = other.post(f"{room_url(opened)}/{first.id}",
                          data={"csrf_token": other_csrf, "verdict": "agree"})
    assert response.status_code == 403
    # Closed: 409, and the page says so.
    with app.test_request_context():
        close_round(opened["round"].id)
    assert room_vote(client, opened, first, "agree", csrf=csrf).status_code == 409
    page = client.get(room_url(opened)).get_data(as_text=True)
    assert "Voting in this round is closed." in page
    assert ValidationBallot.select().count() == 0


def test_the_cookie_of_another_rounds_voter_does_not_count(app, client, opened):
    from . import world as worlds

    other = worlds.open_round_for(app, opened)
    open_ballot(client, other["voters"][0])
    put_to_vote(opened["round"], opened["items"][0])
    page = client.get(room_url(opened)).get_data(as_text=True)
    assert 'name="email"' in page


def test_an_unknown_device_gets_its_link_by_mail_without_learning_who_votes(app, opened):
    client = app.test_client()
    person = opened["people"][0]
    voter = next(v for v in opened["voters"] if v.participant_id == person.id)
    page = client.get(room_url(opened)).get_data(as_text=True)
    csrf = csrf_from(page)
    before = OutboxMail.select().where(OutboxMail.kind == "validation_link").count()
    known = client.post(f"{room_url(opened)}/mijn-link",
                        data={"csrf_token": csrf, "email": person.email.upper()})
    unknown = client.post(f"{room_url(opened)}/mijn-link",
                          data={"csrf_token": csrf, "email": "niemand@example.org"})
    assert known.status_code == unknown.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"]
    assert (without_csrf(client.get(known.headers["Location"]).get_data(as_text=True))
            == without_csrf(client.get(unknown.headers["Location"]).get_data(as_text=True)))
    mails = list(OutboxMail.select().where(OutboxMail.kind == "validation_link"))
    assert len(mails) == before + 1
    assert mails[-1].to_address == person.email
    assert ballot_url(voter) in mails[-1].text_body and voter.token in mails[-1].html_body
    # Asked again at once: the same answer, but no second mail (at most one a quarter
    # of an hour per person, so nobody can flood someone's inbox with it).
    again = client.post(f"{room_url(opened)}/mijn-link", data={"csrf_token": csrf,
                                                               "email": person.email})
    assert again.status_code == 303
    assert OutboxMail.select().where(OutboxMail.kind == "validation_link").count() == before + 1
    # A malformed address: 400 at the field, what was typed kept.
    response = client.post(f"{room_url(opened)}/mijn-link",
                           data={"csrf_token": csrf, "email": "bel\x07@x"})
    assert response.status_code == 400 and "email-error" in response.get_data(as_text=True)
    response = client.post(f"{room_url(opened)}/mijn-link",
                           data={"csrf_token": csrf, "email": ""})
    assert response.status_code == 400


def test_the_link_form_is_rate_limited(migrated, instance_dir):
    from consultplatform.testing import fresh_app

    from . import world as worlds

    with fresh_app(migrated, instance_dir, VALIDATION_LINK_RATE_LIMIT="2 per minute") as app:
        made = worlds.open_round_for(app, worlds.consultation_with_people(per_sector=1,
                                                                          public=0))
        client = app.test_client()
        code = ValidationRound.get_by_id(made["round"].id).room_code
        csrf = csrf_from(client.get(f"/stem/{code}").get_data(as_text=True))
        codes = [client.post(f"/stem/{code}/mijn-link",
                             data={"csrf_token": csrf, "email": "a@example.org"}).status_code
                 for _ in range(3)]
        assert codes == [303, 303, 429]
