"""Timed work on rounds, run by the worker every few minutes (``tasks.py``): the
reminder before closing to the voters who have not finished (once per voter), and
the closing of rounds whose closing time has passed. Times are local
(Europe/Amsterdam), like the rounds' ``opens_at``/``closes_at``."""

from __future__ import annotations

import datetime as dt

from peewee import fn

from consultplatform.api import (
    Consultation,
    Participant,
    now_local,
    queue_participant_mail,
    utcnow,
    write_transaction,
)
from consultplatform_validation.mails import REMINDER_SUBJECT, SubjectWithTitle, ballot_url
from consultplatform_validation.models import (
    ValidationBallot,
    ValidationItem,
    ValidationRound,
    ValidationVoter,
)
from consultplatform_validation.rounds import RoundError, close_round
from consultplatform_validation.settings import validation_settings

# Reminders per transaction: a big round is reminded in short transactions, so
# ballots cast meanwhile never wait long for the lock.
BATCH = 100


def reminder_hours(round_: ValidationRound, consultation: Consultation) -> int:
    """The round's own hours, or the consultation's default."""
    if round_.reminder_hours:
        return int(round_.reminder_hours)
    return validation_settings(consultation).reminder_hours


def _due_rounds(now: dt.datetime) -> list[ValidationRound]:
    return list(ValidationRound.select(ValidationRound, Consultation)
                .join(Consultation)
                .where((ValidationRound.status == "open")
                       & (ValidationRound.opens_at.is_null() | (ValidationRound.opens_at <= now))
                       & ValidationRound.closes_at.is_null(False)
                       & (ValidationRound.closes_at > now))
                .order_by(ValidationRound.id))


def queue_reminders(now: dt.datetime | None = None) -> int:
    """Queue the reminder to every unfinished voter of the rounds within their
    reminder window; each voter once (``reminded_at``, and the mail's once_key).
    Returns the mails queued."""
    now = now or now_local()
    queued = 0
    for round_ in _due_rounds(now):
        hours = reminder_hours(round_, round_.consultation)
        if round_.closes_at - dt.timedelta(hours=hours) > now:
            continue
        items = ValidationItem.select().where(ValidationItem.round == round_.id).count()
        while True:
            sent, full = _remind_batch(round_, items)
            queued += sent
            if not full:
                break
    return queued


def _remind_batch(round_: ValidationRound, items: int) -> tuple[int, bool]:
    """One batch of the round's reminders: (mails queued, whether the batch was full)."""
    with write_transaction():
        voters = list(ValidationVoter.select(ValidationVoter, Participant)
                      .join(Participant)
                      .where((ValidationVoter.round == round_.id)
                             & ValidationVoter.finished_at.is_null()
                             & ValidationVoter.reminded_at.is_null()
                             & ValidationVoter.erased_at.is_null())
                      .order_by(ValidationVoter.id).limit(BATCH))
        ids = [voter.id for voter in voters]
        given = dict(ValidationBallot.select(ValidationBallot.voter, fn.COUNT(ValidationBallot.id))
                     .where(ValidationBallot.voter.in_(ids or [0]))
                     .group_by(ValidationBallot.voter).tuples())
        queued = 0
        subject = SubjectWithTitle(REMINDER_SUBJECT, round_.title)
        for voter in voters:
            queued += queue_participant_mail(
                voter.participant, "validation_reminder", subject, "validation/mail/reminder",
                once_key=f"validation:remind:{round_.id}", round=round_,
                link=ballot_url(voter), items=items, given=given.get(voter.id, 0))
        if ids:
            (ValidationVoter.update(reminded_at=utcnow())
             .where(ValidationVoter.id.in_(ids)).execute())
        full = len(voters) == BATCH
        if not full:
            round_.reminded_at = utcnow()
            round_.save(only=[ValidationRound.reminded_at])
    return queued, full


def close_due(now: dt.datetime | None = None) -> list[int]:
    """Close the open rounds whose closing time has passed; their ids."""
    now = now or now_local()
    due = [row.id for row in ValidationRound.select(ValidationRound.id)
           .where((ValidationRound.status == "open") & ValidationRound.closes_at.is_null(False)
                  & (ValidationRound.closes_at <= now))]
    closed = []
    for round_id in due:
        try:
            close_round(round_id)
        except RoundError:
            continue  # closed by hand in the meantime
        closed.append(round_id)
    return closed
