"""The validation's own tables. The agenda and its decisions are the core's nouns
(``consultplatform.api.AgendaItem``, ``record_decision``); a round keeps its own
copy of the text people vote on, so later edits of the agenda do not change what
was voted on.

- ``ValidationRound``: one round on a frozen version of the draft agenda: who may
  vote, when, the optional questions, the room code, the presenter's place, and the
  results frozen when it closed.
- ``ValidationItem``: one agenda item as it was frozen into the round, and its
  state on the presenter screen.
- ``ValidationVoter``: a person who may vote in the round, with their personal
  link's token; sector and side are copied, so the count survives an erasure.
- ``ValidationBallot``: one verdict of one voter on one item (the latest counts;
  unique per voter and item), with its channel.
- ``ValidationPriority``: a voter's points on an item (the priority question).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    JSONField,
    TextField,
)

from consultplatform.api import (
    AgendaItem,
    BaseModel,
    Consultation,
    Participant,
    Sector,
    utcnow,
)

ROUND_STATUSES = (("draft", _l("Being prepared")), ("open", _l("Open")),
                  ("closed", _l("Closed")))
VERDICTS = ("agree", "agree_changes", "disagree", "no_opinion")
CHANNELS = (("online", _l("Online")), ("room", _l("In the room")), ("paper", _l("On paper")))
# An item on the presenter screen: not yet shown, voting, result revealed.
ITEM_STATES = ("waiting", "voting", "revealed")
ALL_SIDES = ("entrepreneur", "government", "education", "other")
# What a voter may write (characters).
REASON_MAX = 2000
COMMENT_MAX = 2000
SUGGESTION_MAX = 2000
OPEN_ANSWER_MAX = 4000
ROOM_CODE_LENGTH = 6


class ValidationRound(BaseModel):
    consultation = ForeignKeyField(Consultation, backref="validation_rounds",
                                   on_delete="CASCADE")
    title = CharField(max_length=200)
    status = CharField(max_length=20, default="draft", index=True)
    # Who may vote: these sides of the people who took part in the consultation.
    sides = JSONField(default=lambda: list(ALL_SIDES))
    # Local (Europe/Amsterdam) times, like a session's; NULL: opened or closed by hand.
    opens_at = DateTimeField(null=True)
    closes_at = DateTimeField(null=True)
    show_interim = BooleanField(default=False)
    # The priority question: points each voter spreads over the items; 0 = not asked.
    priority_points = IntegerField(default=0)
    # The open question at the end of the ballot; "" = not asked.
    open_question = TextField(default="")
    # Reminders this many hours before closing to those who have not finished.
    reminder_hours = IntegerField(null=True)
    reminded_at = DateTimeField(null=True)
    # The short code of the meeting room's address (/stem/<code>).
    room_code = CharField(max_length=12, unique=True)
    # The presenter's item (a position in the round), NULL before the first.
    current_position = IntegerField(null=True)
    # Raised by every change the presenter screen shows (its poll compares it).
    revision = IntegerField(default=1)
    # The results as they were when the round closed (results.compute's form).
    results = JSONField(null=True)
    created_at = DateTimeField(default=utcnow)
    opened_at = DateTimeField(null=True)
    closed_at = DateTimeField(null=True)

    class Meta:
        table_name = "validation_round"

    def __str__(self) -> str:
        return self.title

    def audit_label(self) -> str:
        return f"validation round #{self.id}"


class ValidationItem(BaseModel):
    round = ForeignKeyField(ValidationRound, backref="items", on_delete="CASCADE")
    agenda_item = ForeignKeyField(AgendaItem, null=True, backref="validation_items",
                                  on_delete="SET NULL")
    # The agenda item's version that was frozen, and its words at that version.
    agenda_version = IntegerField(default=1)
    position = IntegerField()
    title = CharField(max_length=200)
    text = TextField(default="")
    theme_name = CharField(max_length=200, default="")
    state = CharField(max_length=20, default="waiting")

    class Meta:
        table_name = "validation_item"
        indexes = ((("round", "position"), True),)

    def __str__(self) -> str:
        return self.title


class ValidationVoter(BaseModel):
    round = ForeignKeyField(ValidationRound, backref="voters", on_delete="CASCADE")
    # NULL once the person is erased: the verdicts stay counted, without the person.
    participant = ForeignKeyField(Participant, null=True, backref="validation_voters",
                                  on_delete="SET NULL")
    token = CharField(max_length=64, null=True, unique=True)
    sector = ForeignKeyField(Sector, null=True, backref="+", on_delete="SET NULL")
    side = CharField(max_length=20, default="entrepreneur")
    invited_at = DateTimeField(null=True)
    reminded_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)
    open_answer = TextField(default="")
    erased_at = DateTimeField(null=True)

    class Meta:
        table_name = "validation_voter"
        indexes = ((("round", "participant"), True),)

    def audit_label(self) -> str:
        return f"validation voter #{self.id}"


class ValidationBallot(BaseModel):
    voter = ForeignKeyField(ValidationVoter, backref="ballots", on_delete="CASCADE")
    item = ForeignKeyField(ValidationItem, backref="ballots", on_delete="CASCADE")
    verdict = CharField(max_length=20)
    reason = TextField(default="")
    comment = TextField(default="")
    suggestion = TextField(default="")
    channel = CharField(max_length=10, default="online")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "validation_ballot"
        indexes = ((("voter", "item"), True), (("item", "verdict"), False))


class ValidationPriority(BaseModel):
    voter = ForeignKeyField(ValidationVoter, backref="priorities", on_delete="CASCADE")
    item = ForeignKeyField(ValidationItem, backref="priorities", on_delete="CASCADE")
    points = IntegerField(default=0)

    class Meta:
        table_name = "validation_priority"
        indexes = ((("voter", "item"), True),)


MODELS = [ValidationRound, ValidationItem, ValidationVoter, ValidationBallot, ValidationPriority]
