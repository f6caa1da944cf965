"""What the staff pages of rounds share: the round's form, who may change a round,
and which round a staff member may see (the consultation they work on)."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.fields import DateTimeLocalField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from consultplatform.api import (
    CheckboxListField,
    SafeForm,
    choices,
    current_consultation_id,
    options,
    strip,
)
from consultplatform_validation.models import ALL_SIDES, ROUND_STATUSES, ValidationRound
from consultplatform_validation.rounds import (
    OPEN_QUESTION_MAX,
    TITLE_MAX,
    RoundError,
    RoundInput,
)

# Administrators and moderators (in the consultations they moderate in: the
# workspace switcher offers only those) change rounds; viewers read.
EDIT_ROLES = ("admin", "moderator")
SIDE_LABELS = dict(choices.SIDES)
STATUS_LABELS = dict(ROUND_STATUSES)
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def may_edit() -> bool:
    return bool(current_user.is_authenticated and current_user.role in EDIT_ROLES)


class RoundForm(SafeForm):
    title = StringField(_l("Title"), filters=[strip], validators=[
        InputRequired(_l("Give the round a title.")), Length(max=TITLE_MAX)])
    sides = CheckboxListField(_l("Who may vote"),
                              choices=options((side, SIDE_LABELS[side]) for side in ALL_SIDES),
                              description=_l("The people of these sides who took part in the "
                                             "consultation."))
    opens_at = DateTimeLocalField(_l("Opens at"), format=LOCAL_FORMAT,
                                  validators=[Optional()],
                                  description=_l("Local time; empty: when you open it."))
    closes_at = DateTimeLocalField(_l("Closes at"), format=LOCAL_FORMAT,
                                   validators=[Optional()],
                                   description=_l("Local time; empty: when you close it."))
    show_interim = BooleanField(_l("Show interim results before closing"),
                                description=_l("Usually not: early results sway later votes."))
    priority_points = IntegerField(_l("Priority points"), default=0,
                                   validators=[Optional(), NumberRange(0, 100)],
                                   description=_l("Points each voter spreads over the items; "
                                                  "0: no priority question."))
    open_question = TextAreaField(_l("Open question at the end"),
                                  validators=[Length(max=OPEN_QUESTION_MAX)],
                                  description=_l("Empty: no open question."))
    reminder_hours = IntegerField(_l("Reminder before closing (hours)"),
                                  validators=[Optional(), NumberRange(1, 24 * 14)],
                                  description=_l("To those who have not finished, once."))

    def round_input(self) -> RoundInput:
        return RoundInput(title=self.title.data or "", sides=list(self.sides.data or []),
                          opens_at=self.opens_at.data, closes_at=self.closes_at.data,
                          show_interim=bool(self.show_interim.data),
                          priority_points=self.priority_points.data or 0,
                          open_question=self.open_question.data or "",
                          reminder_hours=self.reminder_hours.data)


def round_form(round_: ValidationRound) -> RoundForm:
    return RoundForm(formdata=None, title=round_.title, sides=list(round_.sides),
                     opens_at=round_.opens_at, closes_at=round_.closes_at,
                     show_interim=round_.show_interim, priority_points=round_.priority_points,
                     open_question=round_.open_question, reminder_hours=round_.reminder_hours)


def put_error(form: SafeForm, exc: RoundError) -> str | None:
    """The service's refusal at its field; the message for the page when none fits."""
    target = getattr(form, exc.field, None)
    if target is not None and exc.field != "csrf_token":
        target.errors = [*(target.errors or []), str(exc)]
        return None
    return str(exc)


def visible_round(round_id: int) -> ValidationRound:
    """The round, if it belongs to the consultation the staff member works on
    (administrators and viewers without a choice see every round); else 404."""
    round_ = ValidationRound.get_or_none(ValidationRound.id == round_id)
    chosen = current_consultation_id()
    if round_ is None or (chosen is not None and round_.consultation_id != chosen) \
            or (chosen is None and current_user.role == "moderator"):
        abort(404, description=_("This validation round does not exist in the consultation "
                                 "you work on. Choose its consultation in the header."))
    return round_


def writable_round(view: Any, round_id: int, what: str) -> ValidationRound:
    """POSTs: the round, for someone who may change it (403 otherwise)."""
    if not may_edit():
        view.deny(what)
    return visible_round(round_id)
