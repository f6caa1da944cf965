"""Audit log of staff actions: who, what, which object, result, from where, when."""

from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, JSONField

from consultplatform.db import BaseModel, utcnow
from consultplatform.models.choices import AUDIT_RESULTS
from consultplatform.models.staff import StaffUser


class AuditLog(BaseModel):
    actor = ForeignKeyField(StaffUser, null=True, backref="audit_entries", on_delete="SET NULL")
    # Kept when the account is later deleted; the staff e-mail, never a participant's.
    actor_label = CharField(max_length=254, default="")
    action = CharField(max_length=40, index=True)
    object_type = CharField(max_length=80, default="")
    object_id = CharField(max_length=64, default="")
    object_label = CharField(max_length=200, default="")
    result = CharField(max_length=20, choices=AUDIT_RESULTS, default="success")
    origin = CharField(max_length=64, default="")
    # Names of the changed fields only: values may be personal data.
    details = JSONField(default=dict)
    created_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        table_name = "audit_log"
