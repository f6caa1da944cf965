"""The trajectory's results, shared by every format and output: insights (what
was heard), actions (what will be done), agenda items (the draft agenda's lines)
and the typed links and decisions between them.

The provenance chain: Insight -(InsightAction: answers | merges | splits)->
Action -(AgendaItemAction)-> AgendaItem -(AgendaDecision)-> the memo. An insight
no action takes up is either still open or set aside with a reason.
No participant data lives here: insights are what staff recorded, quotes are
anonymous.
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
from consultplatform.models.choices import (
    ACTION_STATUSES,
    DECISIONS,
    LINK_KINDS,
)
from consultplatform.models.consultation import Consultation, ConsultationSession, Sector, Theme
from consultplatform.models.staff import StaffUser

# Longest insight text and quote.
TEXT_MAX = 2000
QUOTE_MAX = 1000


class Insight(BaseModel):
    """One thing that came up in a session, as staff recorded it.

    The session and sector keys have no cascade: a session or sector with
    insights cannot be deleted by accident (the admin says it is in use).
    """

    session = ForeignKeyField(ConsultationSession, backref="insights")
    text = TextField()
    # A code from the consultation's category list (consultplatform.vocabulary).
    category = CharField(max_length=40, index=True)
    sector = ForeignKeyField(Sector, null=True, backref="insights")
    # A code from the who-should-act list; empty: not said.
    actor = CharField(max_length=40, default="")
    quote = TextField(default="")
    # How strongly it came up: 1 mentioned, 2 clearly, 3 strongly and widely shared.
    weight = SmallIntegerField(default=1)
    created_by = ForeignKeyField(StaffUser, null=True, backref="insights", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow, index=True)
    updated_at = DateTimeField(default=utcnow)
    # The form's one-time key: the same form sent twice stores one insight.
    submission_key = CharField(max_length=64, null=True, unique=True)
    # The insight's fate when no action takes it up: set aside, with the reason.
    set_aside_reason = TextField(default="")
    set_aside_at = DateTimeField(null=True)
    set_aside_by = ForeignKeyField(StaffUser, null=True, backref="+", on_delete="SET NULL")
    # What the reason (often a code of a list of reasons) does not say.
    set_aside_note = TextField(default="")

    class Meta:
        table_name = "insight"

    def __str__(self) -> str:
        return f"insight #{self.id}"


class InsightTheme(BaseModel):
    """An insight's theme. No cascade on the theme: a theme in use is merged, not deleted."""

    insight = ForeignKeyField(Insight, backref="theme_links", on_delete="CASCADE")
    theme = ForeignKeyField(Theme, backref="insight_links")

    class Meta:
        table_name = "insight_theme"
        indexes = ((("insight", "theme"), True),)


class Action(BaseModel):
    """What the municipality (or a partner) will do or proposes.

    ``kind``, ``owner`` and ``horizon`` hold codes of the consultation's action
    vocabulary (consultplatform.action_vocabulary). ``version`` grows with every
    change: a save that names an older version is refused, nobody's edit is lost.
    A merged action stays, with status "merged" and the action it went into.
    """

    consultation = ForeignKeyField(Consultation, backref="actions", on_delete="CASCADE")
    title = CharField(max_length=200)
    description = TextField(default="")
    kind = CharField(max_length=40, default="action")
    owner = CharField(max_length=40, default="municipality")
    horizon = CharField(max_length=40, default="short")
    status = CharField(max_length=20, choices=ACTION_STATUSES, default="draft")
    # The department (or partner organisation) that carries it out; free text.
    department = CharField(max_length=120, default="")
    version = IntegerField(default=1)
    merged_into = ForeignKeyField("self", null=True, backref="merged_from",
                                  on_delete="SET NULL")
    created_by = ForeignKeyField(StaffUser, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "action"

    def __str__(self) -> str:
        return self.title


class InsightAction(BaseModel):
    """The typed link from an insight to an action that takes it up (many-to-many)."""

    insight = ForeignKeyField(Insight, backref="action_links", on_delete="CASCADE")
    action = ForeignKeyField(Action, backref="insight_links", on_delete="CASCADE")
    kind = CharField(max_length=20, choices=LINK_KINDS, default="answers")
    created_at = DateTimeField(default=utcnow)
    created_by = ForeignKeyField(StaffUser, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        table_name = "insight_action"
        indexes = ((("insight", "action"), True),)


class AgendaItem(BaseModel):
    """A line of the draft agenda: under a theme, with its actions and its decision.

    ``version`` counts the text's versions; each is kept in AgendaItemVersion.
    """

    consultation = ForeignKeyField(Consultation, backref="agenda_items", on_delete="CASCADE")
    theme = ForeignKeyField(Theme, null=True, backref="agenda_items", on_delete="SET NULL")
    title = CharField(max_length=200)
    text = TextField(default="")
    position = IntegerField(default=0)
    version = IntegerField(default=1)
    decision = CharField(max_length=20, choices=DECISIONS, default="proposed")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "agenda_item"

    def __str__(self) -> str:
        return self.title


class AgendaItemVersion(BaseModel):
    """One version of an agenda item's title and text, kept for the memo's "what changed"."""

    item = ForeignKeyField(AgendaItem, backref="versions", on_delete="CASCADE")
    version = IntegerField()
    title = CharField(max_length=200)
    text = TextField(default="")
    note = TextField(default="")
    created_by = ForeignKeyField(StaffUser, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "agenda_item_version"
        indexes = ((("item", "version"), True),)


class AgendaItemAction(BaseModel):
    """An action under an agenda item."""

    item = ForeignKeyField(AgendaItem, backref="action_links", on_delete="CASCADE")
    action = ForeignKeyField(Action, backref="agenda_links", on_delete="CASCADE")
    position = IntegerField(default=0)

    class Meta:
        table_name = "agenda_item_action"
        indexes = ((("item", "action"), True),)


class AgendaDecision(BaseModel):
    """A decision on an agenda item (its history; the item holds the latest)."""

    item = ForeignKeyField(AgendaItem, backref="decisions", on_delete="CASCADE")
    decision = CharField(max_length=20, choices=DECISIONS)
    reason = TextField(default="")
    # The version of the text the decision is about.
    version = IntegerField()
    decided_by = ForeignKeyField(StaffUser, null=True, backref="+", on_delete="SET NULL")
    decided_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "agenda_decision"


TRAJECTORY_MODELS = [Insight, InsightTheme, Action, InsightAction, AgendaItem,
                     AgendaItemVersion, AgendaItemAction, AgendaDecision]
