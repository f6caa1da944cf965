"""The validation's part of the demo: a closed round on the workshops' draft agenda
(texts and votes in demo_votes).

Runs after the workshops' demo (``DEMO_STAGE`` 70), from the command line: an app
context, no request, no acting staff; the core's demo loader pauses the audit log.
Everything goes through the services: the round is made on the draft agenda and
opened (every person who took part becomes a voter and gets an invitation in the
outbox; nothing is sent during the load: no delivery is asked for, the worker
finds the mails later like any other), 41 verdicts are cast online, in the room
and from paper, the round is closed (results frozen), and the decisions are
recorded through the core. Afterwards the fiction's clock is set: the round opened
twelve days ago, the meeting was five days ago, it closed three days ago and the
decisions followed yesterday. Loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from peewee import JOIN

from consultplatform.api import (
    AgendaDecision,
    AgendaItem,
    AgendaItemVersion,
    Consultation,
    Participant,
    Sector,
    now_local,
    record_decision,
)
from consultplatform_validation.ballots import BallotInput, cast_ballot, set_open_answer
from consultplatform_validation.demo_votes import (
    CLOSED_DAYS_AGO,
    DECIDED_DAYS_AGO,
    DECISIONS,
    MEETING_DAYS_AGO,
    OPEN_ANSWERS,
    OPEN_QUESTION,
    OPENED_DAYS_AGO,
    ROUND_TITLE,
    VOTERS,
    VOTES,
)
from consultplatform_validation.models import (
    ValidationBallot,
    ValidationItem,
    ValidationRound,
    ValidationVoter,
)
from consultplatform_validation.rounds import RoundInput, close_round, create_round, open_round

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _utc(local: dt.datetime) -> dt.datetime:
    """A naive Amsterdam wall-clock time as the naive UTC the ``*_at`` columns hold."""
    return local.replace(tzinfo=AMSTERDAM).astimezone(dt.UTC).replace(tzinfo=None)


def _day(days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
    """A local time ``days_ago`` days before today."""
    day = now_local().date() - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(hour, minute))


def _voters_by_key(round_id: int) -> dict[str, ValidationVoter]:
    """The demo's voter keys (demo_votes.VOTERS) matched to the round's voters: the
    n-th voter (by id) of each sector and side named there."""
    voters = list(ValidationVoter.select(ValidationVoter, Sector.name.alias("sector_name"))
                  .join(Participant, on=(ValidationVoter.participant == Participant.id))
                  .join_from(ValidationVoter, Sector, JOIN.LEFT_OUTER,
                             on=(ValidationVoter.sector == Sector.id))
                  .where(ValidationVoter.round == round_id)
                  .order_by(Participant.id).objects())
    taken: set[int] = set()
    found: dict[str, ValidationVoter] = {}
    for key, (sector, side) in VOTERS.items():
        match = next((v for v in voters if v.id not in taken and v.side == side
                      and (sector is None or v.sector_name == sector)), None)
        if match is not None:
            taken.add(match.id)
            found[key] = match
    return found


def load(consultation: Consultation) -> dict[str, int] | None:
    if ValidationRound.select().where(ValidationRound.consultation == consultation.id).exists():
        return None  # loaded already
    if not AgendaItem.select().where((AgendaItem.consultation == consultation.id)
                                     & (AgendaItem.decision != "dropped")).exists():
        return None  # no draft agenda (the workshops plugin is off)
    round_ = create_round(consultation.id, RoundInput(title=ROUND_TITLE,
                                                      open_question=OPEN_QUESTION))
    voters = open_round(round_.id)
    items = list(ValidationItem.select().where(ValidationItem.round == round_.id)
                 .order_by(ValidationItem.position))
    by_key = _voters_by_key(round_.id)
    ballots = 0
    for item, votes in zip(items, VOTES, strict=False):
        for key, verdict, reason, suggestion, channel in votes:
            if key in by_key:
                cast_ballot(by_key[key].id, BallotInput(item_id=item.id, verdict=verdict,
                                                        reason=reason, suggestion=suggestion),
                            channel)
                ballots += 1
    for key, answer in OPEN_ANSWERS.items():
        if key in by_key:
            set_open_answer(by_key[key].id, answer)
    close_round(round_.id)
    decisions = [record_decision(item.agenda_item_id, decision, reason, new_title=title,
                                 new_text=text).id
                 for item, (decision, reason, title, text) in zip(items, DECISIONS, strict=False)
                 if item.agenda_item_id is not None]
    _set_the_clock(round_.id, items, decisions)
    return {"rounds": 1, "voters": voters, "ballots": ballots, "decisions": len(decisions)}


def _set_the_clock(round_id: int, items: list[ValidationItem], decisions: list[int]) -> None:
    """Move the round's times from now to the days of the fiction: online verdicts
    over the first week, the room's on the evening of the meeting, the paper forms
    entered the morning after, the decisions yesterday."""
    opened, closed = _day(OPENED_DAYS_AGO, 9), _day(CLOSED_DAYS_AGO, 17)
    meeting = _day(MEETING_DAYS_AGO, 19, 30)
    ValidationRound.update(created_at=_utc(opened - dt.timedelta(days=2)), opened_at=_utc(opened),
                           closed_at=_utc(closed), opens_at=opened, closes_at=closed).where(
        ValidationRound.id == round_id).execute()
    ValidationVoter.update(invited_at=_utc(opened)).where(
        ValidationVoter.round == round_id).execute()
    ballots = list(ValidationBallot.select().where(
        ValidationBallot.item.in_([item.id for item in items])).order_by(ValidationBallot.id))
    last: dict[int, dt.datetime] = {}
    for n, ballot in enumerate(ballots):
        if ballot.channel == "room":
            when = meeting + dt.timedelta(minutes=3 * n % 60)
        elif ballot.channel == "paper":
            when = _day(MEETING_DAYS_AGO - 1, 10, n % 60)
        else:
            when = opened + dt.timedelta(days=n % (OPENED_DAYS_AGO - MEETING_DAYS_AGO),
                                         hours=2 + n % 9, minutes=7 * n % 60)
        stamp = _utc(when)
        ValidationBallot.update(created_at=stamp, updated_at=stamp).where(
            ValidationBallot.id == ballot.id).execute()
        last[ballot.voter_id] = max(stamp, last.get(ballot.voter_id, stamp))
    for voter_id, stamp in last.items():
        ValidationVoter.update(finished_at=stamp).where(
            (ValidationVoter.id == voter_id) & ValidationVoter.finished_at.is_null(False)).execute()
    decided = _utc(_day(DECIDED_DAYS_AGO, 11))
    agenda_ids = [item.agenda_item_id for item in items if item.agenda_item_id is not None]
    AgendaDecision.update(decided_at=decided).where(AgendaDecision.id.in_(decisions)).execute()
    AgendaItemVersion.update(created_at=decided).where(
        AgendaItemVersion.item.in_(agenda_ids) & (AgendaItemVersion.version > 1)).execute()
    AgendaItem.update(updated_at=decided).where(AgendaItem.id.in_(agenda_ids)).execute()
