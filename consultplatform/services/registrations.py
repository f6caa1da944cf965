"""Registrations as staff handle them: adding someone, cancelling, giving a place
from the waiting list, moving people in it. Each runs under the session's lock
with its audit row; the sign-up service sends the mails and fires the events."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from consultplatform import audit
from consultplatform.db import utcnow, write_transaction
from consultplatform.models import ConsultationSession, Participant, Registration
from consultplatform.seats import lock_session
from consultplatform.services.signup import (
    CONFIRMED,
    WAITLISTED,
    Applicant,
    Outcome,
    SignUp,
    cancel,
    promote,
    sign_up,
)

# The gap between queue ranks when a waiting list is numbered again (see _move_in_queue).
QUEUE_STEP = 1024.0


class RegistrationError(ValueError):
    """A registration staff may not make; the message is for the user."""


@dataclass(frozen=True)
class Cancelled:
    cancelled: int
    promoted: int  # people on the waiting list who got a freed place


def add_by_staff(participant_id: int, session_id: int, *,
                 attendance: str | None = None) -> Outcome:
    """Sign a known participant up as the public form would (the seat rules decide
    between a seat and the waiting list; the mail goes into the outbox)."""
    person = Participant.get_by_id(participant_id)
    meeting = ConsultationSession.get_by_id(session_id)
    if person.consultation_id != meeting.consultation_id:
        raise RegistrationError(str(_l(
            "This session belongs to another consultation than the participant.")))
    request = SignUp(
        consultation=meeting.consultation,
        applicant=Applicant(name=person.name, email=person.email,
                            organisation=person.organisation, sector_id=person.sector_id,
                            side=person.side, phone=person.phone, language=person.language),
        session_ids=[meeting.id], by_staff=True)
    with write_transaction():
        outcome = sign_up(request)[0]
        registration = outcome.registration
        if outcome.result == CONFIRMED and attendance and registration is not None:
            registration.attendance = attendance
            registration.save(only=[Registration.attendance])
        if outcome.result in (CONFIRMED, WAITLISTED) and registration is not None:
            audit.record("create", registration, details={
                "fields": ["participant", "session"], "status": outcome.result,
                "attendance": registration.attendance})
    return outcome


def cancel_by_staff(registration_ids: Iterable[int]) -> Cancelled:
    """Cancel each registration (one transaction each); free places go on."""
    cancelled, promoted = 0, 0
    for ident in sorted(set(registration_ids)):
        with write_transaction():
            lock_session(Registration.get_by_id(ident).session_id)
            status = Registration.get_by_id(ident).status  # read under the lock
            if status == "cancelled":
                continue
            moved_up = cancel(ident, by_staff=True)
            audit.record("cancel", Registration.get_by_id(ident), details={
                "was": status, "promoted": [str(r.id) for r in moved_up]})
            cancelled += 1
            promoted += len(moved_up)
    return Cancelled(cancelled, promoted)


def promote_by_staff(registration_ids: Iterable[int]) -> int:
    """Give the waiting people among them a place, regardless of caps, in queue order;
    returns how many got one."""
    promoted = 0
    waiting = (Registration.select(Registration.id)
               .where(Registration.id.in_(sorted(set(registration_ids))))
               .order_by(Registration.queue_rank, Registration.id))
    for ident in [row.id for row in waiting]:
        with write_transaction():
            registration = promote(ident)
            if registration is not None:
                audit.record("promote", registration)
                promoted += 1
    return promoted


def move_in_waiting_list(registration_ids: Iterable[int], *, up: bool) -> int:
    """Move the selected waiting people one place up (or down) their session's list;
    returns how many moved."""
    selected = set(registration_ids)
    sessions = sorted({row.session_id for row in Registration.select(Registration.session)
                       .where(Registration.id.in_(sorted(selected))
                              & (Registration.status == "waitlisted"))})
    moved = 0
    for session_id in sessions:
        with write_transaction():
            lock_session(session_id)
            moved += _move_in_queue(session_id, selected, up=up)
    return moved


def _move_in_queue(session_id: int, selected: set[int], *, up: bool) -> int:
    """Swap each selected waiting person with the unselected neighbour above (or
    below), so a selected block moves as one; then hand out the queue ranks the
    list already had, in the new order. Only rows whose rank changes are written."""
    queue = list(Registration.select()
                 .where((Registration.session == session_id)
                        & (Registration.status == "waitlisted"))
                 .order_by(Registration.queue_rank, Registration.id))
    order = queue[:]
    indexes = range(1, len(order)) if up else range(len(order) - 2, -1, -1)
    step = -1 if up else 1
    moved: list[Registration] = []
    for i in indexes:
        if order[i].id in selected and order[i + step].id not in selected:
            order[i], order[i + step] = order[i + step], order[i]
            moved.append(order[i + step])
    if not moved:
        return 0
    ranks = sorted(r.queue_rank for r in queue)
    if len(set(ranks)) < len(ranks):
        # Tied ranks (people who signed up in the same instant, or within the
        # precision of the column) cannot be swapped: number the whole list again,
        # below its first rank so nobody who signs up later gets ahead. Steps of
        # 1024 stay distinct even in a single-precision column.
        ranks = [ranks[0] - QUEUE_STEP * (len(ranks) - 1 - i) for i in range(len(ranks))]
    for registration, rank in zip(order, ranks, strict=True):
        if registration.queue_rank != rank:
            registration.queue_rank, registration.updated_at = rank, utcnow()
            registration.save(only=[Registration.queue_rank, Registration.updated_at])
    for registration in moved:
        audit.record("move_up" if up else "move_down", registration,
                     details={"session": str(session_id)})
    return len(moved)
