"""A voter's ballots as personal data: the person sees and downloads them on their
own page (no link token in it), and an erasure keeps every counted verdict without
the person: the results are the same before and after."""

from __future__ import annotations

import json

import pytest
from flask_babel import force_locale

from consultplatform.api import ExportScope, Participant, Registration
from consultplatform.testing import csrf_from
from consultplatform_validation.ballots import set_open_answer, set_priorities
from consultplatform_validation.models import (
    ValidationBallot,
    ValidationPriority,
    ValidationRound,
    ValidationVoter,
)
from consultplatform_validation.outputs_datasets import export_datasets
from consultplatform_validation.outputs_memo import item_results
from consultplatform_validation.personal_data import holders
from consultplatform_validation.results import compute

from . import contrib_world
from .world import open_round_for, vote


def own_data(client, person) -> dict:
    token = Registration.get(Registration.participant == person.id).token
    response = client.get(f"/aanmelding/{token}/gegevens.json")
    assert response.status_code == 200
    return {part["key"]: part["rows"] for part in json.loads(response.get_data())["parts"]}


def test_every_model_is_declared():
    declared = {model for holder in holders() for model in holder.models}
    assert declared == {ValidationVoter, ValidationBallot, ValidationPriority}
    assert all(holder.key.startswith("validation.") for holder in holders())


def test_a_person_sees_their_ballots_priorities_and_answer(app, world, client):
    opened = open_round_for(app, world, priority_points=10, open_question="Wat mist u?")
    voter, items = opened["voters"][0], opened["items"]
    with app.test_request_context():
        vote(voter, items[0], "agree_changes", reason="Ook omscholing", comment="Goed plan",
             suggestion="Vakmensen opleiden en omscholen", channel="room")
        vote(voter, items[1], "agree", reason="")
        set_priorities(voter.id, {items[0].id: 7, items[1].id: 3})
        set_open_answer(voter.id, "Energie")
    parts = own_data(client, voter.participant)
    ballots = parts["validation.ballots"]
    assert [(b["round"], b["item"], b["verdict"], b["reason"], b["comment"], b["suggestion"],
             b["channel"]) for b in ballots] == [
        ("Toetsing", "Vakmensen opleiden", "agree_changes", "Ook omscholing", "Goed plan",
         "Vakmensen opleiden en omscholen", "room"),
        ("Toetsing", "Woningen voor werknemers", "agree", "", "", "", "online")]
    assert all(b["updated_at"] for b in ballots)
    assert parts["validation.priorities"] == [
        {"round": "Toetsing", "item": "Vakmensen opleiden", "points": 7},
        {"round": "Toetsing", "item": "Woningen voor werknemers", "points": 3}]
    (mine,) = parts["validation.voters"]
    assert mine["open_question"] == "Wat mist u?" and mine["open_answer"] == "Energie"
    assert mine["invited_at"] and mine["finished_at"] is None
    # No link token in the validation's parts (the invitation in the core's part of
    # mails holds the link, as every mail does).
    text = json.dumps({key: rows for key, rows in parts.items() if key.startswith("valid")})
    assert voter.token not in text and "token" not in text
    # Someone else's ballots are not theirs.
    assert own_data(client, opened["voters"][1].participant)["validation.ballots"] == []


def results_now(app, closed) -> tuple:
    with app.test_request_context(), force_locale("en"):
        datasets = {d.key: d for d in export_datasets(closed["consultation"])}
        rows = list(datasets["validation_results"].rows(ExportScope()))
        flags = [(r.ballots, r.opinions, r.agreement, r.consensus, r.divergent)
                 for r in item_results(closed["round"])]
        # Counted again from the ballots now: the verdicts per group stay.
        live = [(item["overall"]["counts"], [(g["key"], g["counts"]) for g in item["groups"]])
                for item in compute(ValidationRound.get_by_id(closed["round"].id))["items"]]
        flags.append(live)
    return rows, flags, ValidationRound.get_by_id(closed["round"].id).results


@pytest.mark.parametrize("who", [3, 5])  # a voter with a comment; one in a small group
def test_erasure_keeps_the_counted_verdicts_without_the_person(app, world, admin_client, who):
    closed = contrib_world.closed_round(app, world)
    voter = closed["voters"][who]
    person = voter.participant
    with app.test_request_context():
        ValidationVoter.update(open_answer="Bel me: 06-12345678").where(
            ValidationVoter.id == voter.id).execute()
    before = results_now(app, closed)
    ballots_before = ValidationBallot.select().where(ValidationBallot.voter == voter.id).count()
    assert ballots_before

    url = f"/admin/participant/gegevens/?id={person.id}"
    page = admin_client.get(url).get_data(as_text=True)
    written = [b.reason for b in ValidationBallot.select().where(
        (ValidationBallot.voter == voter.id) & (ValidationBallot.reason != ""))]
    assert written and all(reason in page for reason in written)  # staff see the part
    wrote = [text for b in ValidationBallot.select().where(ValidationBallot.voter == voter.id)
             for text in (b.reason, b.suggestion, b.comment) if text]
    done = admin_client.post(url, data={"csrf_token": csrf_from(page), "reason": "letter",
                                        "confirm": "y"})
    assert done.status_code == 303
    assert Participant.get_by_id(person.id).erased_at is not None

    after = ValidationVoter.get_by_id(voter.id)
    assert after.participant_id is None and after.token is None
    assert after.erased_at is not None and after.open_answer == ""
    assert (after.sector_id, after.side) == (voter.sector_id, voter.side)
    kept = list(ValidationBallot.select().where(ValidationBallot.voter == voter.id))
    assert len(kept) == ballots_before
    assert all((b.reason, b.comment, b.suggestion) == ("", "", "") for b in kept)
    assert {b.channel for b in kept} <= {"online", "room", "paper"}
    rows, flags, frozen = results_now(app, closed)
    assert (rows, flags) == before[:2]
    # The frozen results keep their counts, and lose what the person wrote.
    texts = ("reasons", "suggestions", "comments")

    def without_texts(results):
        return [{k: v for k, v in item.items() if k not in texts} for item in results["items"]]

    def written(results) -> list[str]:
        return sorted(text for item in results["items"] for kind in texts
                      for by_verdict in item[kind].values() for text in by_verdict)

    assert without_texts(frozen) == without_texts(before[2])
    remaining = written(before[2])
    for ballot_text in wrote:
        remaining.remove(ballot_text)
    assert written(frozen) == remaining
    # The others keep what they wrote.
    assert ValidationBallot.select().where(ValidationBallot.reason != "").count() > 0
