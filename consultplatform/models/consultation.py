"""Consultations and what belongs to one: sectors, sessions and themes.

Session times are wall-clock times in Europe/Amsterdam, the product's one
time zone; audit timestamps (``created_at`` and the like) are naive UTC.
"""

from __future__ import annotations

import datetime as dt
import re

from flask_babel import lazy_gettext as _l
from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    JSONField,
    TextField,
)

from consultplatform.db import BaseModel, utcnow
from consultplatform.models.choices import AUDIENCES, CONSULTATION_STATUSES, SESSION_STATUSES
from consultplatform.models.staff import StaffUser


class Consultation(BaseModel):
    """A whole trajectory ("traject"), with its sessions, sectors and themes."""

    title = CharField(max_length=200)
    slug = CharField(max_length=80, unique=True)
    summary = TextField(default="")
    organiser = CharField(max_length=200)
    status = CharField(max_length=20, default="draft", choices=CONSULTATION_STATUSES, index=True)
    starts_on = DateField(null=True)
    ends_on = DateField(null=True)
    contact_email = CharField(max_length=254, default="")
    contact_phone = CharField(max_length=40, default="")
    privacy_text = TextField(default="")
    retention_until = DateField(null=True)
    # Session-format keys this consultation uses (see the cp_session_formats hook).
    formats = JSONField(default=list)
    created_at = DateTimeField(default=utcnow)

    def __str__(self) -> str:
        return self.title

    def clean(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = str(_l("The end date cannot be before the start date."))
        if self.retention_until and self.ends_on and self.retention_until < self.ends_on:
            errors["retention_until"] = str(
                _l("Personal data must be kept at least until the consultation ends.")
            )
        if self.status == "published" and not self.retention_until:
            errors["retention_until"] = str(_l(
                "Set the date until which personal data is kept before you publish the "
                "consultation: participants are told this date when they sign up."))
        return errors


class Sector(BaseModel):
    consultation = ForeignKeyField(Consultation, backref="sectors", on_delete="CASCADE")
    name = CharField(max_length=120)
    default_seat_cap = IntegerField(null=True)
    position = IntegerField(default=0)

    class Meta:
        indexes = ((("consultation", "name"), True),)

    def __str__(self) -> str:
        return self.name

    def clean(self) -> dict[str, str]:
        if self.default_seat_cap is not None and self.default_seat_cap < 0:
            return {"default_seat_cap": str(_l("A seat cap cannot be negative."))}
        return {}


class ConsultationSession(BaseModel):
    """One meeting of some format ("sessie"); not Flask's ``session``."""

    consultation = ForeignKeyField(Consultation, backref="sessions", on_delete="CASCADE")
    format_key = CharField(max_length=60, default="general")
    title = CharField(max_length=200)
    description = TextField(default="")
    sector = ForeignKeyField(Sector, null=True, backref="sessions", on_delete="SET NULL")
    starts_at = DateTimeField()
    ends_at = DateTimeField()
    location = CharField(max_length=300, default="")
    online_url = CharField(max_length=500, default="")
    capacity = IntegerField(null=True)
    sector_cap = IntegerField(null=True)
    registration_opens_at = DateTimeField(null=True)
    registration_closes_at = DateTimeField(null=True)
    audience = CharField(max_length=20, default="public", choices=AUDIENCES)
    moderator = ForeignKeyField(StaffUser, null=True, backref="moderated_sessions",
                                on_delete="SET NULL")
    status = CharField(max_length=20, default="planned", choices=SESSION_STATUSES, index=True)
    created_at = DateTimeField(default=utcnow)
    # {side: seats} for the sides that have a cap, e.g. {"government": 4}.
    side_caps = JSONField(default=dict)
    # The secret of the invitation link of an invite-only session.
    invite_token = CharField(max_length=64, null=True, unique=True)
    # Hours before the start a reminder goes out; None: no reminder.
    reminder_hours = IntegerField(null=True, default=48)

    class Meta:
        table_name = "consultation_session"

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def timing(status: str, starts_at: dt.datetime, opens: dt.datetime | None,
               closes: dt.datetime | None, now: dt.datetime) -> tuple[bool, bool]:
        """(going ahead, open for registration) at ``now``, from the columns alone (the
        cached public pages ask this per session without building one)."""
        if status != "planned" or starts_at <= now:
            return False, False
        if opens and now < opens:
            return True, False
        return True, not (closes and now >= closes)

    @property
    def is_going_ahead(self) -> bool:
        """Planned and not yet started: places may still change hands."""
        from consultplatform.timezone import now_local

        return self.status == "planned" and self.starts_at > now_local()

    @property
    def is_open_for_registration(self) -> bool:
        from consultplatform.timezone import now_local

        return self.timing(self.status, self.starts_at, self.registration_opens_at,
                           self.registration_closes_at, now_local())[1]

    def clean(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = str(_l("The session must end after it starts."))
        for name in ("capacity", "sector_cap"):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = str(_l("This number cannot be negative."))
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if opens and closes and closes <= opens:
            errors["registration_closes_at"] = str(
                _l("Registration must close after it opens.")
            )
        if closes and self.starts_at and closes > self.starts_at:
            errors["registration_closes_at"] = str(
                _l("Registration cannot close after the session has started.")
            )
        if self.sector_id and self.consultation_id and self.sector.consultation_id != self.consultation_id:
            errors["sector"] = str(_l("This sector belongs to another consultation."))
        if self.consultation_id and self.format_key not in (self.consultation.formats or []):
            errors["format_key"] = str(_l("This consultation does not use this format."))
        if self.reminder_hours is not None and self.reminder_hours < 0:
            errors["reminder_hours"] = str(_l("This number cannot be negative."))
        from consultplatform.models.choices import SIDES

        for side, value in (self.side_caps or {}).items():
            if side not in dict(SIDES) or not isinstance(value, int) or value < 0:
                errors[f"side_caps.{side}"] = str(_l("This number cannot be negative."))
        return errors


class Theme(BaseModel):
    consultation = ForeignKeyField(Consultation, backref="themes", on_delete="CASCADE")
    name = CharField(max_length=120)
    description = TextField(default="")
    colour = CharField(max_length=7, default="#1f5f8b")
    position = IntegerField(default=0)
    active = BooleanField(default=True)

    class Meta:
        indexes = ((("consultation", "name"), True),)

    def __str__(self) -> str:
        return self.name

    def clean(self) -> dict[str, str]:
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", self.colour or ""):
            return {"colour": str(_l("Use a colour like #1f5f8b."))}
        return {}
