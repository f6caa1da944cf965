"""Signing up, cancelling and promoting: the rules in one place, each step atomic.

A sign-up takes the write lock (SQLite) or the session row lock (PostgreSQL)
before it counts seats, so 300 people opening the invitation at once can
never get more seats than there are. Mail goes into the outbox in the same
transaction; events and the delivery nudge follow the commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import gettext
from peewee import IntegrityError

from consultplatform.db import db, utcnow, write_transaction
from consultplatform.eligibility import allowed_sectors, may_take_a_seat, sector_names
from consultplatform.events import emit_after_commit
from consultplatform.mail.compose import bump_sequence, queue_mail, queue_notice
from consultplatform.models import (
    Consultation,
    ConsultationSession,
    OutboxMail,
    Participant,
    Registration,
    Sector,
    normalise_email,
)
from consultplatform.seats import Seeker, lock_session, occupancy, promote_waiting, refusal
from consultplatform.tokens import same_token
from consultplatform.waiting import waiting_reason

# Outcomes of one session in a sign-up.
CONFIRMED, WAITLISTED, ALREADY, CLOSED = "confirmed", "waitlisted", "already", "closed"
# The session is for entrepreneurs of other sectors (see consultplatform.eligibility).
OTHER_SECTORS = "other_sectors"


@dataclass
class Applicant:
    """What the sign-up form collected about the person."""

    name: str
    email: str
    organisation: str = ""
    sector_id: int | None = None
    side: str = "entrepreneur"
    phone: str = ""
    language: str = "nl"
    news_opt_in: bool = False
    news_consent_text: str = ""


@dataclass
class Outcome:
    """What happened in one session, and what the sign-up page may say about it.

    The page must not tell whether an address was known (anyone can type anyone's
    address), so ``public_result`` and ``public_reason`` are what a newcomer with
    the form's sector and side would have got at this moment; the person behind the
    address learns ``result`` by mail. For a newcomer the two are the same.
    """

    session_id: int
    result: str
    registration: Registration | None = None
    reason: str | None = None  # why waitlisted: full, sector or side (seats.FULL, ...)
    public_result: str = ""
    public_reason: str | None = None

    def __post_init__(self) -> None:
        if not self.public_result:
            self.public_result, self.public_reason = self.result, self.reason


@dataclass
class SignUp:
    consultation: Consultation
    applicant: Applicant
    session_ids: Iterable[int]
    # {session id: {question id (str): answer}}
    answers: dict[int, dict[str, Any]] = field(default_factory=dict)
    # The consultation's own questions, answered once: {question id (str): answer},
    # kept on the participant.
    consultation_answers: dict[str, Any] = field(default_factory=dict)
    invite_token: str | None = None
    # Staff adding someone by hand: the registration window and audience do not
    # apply (a walk-in on the day), only that the session still takes place.
    by_staff: bool = False


def consent_version(text: str) -> str:
    """A short fingerprint of the consent text the person saw."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def may_register(session: ConsultationSession, invite_token: str | None,
                 by_staff: bool = False) -> bool:
    if by_staff:
        return session.status == "planned"
    if not session.is_open_for_registration:
        return False
    if session.audience == "invite":
        return same_token(invite_token, session.invite_token)
    return True


def sign_up(request: SignUp) -> list[Outcome]:
    """Register the applicant for every requested session, atomically.

    A unique-constraint clash (the same person posting twice at the same
    moment) restarts the transaction once; the second run finds the first.
    """
    for attempt in range(3):
        try:
            with write_transaction():
                outcomes = _sign_up(request)
            break
        except IntegrityError:
            if attempt == 2:
                raise
    deliver_soon()
    return outcomes


def _participant(request: SignUp) -> tuple[Participant, bool]:
    """The applicant's participant row, and whether it existed before."""
    applicant = request.applicant
    email = normalise_email(applicant.email)
    existing = Participant.get_or_none((Participant.consultation == request.consultation.id)
                                       & (Participant.email == email))
    if existing is not None:
        # Never overwrite someone's details from a public form: whoever types
        # their address is not necessarily them. Corrections go through the
        # self-service link in their mail. Only a new opt-in is added (it is
        # withdrawn through that link too), recorded with its text and time, and
        # answers to the consultation's questions not answered before (one set of
        # answers per person: those given earlier stay).
        changed = []
        if applicant.news_opt_in and not existing.news_opt_in:
            existing.news_opt_in = True
            existing.news_consent_version = consent_version(applicant.news_consent_text)
            existing.news_consent_at = utcnow()
            changed += [Participant.news_opt_in, Participant.news_consent_version,
                        Participant.news_consent_at]
        before = dict(existing.answers or {})
        new_answers = {key: value for key, value in request.consultation_answers.items()
                       if key not in before}
        if new_answers:
            existing.answers = {**before, **new_answers}
            changed.append(Participant.answers)
        if changed:
            existing.save(only=changed)
        return existing, True
    now = utcnow()
    return Participant.create(
        consultation=request.consultation, name=applicant.name, email=email,
        organisation=applicant.organisation, sector=applicant.sector_id, side=applicant.side,
        phone=applicant.phone, language=applicant.language, privacy_accepted_at=now,
        answers=dict(request.consultation_answers),
        news_opt_in=applicant.news_opt_in,
        news_consent_version=consent_version(applicant.news_consent_text)
        if applicant.news_opt_in else "",
        news_consent_at=now if applicant.news_opt_in else None), False


