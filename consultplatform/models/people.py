"""Participants and their registrations for sessions."""

from __future__ import annotations

import secrets
import time

from flask_babel import lazy_gettext as _l
from peewee import (
    BooleanField,
    CharField,
    CompositeKey,
    DateTimeField,
    DoubleField,
    ForeignKeyField,
    IntegerField,
    JSONField,
)

from consultplatform.db import BaseModel, utcnow
from consultplatform.models.choices import ATTENDANCE, LANGUAGES, REGISTRATION_STATUSES, SIDES
from consultplatform.models.consultation import Consultation, ConsultationSession, Sector


def new_token() -> str:
    """An unguessable URL-safe token (256 bits)."""
    return secrets.token_urlsafe(32)


class Participant(BaseModel):
    """A person taking part in one consultation.

    Kept per consultation, so each consultation's retention date can erase
    its own people without touching another's.
    """

    consultation = ForeignKeyField(Consultation, backref="participants", on_delete="CASCADE")
    name = CharField(max_length=120)
    email = CharField(max_length=254)
    organisation = CharField(max_length=200, default="")
    sector = ForeignKeyField(Sector, null=True, backref="participants", on_delete="SET NULL")
    side = CharField(max_length=20, choices=SIDES, default="entrepreneur")
    language = CharField(max_length=5, choices=LANGUAGES, default="nl")
    created_at = DateTimeField(default=utcnow)
    phone = CharField(max_length=40, default="")
    privacy_accepted_at = DateTimeField(null=True)
    # Follow-up news needs separate, recorded consent (AVG): which text, when.
    news_opt_in = BooleanField(default=False)
    news_consent_version = CharField(max_length=40, default="")
    news_consent_at = DateTimeField(null=True)
    # Answers to the consultation's questions (ConsultationQuestion), given once:
    # {question id: text, or list of choice numbers}.
    answers = JSONField(default=dict)
    # Set when the person's data was erased (on request or at the retention date): the
    # row stays, nameless, so counts per sector and side do not change.
    erased_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("consultation", "email"), True),)

    def __str__(self) -> str:
        return self.name

    def audit_label(self) -> str:
        return f"participant #{self.id}"

    def clean(self) -> dict[str, str]:
        if self.sector_id and self.consultation_id \
                and self.sector.consultation_id != self.consultation_id:
            return {"sector": str(_l("This sector belongs to another consultation."))}
        return {}


class Registration(BaseModel):
    participant = ForeignKeyField(Participant, backref="registrations", on_delete="CASCADE")
    session = ForeignKeyField(ConsultationSession, backref="registrations", on_delete="CASCADE")
    status = CharField(max_length=20, choices=REGISTRATION_STATUSES, default="confirmed",
                       index=True)
    token = CharField(max_length=64, unique=True, default=new_token)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    cancelled_at = DateTimeField(null=True)
    # Answers to the session's questions: {question id: text, or list of choice numbers}.
    answers = JSONField(default=dict)
    # Waiting-list order (first come, first served; staff can move people).
    # Double precision: a PostgreSQL REAL (float4) cannot tell today's timestamps apart.
    queue_rank = DoubleField(default=time.time, index=True)
    promoted_at = DateTimeField(null=True)
    attendance = CharField(max_length=20, null=True, choices=ATTENDANCE)
    reminded_at = DateTimeField(null=True)
    # Bumped whenever the calendar invitation changes (iCalendar SEQUENCE).
    ics_sequence = IntegerField(default=0)

    class Meta:
        indexes = ((("session", "participant"), True),
                   # A session's waiting list in promotion order, read without sorting.
                   (("session", "status", "queue_rank", "id"), False))

    def __str__(self) -> str:
        return f"{self.participant} – {self.session}"

    def audit_label(self) -> str:
        return f"registration #{self.id}"

    def clean(self) -> dict[str, str]:
        if self.participant_id and self.session_id \
                and self.participant.consultation_id != self.session.consultation_id:
            return {"session": str(_l("This session belongs to another consultation than the "
                                      "participant."))}
        return {}


class SeatTally(BaseModel):
    """Registrations of one session in one status, sector and side, kept by database
    triggers on registration and participant (migration m0006, consultplatform.seat_counts).
    ``sector_key`` is the sector's id, 0 for people without one. Never written by
    the application but to repair it; read through consultplatform.seats."""

    session = ForeignKeyField(ConsultationSession, on_delete="CASCADE", index=False)
    status = CharField(max_length=20)
    sector_key = IntegerField()
    side = CharField(max_length=20)
    n = IntegerField(default=0)

    class Meta:
        primary_key = CompositeKey("session", "status", "sector_key", "side")
