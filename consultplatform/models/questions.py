"""Questions an administrator adds to the sign-up form: per session (asked of whoever
chooses that session, answered per registration) or per consultation (asked once,
however many sessions someone chooses, answered on the participant)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from peewee import BooleanField, CharField, ForeignKeyField, IntegerField, TextField

from consultplatform.db import BaseModel
from consultplatform.models.choices import QUESTION_KINDS
from consultplatform.models.consultation import Consultation, ConsultationSession

CHOICE_KINDS = ("single", "multiple")


class SignUpQuestion(BaseModel):
    """What every sign-up question has: its place, kind, wording in both languages,
    options and whether it is required. Abstract: no table of its own; the two
    kinds below inherit its fields and behaviour."""

    position = IntegerField(default=0)
    kind = CharField(max_length=20, choices=QUESTION_KINDS, default="short_text")
    label_nl = CharField(max_length=300)
    label_en = CharField(max_length=300, default="")
    # Choice questions: one option per line, the same number of lines in both languages.
    choices_nl = TextField(default="")
    choices_en = TextField(default="")
    required = BooleanField(default=False)

    def __str__(self) -> str:
        return self.label_nl

    def label(self, language: str) -> str:
        return self.label_en if language == "en" and self.label_en else self.label_nl

    def options(self, language: str) -> list[str]:
        """The choice options in ``language`` (Dutch where no English is given)."""
        dutch = _lines(self.choices_nl)
        english = _lines(self.choices_en)
        if language == "en" and len(english) == len(dutch):
            return english
        return dutch

    def clean(self) -> dict[str, str]:
        if self.kind in CHOICE_KINDS:
            dutch, english = _lines(self.choices_nl), _lines(self.choices_en)
            if len(dutch) < 2:
                return {"choices_nl": str(_l("A choice question needs at least two options."))}
            if english and len(english) != len(dutch):
                return {"choices_en": str(_l("Give as many English options as Dutch ones."))}
        return {}


class SessionQuestion(SignUpQuestion):
    """Asked of whoever chooses the session; answered in ``Registration.answers``."""

    session = ForeignKeyField(ConsultationSession, backref="questions", on_delete="CASCADE")

    class Meta:
        table_name = "session_question"


class ConsultationQuestion(SignUpQuestion):
    """Asked once per person, whatever sessions they choose; answered in
    ``Participant.answers``."""

    consultation = ForeignKeyField(Consultation, backref="questions", on_delete="CASCADE")

    class Meta:
        table_name = "consultation_question"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
