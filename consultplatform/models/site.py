"""Site-wide texts an administrator edits: accessibility statement, privacy page."""

from __future__ import annotations

from peewee import CharField, DateTimeField, TextField

from consultplatform.db import BaseModel, utcnow


class SitePage(BaseModel):
    slug = CharField(max_length=40, unique=True)
    title_nl = CharField(max_length=200)
    title_en = CharField(max_length=200)
    # Limited HTML, cleaned with nh3 when shown.
    body_nl = TextField(default="")
    body_en = TextField(default="")
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "site_page"

    def __str__(self) -> str:
        return self.title_nl

    def title(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title_nl

    def body(self, language: str) -> str:
        return self.body_en if language == "en" and self.body_en else self.body_nl
