"""A round's life through the services: frozen agenda, opening (voters and their
invitations, once), ballots (one per voter and item, the latest), closing."""

from __future__ import annotations

import pytest

from consultplatform.api import AgendaItemInput, OutboxMail, edit_agenda_item
from consultplatform_validation.ballots import voter_by_token
from consultplatform_validation.models import ValidationBallot
from consultplatform_validation.rounds import RoundError, close_round, open_round

from .world import vote

pytestmark = pytest.mark.usefixtures("in_request")


def test_opening_invites_everyone_who_took_part_once(opened):
    voters = opened["voters"]
    assert len(voters) == 11
    mails = list(OutboxMail.select().where(OutboxMail.kind == "validation_invitation"))
    assert len(mails) == 11
    assert {mail.to_address for mail in mails} == {p.email for p in opened["people"]}
    english = [m for m in mails if m.to_address.startswith("gemeente")]
    assert all(m.language == "en" and "draft agenda" in m.subject for m in english)
    assert all(v.token and v.token in m.text_body for v in voters for m in mails
               if m.to_address == v.participant.email)
    with pytest.raises(RoundError) as refused:
        open_round(opened["round"].id)
    assert refused.value.status == 409


def test_the_text_voted_on_is_the_frozen_text(opened):
    item = opened["items"][0]
    edit_agenda_item(item.agenda_item_id, AgendaItemInput(title="Iets anders", text="nieuw"))
    item = type(item).get_by_id(item.id)
    assert item.title == "Vakmensen opleiden" and item.agenda_version == 1


def test_one_ballot_per_voter_and_item_the_latest_counts(opened):
    voter, item = opened["voters"][0], opened["items"][0]
    vote(voter, item, "agree", reason="")
    vote(voter, item, "disagree", reason="te duur", channel="room")
    rows = list(ValidationBallot.select().where(ValidationBallot.voter == voter.id))
    assert [(r.verdict, r.reason, r.channel) for r in rows] == [("disagree", "te duur", "room")]


def test_refusals(opened):
    voter, item = opened["voters"][0], opened["items"][0]
    for verdict, reason, field in (("disagree", "", "reason"), ("maybe", "x", "verdict"),
                                   ("agree", "x" * 2001, "reason"),
                                   ("agree", "a\x00b", "reason")):
        with pytest.raises(RoundError) as refused:
            vote(voter, item, verdict, reason=reason)
        assert refused.value.field == field
    assert voter_by_token("x" * 500) is None and voter_by_token(voter.token).id == voter.id


def test_no_ballot_after_closing(opened):
    voter, item = opened["voters"][0], opened["items"][0]
    vote(voter, item, "agree")
    closed = close_round(opened["round"].id)
    assert closed.status == "closed" and closed.results["ballots"] == 1
    with pytest.raises(RoundError) as refused:
        vote(voter, item, "disagree")
    assert refused.value.status == 409
    assert ValidationBallot.get(ValidationBallot.voter == voter.id).verdict == "agree"


def test_a_voter_has_finished_with_a_verdict_on_every_item(opened):
    voter, items = opened["voters"][0], opened["items"]
    for item in items[:-1]:
        vote(voter, item, "agree")
    assert type(voter).get_by_id(voter.id).finished_at is None
    vote(voter, items[-1], "no_opinion")
    finished = type(voter).get_by_id(voter.id).finished_at
    assert finished is not None
    vote(voter, items[0], "disagree", reason="toch niet")  # a change keeps the moment
    assert type(voter).get_by_id(voter.id).finished_at == finished


def test_a_live_room_vote_only_on_the_item_open_for_voting(opened):
    from consultplatform_validation.ballots import BallotInput, cast_ballot
    from consultplatform_validation.presenter import move_to, reveal, start_voting

    round_, voter, item = opened["round"], opened["voters"][0], opened["items"][0]
    data = BallotInput(item_id=item.id, verdict="agree")
    with pytest.raises(RoundError) as refused:
        cast_ballot(voter.id, data, "room", live_room=True)  # nothing open yet
    assert refused.value.status == 409
    move_to(round_.id, item.position)
    start_voting(round_.id)
    cast_ballot(voter.id, data, "room", live_room=True)
    reveal(round_.id)
    with pytest.raises(RoundError) as refused:  # after the reveal, the count stays
        cast_ballot(opened["voters"][1].id, data, "room", live_room=True)
    assert refused.value.status == 409
    assert ValidationBallot.select().where(ValidationBallot.item == item.id).count() == 1
