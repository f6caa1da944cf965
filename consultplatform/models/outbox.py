"""The mail outbox: written in the transaction that causes a mail, sent later."""

from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, JSONField, TextField

from consultplatform.db import BaseModel, utcnow
from consultplatform.models.choices import MAIL_STATUSES
from consultplatform.models.people import Registration


class OutboxMail(BaseModel):
    kind = CharField(max_length=40)
    to_address = CharField(max_length=254)
    language = CharField(max_length=5, default="nl")
    subject = CharField(max_length=300)
    text_body = TextField()
    html_body = TextField(default="")
    # A calendar attachment (REQUEST or CANCEL), as iCalendar text.
    ics = TextField(default="")
    registration = ForeignKeyField(Registration, null=True, backref="mails",
                                   on_delete="SET NULL")
    status = CharField(max_length=20, choices=MAIL_STATUSES, default="queued", index=True)
    attempts = IntegerField(default=0)
    last_error = CharField(max_length=500, default="")
    next_attempt_at = DateTimeField(default=utcnow, index=True)
    created_at = DateTimeField(default=utcnow)
    # What the mail is about until it is composed (consultplatform.mail.compose);
    # NULL once the subject and bodies are written.
    compose_spec = JSONField(null=True)
    sent_at = DateTimeField(null=True)
    # A mail that goes once per person and purpose (``<plugin>:<what>:<id>:<person>``):
    # unique, so a second queueing is ignored (consultplatform.mail.notices).
    once_key = CharField(max_length=160, null=True, unique=True)

    class Meta:
        table_name = "mail_outbox"

    def __str__(self) -> str:
        return f"{self.kind} #{self.id}"

    def audit_label(self) -> str:
        return f"mail #{self.id}"
