"""A validation round's life: prepared on a frozen copy of the draft agenda, opened
(the voters are the people who took part, each invited with a personal link),
closed (the results frozen). Every change is a service here: views, the worker,
the demo and the tests call these, never the models directly."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from peewee import JOIN

from consultplatform.api import (
    AgendaItem,
    Participant,
    Theme,
    audit,
    emit_event,
    is_postgres,
    new_token,
    now_local,
    took_part,
    utcnow,
    write_transaction,
)
from consultplatform_validation.models import (
    ALL_SIDES,
    ROOM_CODE_LENGTH,
    ValidationItem,
    ValidationRound,
    ValidationVoter,
)

ROUND_OPENED = "validation.round_opened"
ROUND_CLOSED = "validation.round_closed"
TITLE_MAX = 200
OPEN_QUESTION_MAX = 500
# Room codes: no 0/O, 1/I/L, so a code read off the projector is typed right.
ROOM_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class RoundError(ValueError):
    """A refusal: ``field`` names the input, ``status`` the HTTP answer (400 bad
    input, 404 not found, 409 the round's state forbids it)."""

    def __init__(self, field_name: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.field = field_name
        self.status = status


@dataclass(frozen=True)
class RoundInput:
    title: str
    sides: Sequence[str] = field(default_factory=lambda: list(ALL_SIDES))
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    show_interim: bool = False
    priority_points: int = 0
    open_question: str = ""
    reminder_hours: int | None = None


def round_locked(round_id: int) -> ValidationRound:
    """The round, locked against every other change of it (FOR UPDATE on PostgreSQL;
    SQLite's write transaction is the lock). Ballots take a key-share lock, so
    closing waits for the ballots in flight and refuses the ones after it."""
    query = ValidationRound.select().where(ValidationRound.id == round_id)
    if is_postgres():
        query = query.for_update()
    found = query.first()
    if found is None:
        raise RoundError("round", str(_l("This validation round does not exist.")), 404)
    return found


def _checked(data: RoundInput) -> dict:
    title = " ".join(data.title.split())
    if not title or len(title) > TITLE_MAX:
        raise RoundError("title", str(_l("Give a title (at most %(max)d characters).",
                                         max=TITLE_MAX)))
    sides = [side for side in ALL_SIDES if side in set(data.sides)]
    if not sides or len(sides) != len(set(data.sides)):
        raise RoundError("sides", str(_l("Choose at least one side, of the options shown.")))
    if data.opens_at and data.closes_at and data.closes_at <= data.opens_at:
        raise RoundError("closes_at", str(_l("The round must close after it opens.")))
    if not 0 <= data.priority_points <= 100:
        raise RoundError("priority_points", str(_l("Give a number from 0 to 100.")))
    question = data.open_question.strip()
    if len(question) > OPEN_QUESTION_MAX:
        raise RoundError("open_question", str(_l("At most %(max)d characters.",
                                                 max=OPEN_QUESTION_MAX)))
    if data.reminder_hours is not None and not 1 <= data.reminder_hours <= 24 * 14:
        raise RoundError("reminder_hours", str(_l("Give a number of hours from 1 to 336.")))
    return {"title": title, "sides": sides, "opens_at": data.opens_at,
            "closes_at": data.closes_at, "show_interim": bool(data.show_interim),
            "priority_points": data.priority_points, "open_question": question,
            "reminder_hours": data.reminder_hours}


def _room_code() -> str:
    while True:
        code = "".join(secrets.choice(ROOM_ALPHABET) for _ in range(ROOM_CODE_LENGTH))
        if not ValidationRound.select().where(ValidationRound.room_code == code).exists():
            return code


def _freeze_agenda(round_: ValidationRound) -> int:
    """Copy the consultation's agenda items (all but the dropped ones, in the
    agenda's order) into the round: the words voted on are these copies."""
    ValidationItem.delete().where(ValidationItem.round == round_.id).execute()
    items = (AgendaItem.select(AgendaItem, Theme.name.alias("theme_name"))
             .join(Theme, on=(AgendaItem.theme == Theme.id), join_type=JOIN.LEFT_OUTER)
             .where((AgendaItem.consultation == round_.consultation_id)
                    & (AgendaItem.decision != "dropped"))
             .order_by(Theme.position.asc(nulls="LAST"), AgendaItem.position, AgendaItem.id)
             .objects())
    rows = [{"round": round_.id, "agenda_item": item.id, "agenda_version": item.version,
             "position": n, "title": item.title, "text": item.text,
             "theme_name": getattr(item, "theme_name", None) or ""}
            for n, item in enumerate(items, start=1)]
    if rows:
        ValidationItem.insert_many(rows).execute()
    return len(rows)


def create_round(consultation_id: int, data: RoundInput) -> ValidationRound:
    """A round being prepared, on the agenda as it is now."""
    values = _checked(data)
    with write_transaction():
        round_ = ValidationRound.create(consultation=consultation_id, room_code=_room_code(),
                                        **values)
        if not _freeze_agenda(round_):
            raise RoundError("agenda", str(_l(
                "The draft agenda has no items yet: there is nothing to validate.")), 409)
        audit.record("create", round_, details={"fields": sorted(values)})
    return round_


def update_round(round_id: int, data: RoundInput) -> ValidationRound:
    """Change a round's settings; once open, only its closing time, the interim
    results and the reminder may change (the voters and questions are set)."""
    values = _checked(data)
    with write_transaction():
        round_ = round_locked(round_id)
        if round_.status == "closed":
            raise RoundError("round", str(_l("This round is closed.")), 409)
        if round_.status == "open":
            fixed = ("sides", "priority_points", "open_question", "opens_at")
            if any(values[key] != getattr(round_, key) for key in fixed):
                raise RoundError("round", str(_l(
                    "The round is open: only its closing time, the interim results and the "
                    "reminder can still change.")), 409)
        changed = [key for key, value in values.items() if getattr(round_, key) != value]
        for key, value in values.items():
            setattr(round_, key, value)
        round_.revision += 1
        round_.save()
        audit.record("update", round_, details={"fields": changed})
    return round_


def refreeze_agenda(round_id: int) -> int:
    """Take the agenda again (while the round is being prepared)."""
    with write_transaction():
        round_ = round_locked(round_id)
        if round_.status != "draft":
            raise RoundError("round", str(_l(
                "The round has opened: the text voted on can no longer change.")), 409)
        count = _freeze_agenda(round_)
        round_.revision += 1
        round_.save(only=[ValidationRound.revision])
        audit.record("update", round_, details={"fields": ["items"], "items": count})
    return count


def open_round(round_id: int) -> int:
    """Open the round: every person who took part (on the round's sides) becomes a
    voter with a personal link, and is mailed it once. Returns the voters."""
    from consultplatform_validation.mails import queue_invitation

    with write_transaction():
        round_ = round_locked(round_id)
        if round_.status != "draft":
            raise RoundError("round", str(_l("This round is already open or closed.")), 409)
        if round_.closes_at is not None and round_.closes_at <= now_local():
            raise RoundError("closes_at", str(_l("The closing time has already passed.")))
        round_.status, round_.opened_at = "open", utcnow()
        round_.revision += 1
        round_.save()
        voters = add_voters(round_)
        items = ValidationItem.select().where(ValidationItem.round == round_.id).count()
        for voter, participant in voters:
            queue_invitation(round_, voter, participant, items)
        audit.record("open", round_, details={"voters": len(voters)})
        emit_event(ROUND_OPENED, round_id=round_.id, consultation_id=round_.consultation_id,
                   voters=len(voters))
    return len(voters)


def add_voters(round_: ValidationRound) -> list[tuple[ValidationVoter, Participant]]:
    """Voters for the eligible people who are not voters yet (in the caller's
    transaction). Called when the round opens: a person who takes part later is not
    added (the round is about the agenda those who took part made)."""
    known = ValidationVoter.select(ValidationVoter.participant).where(
        ValidationVoter.round == round_.id)
    people = list(took_part(round_.consultation_id, round_.sides)
                  .where(Participant.id.not_in(known)))
    now = utcnow()
    made = []
    for participant in people:
        voter = ValidationVoter.create(round=round_.id, participant=participant.id,
                                       token=new_token(), sector=participant.sector_id,
                                       side=participant.side, invited_at=now)
        made.append((voter, participant))
    return made


def close_round(round_id: int) -> ValidationRound:
    """Close the round: no ballot after this commits; the results are frozen."""
    from consultplatform_validation.results import compute

    with write_transaction():
        round_ = round_locked(round_id)
        if round_.status != "open":
            raise RoundError("round", str(_l("Only an open round can be closed.")), 409)
        round_.status, round_.closed_at = "closed", utcnow()
        round_.revision += 1
        round_.save()
        round_.results = compute(round_)
        round_.save(only=[ValidationRound.results])
        audit.record("close", round_, details={"ballots": round_.results.get("ballots", 0)})
        emit_event(ROUND_CLOSED, round_id=round_.id, consultation_id=round_.consultation_id,
                   ballots=round_.results.get("ballots", 0))
    return round_


def accepts_ballots(round_: ValidationRound, now: dt.datetime | None = None) -> bool:
    """Open, opened (if timed) and not past its closing time."""
    now = now or now_local()
    return (round_.status == "open"
            and (round_.opens_at is None or round_.opens_at <= now)
            and (round_.closes_at is None or now < round_.closes_at))


def rounds_of(consultation_id: int) -> list[ValidationRound]:
    return list(ValidationRound.select()
                .where(ValidationRound.consultation == consultation_id)
                .order_by(ValidationRound.created_at.desc(), ValidationRound.id.desc()))

