"""The workshops' own tables. The results (actions, their insight links, the agenda)
are the core's nouns (``consultplatform.api.Action`` and friends): they stay when
this plugin is switched off and come back with it.

- ``WorkshopsWorkshop``: a workshop session's question, and the board's revision
  (raised by every change on the board: the projector's poll compares it).
- ``WorkshopsScope``: what the board shows: themes, sectors, categories, arenas.
- ``WorkshopsMember``: the staff who work on the board besides its facilitator.
- ``WorkshopsAction``: the actions drafted on (or brought to) the board.
- ``WorkshopsDot``: a participant's dots on an action.

No participant data lives here: members and voters are staff accounts.
"""

from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from consultplatform.api import Action, BaseModel, ConsultationSession, StaffUser, utcnow

# The scope's kinds: which insights of the consultation the board shows.
SCOPE_KINDS = ("theme", "sector", "category", "arena")
QUESTION_MAX = 500


class WorkshopsWorkshop(BaseModel):
    session = ForeignKeyField(ConsultationSession, backref="workshops_workshop",
                              on_delete="CASCADE", unique=True)
    question = TextField(default="")
    revision = IntegerField(default=1)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "workshops_workshop"


class WorkshopsScope(BaseModel):
    """One value of the scope: a theme, sector or arena id, or a category code."""

    session = ForeignKeyField(ConsultationSession, backref="workshops_scope",
                              on_delete="CASCADE")
    kind = CharField(max_length=20)
    value = CharField(max_length=40)

    class Meta:
        table_name = "workshops_scope"
        indexes = ((("session", "kind", "value"), True),)


class WorkshopsMember(BaseModel):
    session = ForeignKeyField(ConsultationSession, backref="workshops_members",
                              on_delete="CASCADE")
    staff = ForeignKeyField(StaffUser, backref="workshops_memberships", on_delete="CASCADE")

    class Meta:
        table_name = "workshops_member"
        indexes = ((("session", "staff"), True),)


class WorkshopsAction(BaseModel):
    session = ForeignKeyField(ConsultationSession, backref="workshops_actions",
                              on_delete="CASCADE")
    action = ForeignKeyField(Action, backref="workshops_boards", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "workshops_action"
        indexes = ((("session", "action"), True),)


class WorkshopsDot(BaseModel):
    """``dots`` of one voter on one action of one workshop (at least 1)."""

    session = ForeignKeyField(ConsultationSession, backref="workshops_dots",
                              on_delete="CASCADE")
    voter = ForeignKeyField(StaffUser, backref="workshops_dots", on_delete="CASCADE")
    action = ForeignKeyField(Action, backref="workshops_dots", on_delete="CASCADE")
    dots = IntegerField(default=1)

    class Meta:
        table_name = "workshops_dot"
        indexes = ((("session", "voter", "action"), True),)


MODELS = [WorkshopsWorkshop, WorkshopsScope, WorkshopsMember, WorkshopsAction, WorkshopsDot]
