from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from consultplatform.api import Participant
from consultplatform.db import BaseModel, utcnow


class FullhooksNote(BaseModel):
    title = CharField(max_length=100)
    body = TextField(default="")

    class Meta:
        table_name = "fullhooks_note"


class FullhooksEvent(BaseModel):
    """Every event hook call, so tests can see what fired and when."""

    hook = CharField(max_length=60)
    object_id = IntegerField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "fullhooks_event"


class FullhooksContact(BaseModel):
    """Personal data held by a plugin (declared through cp_personal_data)."""

    participant = ForeignKeyField(Participant, backref="fullhooks_contacts", on_delete="CASCADE")
    note = TextField(default="")

    class Meta:
        table_name = "fullhooks_contact"
