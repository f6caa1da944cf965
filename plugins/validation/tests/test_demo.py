"""The demo (issue 15, point 7): a closed round on the workshops' draft agenda with
about forty verdicts online, in the room and on paper, one item contested by one
sector (divergent), and the decisions recorded through the core."""

from __future__ import annotations

from collections import Counter

from flask_babel import force_locale

from consultplatform.api import (
    AgendaDecision,
    AgendaItem,
    AuditLog,
    Consultation,
    OutboxMail,
    load_demo,
    now_local,
)
from consultplatform.api import plugin_registry as registry
from consultplatform_validation.dashboard import validation_steps
from consultplatform_validation.demo import load
from consultplatform_validation.demo_votes import CONTESTED, CONTESTING_SECTOR
from consultplatform_validation.models import (
    ValidationBallot,
    ValidationItem,
    ValidationRound,
    ValidationVoter,
)
from consultplatform_validation.outputs_memo import item_results, memo_sections


def test_the_demo_has_a_closed_round_with_one_contested_item(app):
    with app.app_context():
        report = load_demo(registry())
        demo = Consultation.get()
        round_ = ValidationRound.get(ValidationRound.consultation == demo)
        assert round_.status == "closed" and round_.title == "Toetsing conceptagenda"
        assert report["validation.rounds"] == 1 and report["validation.decisions"] == 5
        assert 38 <= report["validation.ballots"] <= 45
        assert round_.results["ballots"] == report["validation.ballots"]
        assert ValidationBallot.select().count() == report["validation.ballots"]
        assert Counter(b.channel for b in ValidationBallot.select()).keys() == {
            "online", "room", "paper"}
        # Every person who took part is a voter, invited once (queued, not sent).
        voters = ValidationVoter.select().where(ValidationVoter.round == round_)
        assert voters.count() == report["validation.voters"] == 42
        invitations = OutboxMail.select().where(OutboxMail.kind == "validation_invitation")
        assert invitations.count() == 42
        assert {m.status for m in invitations} == {"queued"}
        assert all(m.to_address.endswith("@example.org") for m in invitations)

        # The contested item is divergent: the retail sector mostly disagrees, every
        # other group shown mostly agrees; no other item is divergent.
        results = item_results(round_)
        assert [r.divergent for r in results] == [n == CONTESTED for n in range(5)]
        contested = results[CONTESTED]
        assert not contested.consensus
        groups = round_.results["items"][CONTESTED]["groups"]
        disagreeing = [g["sector"] for g in groups if g["counts"]["disagree"] * 2 > g["opinions"]]
        assert disagreeing == [CONTESTING_SECTOR]
        assert all(g["agreement"] >= 0.7 for g in groups if g["sector"] != CONTESTING_SECTOR)
        assert results[0].consensus

        # Decisions after closing: four adopted, the contested one amended with new words.
        items = list(AgendaItem.select().where(AgendaItem.consultation == demo)
                     .order_by(AgendaItem.position))
        assert [i.decision for i in items] == ["adopted", "adopted", "amended", "adopted",
                                               "adopted"]
        amended = items[CONTESTED]
        assert amended.version == 2 and "winkels" in amended.title
        frozen = ValidationItem.get(ValidationItem.agenda_item == amended.id)
        assert frozen.title == "Bereikbaar werk"  # what was voted on stays
        decision = amended.decisions.order_by(AgendaDecision.id.desc()).first()
        assert "detailhandel" in decision.reason.lower()

        # Dates read naturally: opened twelve days ago, closed three, decided yesterday.
        today = now_local().date()
        assert (today - round_.opens_at.date()).days == 12
        assert (today - round_.closes_at.date()).days == 3
        assert round_.opened_at < round_.closed_at < decision.decided_at
        assert all(round_.opened_at <= b.updated_at <= round_.closed_at
                   for b in ValidationBallot.select())
        assert AuditLog.select().count() == 0  # fiction writes no audit trail

        # The dashboard's step is done, and the memo tells the story.
        with app.test_request_context(), force_locale("en"):
            (step,) = validation_steps(demo)
            assert (step.state, list(step.checks)) == ("done", [])
            (memo,) = memo_sections(demo)
            text = " ".join(memo.paragraphs)
        assert "3. Bereikbaar werk" in text and "divergent" in text
        assert "4 adopted, 1 amended, 0 dropped; 0 without a decision yet" in text

        # Loading again changes nothing.
        counts = (ValidationRound.select().count(), ValidationBallot.select().count())
        assert load(demo) is None
        assert counts == (ValidationRound.select().count(), ValidationBallot.select().count())
