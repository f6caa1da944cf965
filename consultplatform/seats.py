"""Seat rules: capacity, sector cap, side caps; locking; the waiting list.

Every function here runs inside :func:`consultplatform.db.write_transaction`
after :func:`lock_session`, so counting and inserting cannot interleave with
another worker doing the same (PostgreSQL: the session row is locked with
SELECT ... FOR UPDATE; SQLite: the transaction holds the write lock).
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN

from consultplatform.db import is_postgres, utcnow
from consultplatform.eligibility import allowed_sectors, may_take_a_seat
from consultplatform.models import (
    ConsultationSession,
    Participant,
    Registration,
    SeatTally,
    Sector,
)


def lock_session(session_id: int) -> ConsultationSession:
    """Re-read the session, locking its row until the transaction ends.

    On PostgreSQL ``FOR NO KEY UPDATE``: it excludes another seat lock on the same
    session but not the key-share lock that a foreign-key check takes, so a
    registration or counter written elsewhere never waits on a sign-up's lock.
    """
    query = ConsultationSession.select().where(ConsultationSession.id == session_id)
    if is_postgres():
        query = query.for_update("FOR NO KEY UPDATE")
    return query.get()


def lock_sessions_of(participant_id: int) -> None:
    """Lock, in id order (the order a sign-up takes them), every session where the
    participant is registered: changing their sector or side, or deleting them,
    changes those sessions' seat counters."""
    if not is_postgres():
        return  # SQLite: the writing transaction holds the one write lock already
    (ConsultationSession.select(ConsultationSession.id)
     .where(ConsultationSession.id.in_(
         Registration.select(Registration.session)
         .where(Registration.participant == participant_id)))
     .order_by(ConsultationSession.id).for_update("FOR NO KEY UPDATE").execute())


@dataclass(frozen=True)
class Seeker:
    """Who asks for a seat, as far as the seat rules look: their sector and side."""

    sector_id: int | None
    side: str
    # The sector's default cap (Sector.default_seat_cap), used when the session has none.
    sector_default_cap: int | None = None

    @classmethod
    def of(cls, participant: Participant) -> Seeker:
        default = participant.sector.default_seat_cap if participant.sector_id else None
        return cls(participant.sector_id, participant.side, default)


def sector_cap(session: ConsultationSession, seeker: Seeker) -> int | None:
    """The session's cap per sector, else the seeker's sector default, else none."""
    if session.sector_cap is not None:
        # People without a sector ("none of these") form a group of their own under
        # the same cap, or choosing it would be a way round the cap.
        return session.sector_cap
    return seeker.sector_default_cap if seeker.sector_id is not None else None


@dataclass(frozen=True)
class Occupancy:
    total: int
    by_sector: dict[int | None, int]
    by_side: dict[str, int]


def occupancy(session: ConsultationSession) -> Occupancy:
    """Confirmed seats, in total and per sector and side: one read of the session's
    counters (a handful of rows however many seats; see consultplatform.seat_counts)."""
    by_sector: dict[int | None, int] = {}
    by_side: dict[str, int] = {}
    rows = (SeatTally.select(SeatTally.sector_key, SeatTally.side, SeatTally.n)
            .where((SeatTally.session == session.id) & (SeatTally.status == "confirmed")
                   & (SeatTally.n != 0)).tuples())
    for sector_key, side, count in rows:
        sector = sector_key or None
        by_sector[sector] = by_sector.get(sector, 0) + count
        by_side[side] = by_side.get(side, 0) + count
    return Occupancy(sum(by_side.values()), by_sector, by_side)


# Why someone waits: the session is full, their sector's places or their side's are taken.
FULL, SECTOR_FULL, SIDE_FULL = "full", "sector", "side"


def refusal(session: ConsultationSession, seeker: Seeker, taken: Occupancy) -> str | None:
    """Why ``seeker`` cannot have a seat now (FULL, SECTOR_FULL, SIDE_FULL), or None."""
    if session.capacity is not None and taken.total >= session.capacity:
        return FULL
    cap = sector_cap(session, seeker)
    if cap is not None and taken.by_sector.get(seeker.sector_id, 0) >= cap:
        return SECTOR_FULL
    side_cap = (session.side_caps or {}).get(seeker.side)
    if side_cap is not None and taken.by_side.get(seeker.side, 0) >= int(side_cap):
        return SIDE_FULL
    return None


def promote_waiting(session: ConsultationSession) -> list[Registration]:
    """Give free seats to waiting people, first come first served within the caps.

    Someone whose sector or side is full is passed over for the next person
    who fits. Returns the promoted registrations (their mails and events are
    the caller's to queue, inside the same transaction).
    """
    if not session.is_going_ahead:
        return []  # nobody is promoted into a cancelled, closed or past session
    taken = occupancy(session)
    allowed = allowed_sectors([session]).get(session.id)
    promoted: list[Registration] = []
    waiting = (Registration.select(Registration, Participant, Sector).join(Participant)
               .join(Sector, JOIN.LEFT_OUTER)
               .where((Registration.session == session.id)
                      & (Registration.status == "waitlisted"))
               .order_by(Registration.queue_rank, Registration.id))
    for registration in waiting:
        if session.capacity is not None and taken.total >= session.capacity:
            break
        person = registration.participant
        if not may_take_a_seat(allowed, person.sector_id, person.side) \
                or refusal(session, Seeker.of(person), taken) is not None:
            continue
        registration.status = "confirmed"
        registration.promoted_at = registration.updated_at = utcnow()
        registration.save(only=[Registration.status, Registration.promoted_at,
                                Registration.updated_at])
        promoted.append(registration)
        taken.by_sector[registration.participant.sector_id] = \
            taken.by_sector.get(registration.participant.sector_id, 0) + 1
        taken.by_side[registration.participant.side] = \
            taken.by_side.get(registration.participant.side, 0) + 1
        taken = Occupancy(taken.total + 1, taken.by_sector, taken.by_side)
    return promoted