def _sign_up(request: SignUp) -> list[Outcome]:
    participant, known = _participant(request)
    as_new = _as_newcomer(request.applicant) if known and not request.by_staff else None
    outcomes = []
    # A fixed lock order (by id) keeps two multi-session sign-ups from deadlocking.
    for session_id in sorted(set(request.session_ids)):
        session = lock_session(session_id)
        if session.consultation_id != request.consultation.id \
                or not may_register(session, request.invite_token, request.by_staff):
            outcomes.append(Outcome(session_id, CLOSED))
            continue
        session.consultation = request.consultation  # read once, for the mail too
        outcomes.append(_register(participant, session, request.answers.get(session_id, {}),
                                  as_new=as_new, known=known))
    return outcomes


# A second sign-up this soon after the first (a double click, a retry) or after the
# last notice of the same kind gets no mail of its own: at most one notice per person,
# kind and ten minutes, however often someone types their address.
QUIET_PERIOD = dt.timedelta(minutes=10)


def _not_told_lately(registration: Registration, participant: Participant) -> bool:
    since = utcnow() - QUIET_PERIOD
    if registration.updated_at >= since or registration.created_at >= since:
        return False
    return not _notified_lately(participant, "unchanged")


def _notified_lately(participant: Participant, kind: str) -> bool:
    """Did this person get a notice of ``kind`` within the quiet period?"""
    return (OutboxMail.select().where((OutboxMail.to_address == participant.email)
                                      & (OutboxMail.kind == kind)
                                      & (OutboxMail.created_at >= utcnow() - QUIET_PERIOD))
            .exists())


def _as_newcomer(applicant: Applicant) -> Seeker:
    """The newcomer the form describes (its sector and side), for the page's answer."""
    default_cap = (Sector.select(Sector.default_seat_cap).where(Sector.id == applicant.sector_id)
                   .scalar() if applicant.sector_id else None)
    return Seeker(applicant.sector_id, applicant.side, default_cap)


def _register(participant: Participant, session: ConsultationSession,
              answers: dict[str, Any], *, as_new: Seeker | None = None,
              known: bool = True) -> Outcome:
    """Sign ``participant`` up for ``session`` (locked). ``as_new``: the participant
    was known and signed up on the public form; the page is to say what this newcomer
    would have got, and the person is told by mail what did happen. ``known``: the
    participant existed before this sign-up (a new one has no registration to find)."""
    taken = occupancy(session)
    allowed = allowed_sectors([session]).get(session.id)
    public: dict[str, Any] = {}
    if as_new is not None:
        hidden = refusal(session, as_new, taken)
        public = {"public_result": WAITLISTED if hidden else CONFIRMED, "public_reason": hidden}
        if not may_take_a_seat(allowed, as_new.sector_id, as_new.side):
            public = {"public_result": OTHER_SECTORS}
    registration = Registration.get_or_none(
        (Registration.session == session.id)
        & (Registration.participant == participant.id)) if known else None
    if registration is not None and registration.status != "cancelled":
        if as_new is not None and _not_told_lately(registration, participant):
            registration.participant, registration.session = participant, session
            queue_mail("unchanged", registration)
        return Outcome(session.id, ALREADY, registration, **public)
    if not may_take_a_seat(allowed, participant.sector_id, participant.side):
        if as_new is not None and not _notified_lately(participant, "other_sectors"):
            queue_notice("other_sectors", participant, session,
                         sectors=", ".join(sector_names(allowed or ())))
        return Outcome(session.id, OTHER_SECTORS, None, **public)
    reason = refusal(session, Seeker.of(participant), taken)
    status = WAITLISTED if reason else CONFIRMED
    now = utcnow()
    kind = "confirmation" if status == CONFIRMED else "waitlisted"
    if registration is None:
        # The calendar sequence is part of the INSERT: no UPDATE after it.
        registration = Registration(participant=participant, session=session,
                                    status=status, answers=answers)
        bump_sequence(kind, registration)
        registration.save(force_insert=True)
    else:  # signing up again after cancelling: back in, at the end of any queue
        registration.status, registration.answers = status, answers
        registration.cancelled_at, registration.updated_at = None, now
        registration.queue_rank = now.timestamp()
        bump_sequence(kind, registration)
        registration.save()
    registration.participant, registration.session = participant, session
    queue_mail(kind, registration, reason=reason, sequence_saved=True)
    emit_after_commit("cp_registration_created", registration=registration)
    return Outcome(session.id, status, registration, reason, **public)


