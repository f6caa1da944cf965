"""The personal ballot over HTTP: the page, saving per item, progress, changing a
verdict, and every refusal with a clear message and a 4xx (never a 500)."""

from __future__ import annotations

import logging

import pytest

from consultplatform.api import utcnow
from consultplatform.testing import fresh_app
from consultplatform_validation.models import (
    REASON_MAX,
    ValidationBallot,
    ValidationPriority,
    ValidationVoter,
)
from consultplatform_validation.rounds import close_round

from . import world as worlds
from .ballot_helpers import ballot_url, open_ballot, verdict


@pytest.fixture(autouse=True)
def english(client):
    """The texts asserted are the English ones (the Dutch are translated centrally)."""
    client.set_cookie("lang", "en")


def ballots_of(voter) -> list[ValidationBallot]:
    return list(ValidationBallot.select().where(ValidationBallot.voter == voter.id))


def test_the_ballot_shows_the_frozen_items_and_is_private(client, opened):
    voter = opened["voters"][0]
    response = client.get(ballot_url(voter))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Toetsing" in page
    for item in opened["items"]:
        assert item.title in page and f'id="item-{item.id}"' in page
    assert "0 of 3 items answered" in page
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response.headers["Cache-Control"]
    cookie = next(c for c in response.headers.getlist("Set-Cookie")
                  if c.startswith("cp_validation_voter="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert voter.token not in cookie


def test_a_verdict_is_saved_per_item_and_can_be_changed(client, opened):
    voter, first, second = opened["voters"][0], *opened["items"][:2]
    csrf = open_ballot(client, voter)
    response = verdict(client, voter, first, "agree", csrf=csrf)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{ballot_url(voter)}#item-{first.id}")
    page = client.get(ballot_url(voter)).get_data(as_text=True)
    assert "1 of 3 items answered" in page
    assert f'<input checked id="item{first.id}-verdict-0"' in page
    assert page.count("<input checked") == 1
    assert verdict(client, voter, second, "disagree", "Te duur", csrf=csrf).status_code == 303
    assert verdict(client, voter, first, "agree_changes", "Korter", csrf=csrf,
                   suggestion="Kortere tekst").status_code == 303
    stored = {b.item_id: (b.verdict, b.reason, b.suggestion, b.channel) for b in ballots_of(voter)}
    assert stored == {first.id: ("agree_changes", "Korter", "Kortere tekst", "online"),
                      second.id: ("disagree", "Te duur", "", "online")}
    page = client.get(ballot_url(voter)).get_data(as_text=True)
    assert "2 of 3 items answered" in page and "Kortere tekst" in page


def test_a_missing_reason_is_refused_at_the_field_and_the_typing_is_kept(client, opened):
    voter, item = opened["voters"][0], opened["items"][0]
    response = verdict(client, voter, item, "disagree", "", comment="Mijn opmerking")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="item{item.id}-reason-error"' in page
    assert "Mijn opmerking" in page
    assert 'class="error-summary"' in page
    assert ballots_of(voter) == []


@pytest.mark.parametrize("reason, comment", [
    ("x" * (REASON_MAX + 1), ""), ("met \x07 bel", ""), ("", "nul\x00teken"), ("rtl \u202e", "")])
def test_overlong_texts_and_control_characters_are_400_at_the_field(client, opened, reason,
                                                                      comment):
    voter, item = opened["voters"][0], opened["items"][0]
    response = verdict(client, voter, item, "disagree", reason, comment=comment)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    field = "reason" if reason else "comment"
    assert f'id="item{item.id}-{field}-error"' in page
    assert ballots_of(voter) == []


def test_an_unknown_verdict_is_400(client, opened):
    voter, item = opened["voters"][0], opened["items"][0]
    response = verdict(client, voter, item, "block", "omdat")
    assert response.status_code == 400
    assert f'id="item{item.id}-verdict-error"' in response.get_data(as_text=True)


def test_tampered_unknown_and_erased_links_are_404_with_a_message(client, opened):
    voter = opened["voters"][0]
    tampered = voter.token[:-1] + ("A" if voter.token[-1] != "A" else "B")
    for token in (tampered, "kort", "é" * 43, "x" * 99):
        response = client.get(f"/toetsing/{token}")
        assert response.status_code == 404
        assert "This voting link is not valid" in response.get_data(as_text=True)
    assert client.get("/toetsing/" + "x" * 101).status_code == 404
    csrf = open_ballot(client, opened["voters"][1])
    ValidationVoter.update(erased_at=utcnow()).where(ValidationVoter.id == voter.id).execute()
    assert client.get(ballot_url(voter)).status_code == 404
    assert verdict(client, voter, opened["items"][0], "agree", csrf=csrf).status_code == 404


def test_items_not_in_the_round_are_404(app, client, opened):
    voter = opened["voters"][0]
    other = worlds.open_round_for(app, opened)
    csrf = open_ballot(client, voter)
    assert verdict(client, voter, other["items"][0], "agree", csrf=csrf).status_code == 404
    response = client.post(f"{ballot_url(voter)}/999999", data={"csrf_token": csrf,
                                                                "verdict": "agree"})
    assert response.status_code == 404
    assert client.post(f"{ballot_url(voter)}/abc", data={"csrf_token": csrf}).status_code == 404
    assert ballots_of(voter) == []


def test_a_closed_round_is_read_only_and_refuses_with_409(app, client, opened):
    voter, item = opened["voters"][0], opened["items"][0]
    csrf = open_ballot(client, voter)
    assert verdict(client, voter, item, "agree", csrf=csrf).status_code == 303
    with app.test_request_context():
        close_round(opened["round"].id)
    response = verdict(client, voter, item, "disagree", "laat", csrf=csrf)
    assert response.status_code == 409
    assert "Voting in this round is closed." in response.get_data(as_text=True)
    page = client.get(ballot_url(voter)).get_data(as_text=True)
    assert 'name="verdict"' not in page
    assert [b.verdict for b in ballots_of(voter)] == ["agree"]


def test_malformed_requests_are_4xx(client, opened):
    voter, item = opened["voters"][0], opened["items"][0]
    url = f"{ballot_url(voter)}/{item.id}"
    # No CSRF token.
    response = client.post(url, data={"verdict": "agree"})
    assert response.status_code == 400
    # Odd methods.
    for method in ("PUT", "DELETE", "PATCH"):
        assert client.open(url, method=method).status_code == 405
    assert client.post(ballot_url(voter)).status_code == 405
    # A huge body.
    response = client.post(url, data={"verdict": "agree", "reason": "x" * 5_000_000})
    assert 400 <= response.status_code < 500
    # Strange tokens and field values.
    assert client.get("/toetsing/%00%01").status_code == 404
    assert client.get("/toetsing/\u0665\u0666").status_code == 404
    csrf = open_ballot(client, voter)
    response = client.post(url, data={"csrf_token": csrf, "verdict": "\x00"})
    assert response.status_code == 400
    assert ballots_of(voter) == []


def test_the_token_never_reaches_the_logs(client, opened, caplog):
    voter, item = opened["voters"][0], opened["items"][0]
    with caplog.at_level(logging.DEBUG):
        csrf = open_ballot(client, voter)
        verdict(client, voter, item, "agree", csrf=csrf)
        verdict(client, voter, item, "disagree", "", csrf=csrf)
        client.post(f"{ballot_url(voter)}/999999", data={"csrf_token": csrf})
    assert caplog.records, "the requests logged nothing at all: the test would prove nothing"
    assert voter.token not in caplog.text


def test_priorities_and_the_open_question(app, client, world):
    made = worlds.open_round_for(app, world, priority_points=10,
                                 open_question="Wat missen we nog?")
    voter, items = made["voters"][0], made["items"]
    csrf = open_ballot(client, voter)
    page = client.get(ballot_url(voter)).get_data(as_text=True)
    assert "Wat missen we nog?" in page and f'name="p{items[0].id}"' in page
    too_many = {"csrf_token": csrf, f"p{items[0].id}": "8", f"p{items[1].id}": "4"}
    response = client.post(f"{ballot_url(voter)}/prioriteiten", data=too_many)
    assert response.status_code == 400
    assert 'value="8"' in response.get_data(as_text=True)
    response = client.post(f"{ballot_url(voter)}/prioriteiten",
                           data={**too_many, f"p{items[1].id}": "2"})
    assert response.status_code == 303 and response.headers["Location"].endswith("#priorities")
    assert dict(ValidationPriority.select(ValidationPriority.item, ValidationPriority.points)
                .where(ValidationPriority.voter == voter.id).tuples()) == {
        items[0].id: 8, items[1].id: 2}
    response = client.post(f"{ballot_url(voter)}/open-vraag",
                           data={"csrf_token": csrf, "answer": "Water"})
    assert response.status_code == 303
    assert ValidationVoter.get_by_id(voter.id).open_answer == "Water"
    response = client.post(f"{ballot_url(voter)}/open-vraag",
                           data={"csrf_token": csrf, "answer": "bel\x07"})
    assert response.status_code == 400 and "answer-error" in response.get_data(as_text=True)


def test_the_questions_a_round_does_not_ask_are_404(client, opened):
    voter = opened["voters"][0]
    csrf = open_ballot(client, voter)
    for path in ("prioriteiten", "open-vraag"):
        response = client.post(f"{ballot_url(voter)}/{path}", data={"csrf_token": csrf})
        assert response.status_code == 404


def test_interim_counts_show_only_when_the_round_says_so(app, client, world):
    shown = worlds.open_round_for(app, world, show_interim=True)
    first, second = shown["voters"][:2]
    item = shown["items"][0]
    with app.test_request_context():
        worlds.vote(first, item, "agree")
        worlds.vote(second, item, "disagree")
    page = client.get(ballot_url(first)).get_data(as_text=True)
    section = page.split(f'id="item-{item.id}"')[1].split("</section>")[0]
    assert "Verdicts so far" in section
    assert "Agree 1 · Agree with changes 0 · Disagree 1 · No opinion 0" in " ".join(section.split())
    hidden = worlds.open_round_for(app, world)
    page = client.get(ballot_url(hidden["voters"][0])).get_data(as_text=True)
    assert "ballot-interim" not in page


def test_posts_are_rate_limited_per_link(migrated, instance_dir):
    with fresh_app(migrated, instance_dir, VALIDATION_BALLOT_RATE_LIMIT="3 per minute") as app:
        made = worlds.open_round_for(app, worlds.consultation_with_people(per_sector=1,
                                                                          public=0))
        client = app.test_client()
        voter, item = made["voters"][0], made["items"][0]
        csrf = open_ballot(client, voter)
        codes = [verdict(client, voter, item, "agree", csrf=csrf).status_code for _ in range(5)]
        assert codes[:3] == [303, 303, 303] and codes[3:] == [429, 429]
        # Another person's link is counted apart.
        other = made["voters"][1]
        assert verdict(client, other, item, "agree").status_code == 303


def test_a_round_not_yet_open_says_so_and_refuses_with_409(app, client, world):
    import datetime as dt

    from consultplatform.api import now_local

    made = worlds.open_round_for(app, world)
    from consultplatform_validation.models import ValidationRound

    ValidationRound.update(opens_at=now_local() + dt.timedelta(days=1)).where(
        ValidationRound.id == made["round"].id).execute()
    voter, item = made["voters"][0], made["items"][0]
    page = client.get(ballot_url(voter)).get_data(as_text=True)
    assert 'name="verdict"' not in page
    assert "Voting in this round has not started yet." in page
    other = made["voters"][1]
    ValidationRound.update(opens_at=None).where(ValidationRound.id == made["round"].id).execute()
    csrf = open_ballot(client, other)
    ValidationRound.update(opens_at=now_local() + dt.timedelta(days=1)).where(
        ValidationRound.id == made["round"].id).execute()
    assert verdict(client, voter, item, "agree", csrf=csrf).status_code == 409
    assert ballots_of(voter) == []
