"""Every page of the ballot and the room runs as many SQL statements with a big
round (60 items, 400 voters, 4,000 ballots) as with the small one: the items,
the voter's ballots and the interim counts are one query each, never one per
item or per ballot. A new page of these blueprints without a test fails here."""

from __future__ import annotations

import itertools

import pytest

from consultplatform.api import new_token, utcnow
from consultplatform.testing import assert_flat_statements
from consultplatform.testing.pages import page_endpoints
from consultplatform_validation.models import (
    VERDICTS,
    ValidationBallot,
    ValidationItem,
    ValidationPriority,
    ValidationVoter,
)

from . import world as worlds
from .ballot_helpers import ballot_url, open_ballot, put_to_vote

MINE = ("validation_ballot.", "validation_room.")
COUNTED = {
    "validation_ballot.ballot",
    "validation_room.room",  # the form, the wait, the saved verdict, the link form
    "validation_room.state",
    "validation_room.sent",
}


def test_every_page_of_the_ballot_and_the_room_is_counted(app):
    pages = {name for name in page_endpoints(app, "validation") if name.startswith(MINE)}
    assert pages == COUNTED


def grower(round_, voter):
    """A closure adding 57 items, 400 voters and their ballots, and this voter's."""
    def grow() -> None:
        start = ValidationItem.select().where(ValidationItem.round == round_.id).count()
        ValidationItem.insert_many([
            {"round": round_.id, "position": start + n + 1, "title": f"Punt {n}", "text": "t"}
            for n in range(57)]).execute()
        items = [row.id for row in ValidationItem.select(ValidationItem.id)
                 .where(ValidationItem.round == round_.id)]
        ValidationVoter.insert_many([
            {"round": round_.id, "token": new_token(), "side": "entrepreneur"}
            for _ in range(400)]).execute()
        voters = [row.id for row in ValidationVoter.select(ValidationVoter.id)
                  .where((ValidationVoter.round == round_.id) & (ValidationVoter.id != voter.id))]
        verdicts = itertools.cycle(VERDICTS)
        now = utcnow()
        rows = [{"voter": v, "item": i, "verdict": next(verdicts), "reason": "r",
                 "created_at": now, "updated_at": now}
                for v in voters[:100] for i in items[:40]]
        rows += [{"voter": voter.id, "item": i, "verdict": "agree", "created_at": now,
                  "updated_at": now} for i in items[3:]]
        for chunk in range(0, len(rows), 500):
            ValidationBallot.insert_many(rows[chunk:chunk + 500]).on_conflict_ignore().execute()
        ValidationPriority.insert_many([{"voter": voter.id, "item": i, "points": 1}
                                        for i in items[5:10]]).execute()
    return grow


@pytest.mark.parametrize("settings", [{}, {"show_interim": True, "priority_points": 10,
                                           "open_question": "Nog iets?"}])
def test_the_ballot_is_flat(app, client, world, settings):
    made = worlds.open_round_for(app, world, **settings)
    voter = made["voters"][0]
    with app.test_request_context():
        worlds.vote(voter, made["items"][0], "agree")
    count = assert_flat_statements(client, ballot_url(voter), grower(made["round"], voter))
    assert count <= 14


@pytest.mark.parametrize("state", ["voting", "voted", "changing", "waiting"])
def test_the_room_is_flat(app, client, opened, state):
    voter, item = opened["voters"][0], opened["items"][0]
    open_ballot(client, voter)
    put_to_vote(opened["round"], None if state == "waiting" else item)
    if state in ("voted", "changing"):
        with app.test_request_context():
            worlds.vote(voter, item, "agree")
    url = f"/stem/{opened['round'].room_code}" + ("?wijzig=1" if state == "changing" else "")
    count = assert_flat_statements(client, url, grower(opened["round"], voter))
    assert count <= 12


def test_the_room_for_an_unknown_device_is_flat(app, opened):
    client = app.test_client()
    assert_flat_statements(client, f"/stem/{opened['round'].room_code}",
                           grower(opened["round"], opened["voters"][0]))


@pytest.mark.parametrize("path", ["stand", "verstuurd"])
def test_the_state_and_the_sent_page_are_flat(app, client, opened, path):
    put_to_vote(opened["round"], opened["items"][1])
    count = assert_flat_statements(client, f"/stem/{opened['round'].room_code}/{path}",
                                   grower(opened["round"], opened["voters"][0]))
    assert count <= 6
