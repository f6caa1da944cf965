"""The validation's step on the dashboard: not started (no round, or one being
prepared), in progress (open, or closed without every decision), done (closed and
every item decided since), with its figures and checks, on the page, and as many
statements for many ballots as for a few."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from consultplatform.api import STEP_ORDER, record_decision
from consultplatform.testing import assert_flat_statements, choose_consultation, factories
from consultplatform_validation.dashboard import validation_steps
from consultplatform_validation.rounds import RoundInput, close_round, create_round

from . import contrib_world
from .world import consultation_with_people, open_round_for, vote


def step(app, consultation) -> dict:
    with app.test_request_context(), force_locale("en"):
        (found,) = validation_steps(consultation)
        return {"key": found.key, "order": found.order, "state": found.state,
                "url": found.url, "figures": {str(k): v for k, v in found.figures},
                "checks": [(str(c.text), c.url) for c in found.checks]}


def test_no_step_before_there_is_a_draft_agenda(app):
    with app.test_request_context():
        assert validation_steps(factories.consultation()) == []


def test_an_agenda_without_a_round(app, world):
    shown = step(app, world["consultation"])
    assert (shown["key"], shown["order"], shown["state"]) == (
        "validation", STEP_ORDER["validation"], "not_started")
    assert shown["figures"] == {"Rounds": 0}
    assert shown["checks"] == [("The draft agenda has items, but no validation round has been "
                                "prepared", "/admin/validation-rounds/")]


def test_a_round_being_prepared(app, world, in_request):
    create_round(world["consultation"].id, RoundInput(title="Toetsing"))
    shown = step(app, world["consultation"])
    assert shown["state"] == "not_started" and shown["figures"] == {"Rounds": 1}
    assert shown["checks"] == [("The validation round has not been opened yet: Toetsing",
                                "/admin/validation-rounds/")]


def test_an_open_round_and_its_turnout(app, world, in_request):
    opened = open_round_for(app, world)
    voters, items = opened["voters"], opened["items"]
    for voter in voters[:3]:
        vote(voter, items[0], "agree")
    shown = step(app, world["consultation"])
    assert shown["state"] == "in_progress"
    assert shown["figures"] == {"Rounds": 1, "Invited": 11, "Turnout": "27%", "Verdicts": 3}
    assert shown["checks"] == [("Low turnout so far: 27% of the people invited gave a "
                                "verdict", "/admin/validation-rounds/")]
    vote(voters[3], items[1], "agree")
    shown = step(app, world["consultation"])
    assert shown["figures"]["Turnout"] == "36%" and shown["checks"] == []


def test_closed_without_every_decision_then_done(app, world):
    closed = contrib_world.closed_round(app, world)
    round_id = closed["round"].id
    shown = step(app, world["consultation"])
    assert shown["state"] == "in_progress"
    assert shown["figures"] == {"Rounds": 1, "Invited": 11, "Turnout": "91%", "Verdicts": 22}
    # Item 2 was adopted before the round closed: that is no decision after it.
    assert shown["checks"] == [("1 item without a decision since the round closed",
                                f"/admin/validation-decisions/{round_id}/")]
    with app.test_request_context():
        record_decision(closed["items"][1].agenda_item_id, "dropped", "Elders geregeld.")
    assert step(app, world["consultation"])["state"] == "done"
    assert step(app, world["consultation"])["checks"] == []
    # Put back to "proposed": undecided again.
    with app.test_request_context():
        record_decision(closed["items"][1].agenda_item_id, "proposed")
    assert step(app, world["consultation"])["state"] == "in_progress"


@pytest.mark.parametrize("status", ["open", "closed"])
def test_the_step_on_the_dashboard_and_its_statements(app, admin_client, status):
    world = consultation_with_people(per_sector=3, public=3)
    opened = open_round_for(app, world)
    with app.test_request_context():
        vote(opened["voters"][0], opened["items"][0], "agree")
        if status == "closed":
            close_round(opened["round"].id)
    choose_consultation(admin_client, world["consultation"])
    html = admin_client.get("/admin/").get_data(as_text=True)
    assert 'id="stap-validation"' in html

    def more() -> None:
        # More voters and ballots: a new round on a bigger world is not this one, so
        # grow this round's own ballots and voters through the services.
        with app.test_request_context():
            for voter in opened["voters"][1:]:
                for item in opened["items"]:
                    if status == "open":
                        vote(voter, item, "disagree", reason="nee")
        if status == "closed":
            with app.test_request_context():
                for item in opened["items"]:
                    record_decision(item.agenda_item_id, "adopted")

    assert_flat_statements(admin_client, "/admin/", more)
