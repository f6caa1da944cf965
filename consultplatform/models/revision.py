"""Content revisions that caches are keyed by; written only by database triggers
(consultplatform.revisions, migration m0008)."""

from __future__ import annotations

from peewee import BigIntegerField, CharField

from consultplatform.db import BaseModel


class ContentRevision(BaseModel):
    scope = CharField(max_length=60, primary_key=True)
    n = BigIntegerField(default=0)

    class Meta:
        table_name = "content_revision"
