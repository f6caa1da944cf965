"""The Expertarena's tables: the arena's sectors and moderators, and themes
moderators proposed. Insights are the core's (``consultplatform.api.Insight``);
the plugin's migration m0002 moved its own insight tables there.

No participant data lives here: who came is the core's registrations.
"""

from __future__ import annotations

from peewee import (
    DateTimeField,
    ForeignKeyField,
    IntegerField,
)

from consultplatform.api import BaseModel, ConsultationSession, Sector, StaffUser, Theme, utcnow


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


MODELS = [ExpertarenaArenaSector, ExpertarenaArenaModerator, ExpertarenaThemeProposal]
