"""The Expertarena's tables: the arena's sectors and moderators, insights and
their themes, and themes moderators proposed.

No participant data lives here: insights are what the moderator recorded,
quotes are anonymous, and who came is the core's registrations.
"""

from __future__ import annotations

from peewee import (
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    SmallIntegerField,
    TextField,
)

from consultplatform.db import BaseModel, utcnow
from consultplatform.models import ConsultationSession, Sector, StaffUser, Theme

# Longest insight text and quote the capture form takes.
TEXT_MAX = 2000
QUOTE_MAX = 1000


class ExpertarenaArenaSector(BaseModel):
    """A sector an arena is for (an arena has one or more)."""

    session = ForeignKeyField(ConsultationSession, backref="expertarena_sectors",
                              on_delete="CASCADE")
    sector = ForeignKeyField(Sector, backref="expertarena_arenas", on_delete="CASCADE")
    position = IntegerField(default=0)

    class Meta:
        table_name = "expertarena_arena_sector"
        indexes = ((("session", "sector"), True),)


class ExpertarenaArenaModerator(BaseModel):
    """A staff member who moderates an arena besides the session's own moderator."""

    session = ForeignKeyField(ConsultationSession, backref="expertarena_moderators",
                              on_delete="CASCADE")
    staff = ForeignKeyField(StaffUser, backref="expertarena_arenas", on_delete="CASCADE")

    class Meta:
        table_name = "expertarena_arena_moderator"
        indexes = ((("session", "staff"), True),)


class ExpertarenaInsight(BaseModel):
    """One thing that came up in an arena, as the moderator recorded it.

    The session and sector keys have no cascade: an arena or sector with
    insights cannot be deleted by accident (the admin says it is in use).
    """

    session = ForeignKeyField(ConsultationSession, backref="expertarena_insights")
    text = TextField()
    # A code from the category list in the plugin's settings.
    category = CharField(max_length=40, index=True)
    sector = ForeignKeyField(Sector, null=True, backref="expertarena_insights")
    # A code from the who-should-act list; empty: not said.
    actor = CharField(max_length=40, default="")
    quote = TextField(default="")
    # How strongly it came up: 1 mentioned, 2 clearly, 3 strongly and widely shared.
    weight = SmallIntegerField(default=1)
    created_by = ForeignKeyField(StaffUser, null=True, backref="expertarena_insights",
                                 on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow, index=True)
    updated_at = DateTimeField(default=utcnow)
    # The form's one-time key: a second POST of the same form (double click,
    # Enter twice, a retry) finds the first insight instead of adding another.
    submission_key = CharField(max_length=64, null=True, unique=True)

    class Meta:
        table_name = "expertarena_insight"

    def __str__(self) -> str:
        return f"insight #{self.id}"


class ExpertarenaInsightTheme(BaseModel):
    """An insight's theme. No cascade on the theme: a theme in use is merged, not deleted."""

    insight = ForeignKeyField(ExpertarenaInsight, backref="theme_links", on_delete="CASCADE")
    theme = ForeignKeyField(Theme, backref="expertarena_links")

    class Meta:
        table_name = "expertarena_insight_theme"
        indexes = ((("insight", "theme"), True),)


class ExpertarenaThemeProposal(BaseModel):
    """A theme a moderator added while capturing, for an administrator to review."""

    theme = ForeignKeyField(Theme, unique=True, backref="expertarena_proposal",
                            on_delete="CASCADE")
    session = ForeignKeyField(ConsultationSession, null=True, on_delete="SET NULL", backref="+")
    proposed_by = ForeignKeyField(StaffUser, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=utcnow)
    reviewed_at = DateTimeField(null=True)
    reviewed_by = ForeignKeyField(StaffUser, null=True, on_delete="SET NULL", backref="+")

    class Meta:
        table_name = "expertarena_theme_proposal"

    def __str__(self) -> str:
        return f"proposal #{self.id}"


MODELS = [ExpertarenaArenaSector, ExpertarenaArenaModerator, ExpertarenaInsight,
          ExpertarenaInsightTheme, ExpertarenaThemeProposal]
