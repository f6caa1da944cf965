"""The plugin's tables; every table name starts with the plugin's name."""

from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField

from consultplatform.api import BaseModel, Consultation, utcnow


class MypluginNote(BaseModel):
    """A note on a consultation (no personal data)."""

    consultation = ForeignKeyField(Consultation, backref="myplugin_notes", on_delete="CASCADE")
    title = CharField(max_length=200)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "myplugin_note"

    def __str__(self) -> str:
        return self.title
