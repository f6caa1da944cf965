"""Which consultation a staff member works on in the admin (no row: all of them)."""

from __future__ import annotations

from peewee import DateTimeField, ForeignKeyField

from consultplatform.db import BaseModel, utcnow
from consultplatform.models.consultation import Consultation
from consultplatform.models.staff import StaffUser


class StaffWorkspace(BaseModel):
    staff = ForeignKeyField(StaffUser, primary_key=True, backref="+", on_delete="CASCADE")
    consultation = ForeignKeyField(Consultation, backref="+", on_delete="CASCADE")
    chosen_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "staff_workspace"
