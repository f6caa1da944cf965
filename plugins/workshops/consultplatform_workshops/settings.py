"""The workshops' settings (the admin's Plugins page, per install and per
consultation): the dots each person has and may put on one action, the action
kinds, owners and horizons, and the reasons for setting an insight aside. The
lists are written one per line as ``code | Nederlands | English``."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from wtforms import Form, IntegerField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from consultplatform.api import (
    DEFAULT_ACTION_HORIZONS,
    DEFAULT_ACTION_KINDS,
    DEFAULT_ACTION_OWNERS,
    ActionVocabulary,
    Choice,
    Consultation,
    default_settings,
    once_per_request,
    parse_choices,
    plugin_registry,
)

NAME = "workshops"
DEFAULT_SET_ASIDE_REASONS = "\n".join([
    "out_of_scope | Valt buiten de opdracht | Out of scope",
    "already_done | Gebeurt al | Already done",
    "not_our_role | Geen rol voor de gemeente | Not the municipality's role",
    "other | Anders | Other",
])


def _choice_list(form, field) -> None:
    try:
        parse_choices(field.data)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


class WorkshopsSettings(Form):
    """Per install, and per consultation where it differs."""

    dots_per_person = IntegerField(
        _l("Dots per person"), default=5, validators=[InputRequired(), NumberRange(1, 50)],
        description=_l("How many dots each participant may put on the draft actions."))
    dots_per_action = IntegerField(
        _l("Dots per person on one action"), default=3,
        validators=[InputRequired(), NumberRange(1, 50)],
        description=_l("At most this many of one person's dots on the same action."))
    action_kinds = TextAreaField(
        _l("Action kinds"), default=DEFAULT_ACTION_KINDS,
        validators=[InputRequired(), _choice_list],
        description=_l("One per line: code | Dutch label | English label. The code is stored "
                       "with each action, so do not change the code of a kind in use."))
    action_owners = TextAreaField(
        _l("Owners of actions"), default=DEFAULT_ACTION_OWNERS,
        validators=[InputRequired(), _choice_list],
        description=_l("Who carries an action out. One per line: code | Dutch label | "
                       "English label."))
    action_horizons = TextAreaField(
        _l("Horizons"), default=DEFAULT_ACTION_HORIZONS,
        validators=[InputRequired(), _choice_list],
        description=_l("When an action should be done. One per line: code | Dutch label | "
                       "English label."))
    set_aside_reasons = TextAreaField(
        _l("Reasons for setting an insight aside"), default=DEFAULT_SET_ASIDE_REASONS,
        validators=[InputRequired(), _choice_list],
        description=_l("One per line: code | Dutch label | English label. The memo counts "
                       "the insights set aside per reason."))

    def validate_dots_per_action(self, field) -> None:
        if isinstance(field.data, int) and isinstance(self.dots_per_person.data, int) \
                and field.data > self.dots_per_person.data:
            raise ValidationError(str(_l("At most the dots per person.")))


@dataclass(frozen=True)
class WorkshopSettings:
    dots_per_person: int
    dots_per_action: int
    kinds: list[Choice]
    owners: list[Choice]
    horizons: list[Choice]
    reasons: list[Choice]

    def vocabulary(self) -> ActionVocabulary:
        return ActionVocabulary(self.kinds, self.owners, self.horizons)

    def reason_label(self, code: str, language: str) -> str:
        """The label of a reason code; a text that is not a code reads as itself."""
        for choice in self.reasons:
            if choice.code == code:
                return choice.label(language)
        return code


def workshop_settings(consultation: Consultation | None = None) -> WorkshopSettings:
    """The effective settings (consultation, install, defaults), read once per request;
    a stored value that no longer validates falls back to the default."""
    key = consultation.id if consultation is not None else None
    return once_per_request(f"workshops_settings:{key}", lambda: _read(consultation))


def _read(consultation: Consultation | None) -> WorkshopSettings:
    values = plugin_registry().settings(NAME, consultation)
    defaults = default_settings(WorkshopsSettings)

    def choices(key: str) -> list[Choice]:
        try:
            found = parse_choices(values.get(key) or "")
        except ValueError:
            return parse_choices(defaults[key])
        return found

    def number(key: str) -> int:
        value = values.get(key)
        return value if isinstance(value, int) and 1 <= value <= 50 else defaults[key]

    per_person = number("dots_per_person")
    return WorkshopSettings(dots_per_person=per_person,
                            dots_per_action=min(number("dots_per_action"), per_person),
                            kinds=choices("action_kinds"), owners=choices("action_owners"),
                            horizons=choices("action_horizons"),
                            reasons=choices("set_aside_reasons"))
