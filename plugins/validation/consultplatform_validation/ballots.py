"""Casting a ballot: one per voter and item, the latest counts, whatever the channel
(online with the personal link, on a phone in the room, from a paper form entered
by staff). The upsert is one statement on the unique (voter, item) index, so two
devices of one person at the same moment leave one ballot; the round's row is
key-share locked, so a ballot and the closing of the round take turns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from peewee import fn

from consultplatform.api import (
    Consultation,
    is_postgres,
    same_token,
    unsafe_in_text,
    utcnow,
    write_transaction,
)
from consultplatform_validation.models import (
    CHANNELS,
    COMMENT_MAX,
    OPEN_ANSWER_MAX,
    REASON_MAX,
    SUGGESTION_MAX,
    VERDICTS,
    ValidationBallot,
    ValidationItem,
    ValidationPriority,
    ValidationRound,
    ValidationVoter,
)
from consultplatform_validation.rounds import RoundError, accepts_ballots
from consultplatform_validation.settings import validation_settings

TOKEN_MAX = 64


@dataclass(frozen=True)
class BallotInput:
    item_id: int
    verdict: str
    reason: str = ""
    comment: str = ""
    suggestion: str = ""


def voter_by_token(token: str | None) -> ValidationVoter | None:
    """The voter of a personal link, or None (unknown, malformed, erased)."""
    if not token or len(token) > TOKEN_MAX or not token.isascii():
        return None
    voter = ValidationVoter.get_or_none(ValidationVoter.token == token)
    if voter is None or not same_token(token, voter.token):
        return None
    return voter


def _text(name: str, value: str, limit: int) -> str:
    value = value.strip()
    if len(value) > limit:
        raise RoundError(name, str(_l("At most %(max)d characters.", max=limit)))
    if unsafe_in_text(value):
        raise RoundError(name, str(_l("This text holds invisible control characters; "
                                      "type it again without them.")))
    return value


def checked(consultation: Consultation, data: BallotInput) -> BallotInput:
    """The input as it will be stored, or a RoundError naming the field."""
    if data.verdict not in VERDICTS:
        raise RoundError("verdict", str(_l("Choose one of the options shown.")))
    reason = _text("reason", data.reason, REASON_MAX)
    if not reason and data.verdict in validation_settings(consultation).reason_required:
        raise RoundError("reason", str(_l("Say why: with this verdict a reason is needed.")))
    return BallotInput(item_id=data.item_id, verdict=data.verdict, reason=reason,
                       comment=_text("comment", data.comment, COMMENT_MAX),
                       suggestion=_text("suggestion", data.suggestion, SUGGESTION_MAX))


def _round_for_ballot(round_id: int) -> ValidationRound:
    """The round, key-share locked on PostgreSQL (conflicts only with the closing's
    FOR UPDATE; SQLite's write transaction serialises anyway), and accepting."""
    query = ValidationRound.select().where(ValidationRound.id == round_id)
    if is_postgres():
        query = query.for_update("FOR KEY SHARE")
    round_ = query.first()
    if round_ is None or not accepts_ballots(round_):
        raise RoundError("round", str(_l(
            "Voting in this round is closed: your verdict was not saved.")), 409)
    return round_


def cast_ballot(voter_id: int, data: BallotInput, channel: str = "online", *,
                live_room: bool = False) -> None:
    """Store the voter's verdict on one item (replacing an earlier one); refused
    with a RoundError when the round does not accept ballots or the item is not in it.
    ``live_room`` (the room's page): refused too unless the item is the one the
    presenter has open for voting, checked under the round's lock, so a phone's vote
    that arrives after the result was revealed does not change it."""
    cast_ballots(voter_id, [data], channel, live_room=live_room)


def cast_ballots(voter_id: int, entries: Sequence[BallotInput],
                 channel: str = "online", *, live_room: bool = False) -> None:
    """Store the voter's verdicts on several items at once (a paper form): all or
    none, in one transaction.

    Five statements for one verdict (the voter with its round, the round locked, the
    items, the upsert, the "finished" mark), plus the settings once per request: a
    ballot is the one write many people make at the same moment."""
    if channel not in dict(CHANNELS):
        raise RoundError("channel", str(_l("Choose one of the options shown.")))
    voter = (ValidationVoter.select(ValidationVoter, ValidationRound)
             .join(ValidationRound).where(ValidationVoter.id == voter_id).first())
    if voter is None or voter.erased_at is not None:
        raise RoundError("voter", str(_l("This voting link is not valid.")), 404)
    consultation = Consultation(id=voter.round.consultation_id)
    entries = [checked(consultation, data) for data in entries]
    with write_transaction():
        round_ = _round_for_ballot(voter.round_id)
        items = {ident: (position, state) for ident, position, state in (
            ValidationItem.select(ValidationItem.id, ValidationItem.position,
                                  ValidationItem.state)
            .where(ValidationItem.id.in_([data.item_id for data in entries] or [0])
                   & (ValidationItem.round == round_.id)).tuples())}
        now = utcnow()
        for data in entries:
            if data.item_id not in items:
                raise RoundError("item", str(_l("This item is not part of this round.")), 404)
            position, state = items[data.item_id]
            if live_room and (state != "voting" or round_.current_position != position):
                # The presenter has closed the voting on it (under the round's lock).
                raise RoundError("item", str(_l(
                    "Voting on this item in the room has closed: your verdict was not "
                    "saved.")), 409)
            _upsert(voter.id, data, channel, now)
        if voter.finished_at is None and entries:
            _mark_finished(voter.id, round_.id, now)


def _upsert(voter_id: int, data: BallotInput, channel: str, now: dt.datetime) -> None:
    row = {"voter": voter_id, "item": data.item_id, "verdict": data.verdict,
           "reason": data.reason, "comment": data.comment, "suggestion": data.suggestion,
           "channel": channel, "created_at": now, "updated_at": now}
    (ValidationBallot.insert(row)
     .on_conflict(conflict_target=[ValidationBallot.voter, ValidationBallot.item],
                  update={ValidationBallot.verdict: data.verdict,
                          ValidationBallot.reason: data.reason,
                          ValidationBallot.comment: data.comment,
                          ValidationBallot.suggestion: data.suggestion,
                          ValidationBallot.channel: channel,
                          ValidationBallot.updated_at: now})
     .execute())


def _mark_finished(voter_id: int, round_id: int, now: dt.datetime) -> None:
    """A voter with a verdict on every item has finished (no more reminders): one
    conditional UPDATE."""
    given = (ValidationBallot.select(fn.COUNT(ValidationBallot.id))
             .where(ValidationBallot.voter == voter_id))
    items = (ValidationItem.select(fn.COUNT(ValidationItem.id))
             .where(ValidationItem.round == round_id))
    (ValidationVoter.update(finished_at=now)
     .where((ValidationVoter.id == voter_id) & ValidationVoter.finished_at.is_null()
            & (given >= items))
     .execute())


def set_priorities(voter_id: int, points: Mapping[int, int]) -> None:
    """The voter's spread of the round's priority points (all at once, replacing)."""
    voter = ValidationVoter.get_or_none(ValidationVoter.id == voter_id)
    if voter is None or voter.erased_at is not None:
        raise RoundError("voter", str(_l("This voting link is not valid.")), 404)
    with write_transaction():
        round_ = _round_for_ballot(voter.round_id)
        if not round_.priority_points:
            raise RoundError("priority", str(_l("This round asks no priorities.")), 404)
        items = {row.id for row in ValidationItem.select(ValidationItem.id)
                 .where(ValidationItem.round == round_.id)}
        if not set(points) <= items:
            raise RoundError("priority", str(_l("This item is not part of this round.")), 404)
        if any(value < 0 for value in points.values()):
            raise RoundError("priority", str(_l("Give numbers of 0 or more.")))
        if sum(points.values()) > round_.priority_points:
            raise RoundError("priority", str(_l(
                "You spread more than %(max)d points; take some away.",
                max=round_.priority_points)))
        ValidationPriority.delete().where(ValidationPriority.voter == voter.id).execute()
        rows = [{"voter": voter.id, "item": item, "points": value}
                for item, value in sorted(points.items()) if value]
        if rows:
            ValidationPriority.insert_many(rows).execute()


def set_open_answer(voter_id: int, text: str) -> None:
    """The voter's answer to the round's open question (replacing)."""
    voter = ValidationVoter.get_or_none(ValidationVoter.id == voter_id)
    if voter is None or voter.erased_at is not None:
        raise RoundError("voter", str(_l("This voting link is not valid.")), 404)
    text = _text("open_answer", text, OPEN_ANSWER_MAX)
    with write_transaction():
        round_ = _round_for_ballot(voter.round_id)
        if not round_.open_question:
            raise RoundError("open_answer", str(_l("This round asks no open question.")), 404)
        (ValidationVoter.update(open_answer=text)
         .where(ValidationVoter.id == voter.id).execute())


def ballots_of(voter_id: int) -> dict[int, ValidationBallot]:
    """{item id: the voter's ballot on it}."""
    return {ballot.item_id: ballot for ballot in
            ValidationBallot.select().where(ValidationBallot.voter == voter_id)}