def cancel(registration_id: int, *, by_staff: bool = False,
           notify: bool = True) -> list[Registration]:
    """Cancel a registration and hand its seat on; returns who was promoted.
    ``notify=False``: no mail to the person (their data is being erased)."""
    with write_transaction():
        registration = Registration.get_by_id(registration_id)
        session = lock_session(registration.session_id)
        registration = Registration.get_by_id(registration_id)  # re-read under the lock
        if registration.status == "cancelled":
            return []
        was_confirmed = registration.status == "confirmed"
        registration.status, registration.cancelled_at = "cancelled", utcnow()
        registration.updated_at = registration.cancelled_at
        if was_confirmed:
            bump_sequence("cancelled", registration)
        registration.save()
        if was_confirmed and notify:
            queue_mail("cancelled", registration, sequence_saved=True)
        emit_after_commit("cp_registration_cancelled", registration=registration)
        promoted = _promote(session)
    deliver_soon()
    return promoted


def promote(registration_id: int) -> Registration | None:
    """Staff give a waiting person a seat, regardless of caps."""
    with write_transaction():
        registration = Registration.get_by_id(registration_id)
        lock_session(registration.session_id)
        registration = Registration.get_by_id(registration_id)
        if registration.status != "waitlisted":
            return None
        registration.status = "confirmed"
        registration.promoted_at = registration.updated_at = utcnow()
        bump_sequence("promoted", registration)
        registration.save()
        queue_mail("promoted", registration, sequence_saved=True)
        emit_after_commit("cp_registration_promoted", registration=registration)
    deliver_soon()
    return registration


def fill_free_seats(session_id: int) -> list[Registration]:
    """After capacity or caps change: promote whoever now fits."""
    with write_transaction():
        promoted = _promote(lock_session(session_id))
    deliver_soon()
    return promoted


# What participants must hear about when staff change a session.
WHEN_AND_WHERE = ("starts_at", "ends_at", "location", "online_url")


def tell_about_session_change(session: ConsultationSession, before: dict[str, Any]) -> int:
    """Inside the transaction that changed ``session``: mail everyone with a seat
    when it is cancelled (CANCEL for their calendar) or moved (an updated invitation,
    and a new reminder). Returns the number of mails queued."""
    cancelled = session.status == "cancelled" and before.get("status") != "cancelled"
    moved = any(before.get(name) != getattr(session, name) for name in WHEN_AND_WHERE
                if name in before)
    if not (cancelled or moved) or session.status == "closed":
        return 0
    lock_session(session.id)
    seats = list(Registration.select().where((Registration.session == session.id)
                                             & (Registration.status == "confirmed")))
    for registration in seats:
        registration.session = session
        if cancelled:
            queue_mail("session_cancelled", registration)
        else:
            registration.reminded_at = None
            registration.save(only=[Registration.reminded_at])
            queue_mail("updated", registration)
    return len(seats)


def _promote(session: ConsultationSession) -> list[Registration]:
    promoted = promote_waiting(session)
    for registration in promoted:
        queue_mail("promoted", registration)
        emit_after_commit("cp_registration_promoted", registration=registration)
    return promoted


def deliver_soon() -> None:
    """Ask the worker to deliver the queued mail once the current transaction has
    committed (at once outside one); the periodic task catches anything missed."""
    from consultplatform.tasks import enqueue_delivery

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    db.obj.after_commit(lambda: enqueue_delivery(app))


def describe(result: str, reason: str | None = None, *, sector: str = "",
             side: str = "") -> str:
    """A sentence for the confirmation page about one outcome, in the current language.
    ``reason`` says why someone waits; ``sector`` and ``side`` name their group."""
    if result == WAITLISTED:
        return waiting_reason(reason, sector=sector, side=side)
    return {
        CONFIRMED: gettext("You are signed up."),
        ALREADY: gettext("This e-mail address was already signed up for this session; "
                         "nothing has changed."),
        CLOSED: gettext("Registration for this session is not possible (any more)."),
        OTHER_SECTORS: gettext("This session is for entrepreneurs of other sectors."),
    }[result]
