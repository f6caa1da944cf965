"""The validation's settings (the admin's Plugins page, per install and per
consultation): the verdicts' labels, which verdicts need a reason, the share that
counts as consensus, the smallest group shown on its own, and the default reminder."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from wtforms import Form, IntegerField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from consultplatform.api import (
    CheckboxListField,
    Choice,
    Consultation,
    default_settings,
    once_per_request,
    options,
    parse_choices,
    plugin_registry,
)
from consultplatform_validation.models import VERDICTS

NAME = "validation"
DEFAULT_VERDICT_LABELS = "\n".join([
    "agree | Eens | Agree",
    "agree_changes | Eens, met aanpassingen | Agree with changes",
    "disagree | Oneens | Disagree",
    "no_opinion | Geen mening | No opinion",
])
DEFAULT_REASON_REQUIRED = ["agree_changes", "disagree"]
REASON_CHOICES = [("agree", _l("Agree")), ("agree_changes", _l("Agree with changes")),
                  ("disagree", _l("Disagree")), ("no_opinion", _l("No opinion"))]


def _verdict_list(form, field) -> None:
    try:
        found = parse_choices(field.data)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    if sorted(choice.code for choice in found) != sorted(VERDICTS):
        raise ValidationError(str(_l(
            "Give one line for each of the codes %(codes)s, and no others.",
            codes=", ".join(VERDICTS))))


class ValidationSettings(Form):
    """Per install, and per consultation where it differs."""

    verdict_labels = TextAreaField(
        _l("Verdicts"), default=DEFAULT_VERDICT_LABELS,
        validators=[InputRequired(), _verdict_list],
        description=_l("One per line: code | Dutch label | English label. The four codes are "
                       "fixed; their labels are yours."))
    reason_required = CheckboxListField(
        _l("A reason is required for"), choices=options(REASON_CHOICES),
        default=DEFAULT_REASON_REQUIRED,
        description=_l("The verdicts for which a voter must say why."))
    consensus_percent = IntegerField(
        _l("Consensus from (percent agreeing)"), default=70,
        validators=[InputRequired(), NumberRange(51, 100)],
        description=_l("An item has consensus when at least this share agrees (with or "
                       "without changes) in every sector shown."))
    min_group = IntegerField(
        _l("Smallest group shown"), default=3, validators=[InputRequired(), NumberRange(3, 50)],
        description=_l("A sector and side with fewer voters is merged with other small "
                       "groups, and hidden if still too small, so nobody's verdict can be "
                       "told apart."))
    reminder_hours = IntegerField(
        _l("Reminder before closing (hours)"), default=24,
        validators=[InputRequired(), NumberRange(1, 24 * 14)],
        description=_l("The default for a new round: a reminder this many hours before it "
                       "closes to those who have not finished."))


@dataclass(frozen=True)
class RoundSettings:
    verdicts: list[Choice]
    reason_required: frozenset[str]
    consensus_share: float
    min_group: int
    reminder_hours: int

    def verdict_label(self, code: str, language: str) -> str:
        for choice in self.verdicts:
            if choice.code == code:
                return choice.label(language)
        return code


def validation_settings(consultation: Consultation | None = None) -> RoundSettings:
    """The effective settings (consultation, install, defaults), read once per request;
    a stored value that no longer validates falls back to the default."""
    key = consultation.id if consultation is not None else None
    return once_per_request(f"validation_settings:{key}", lambda: _read(consultation))


def _read(consultation: Consultation | None) -> RoundSettings:
    values = plugin_registry().settings(NAME, consultation)
    defaults = default_settings(ValidationSettings)
    try:
        verdicts = parse_choices(values.get("verdict_labels") or "")
        if sorted(choice.code for choice in verdicts) != sorted(VERDICTS):
            raise ValueError
    except ValueError:
        verdicts = parse_choices(defaults["verdict_labels"])
    verdicts.sort(key=lambda choice: VERDICTS.index(choice.code))
    required = values.get("reason_required")
    if not isinstance(required, list) or not set(required) <= set(VERDICTS):
        required = DEFAULT_REASON_REQUIRED

    def number(key: str, low: int, high: int) -> int:
        value = values.get(key)
        return value if isinstance(value, int) and low <= value <= high else defaults[key]

    return RoundSettings(verdicts=verdicts, reason_required=frozenset(required),
                         consensus_share=number("consensus_percent", 51, 100) / 100,
                         min_group=number("min_group", 3, 50),
                         reminder_hours=number("reminder_hours", 1, 24 * 14))
