"""The plugin's settings (edited on the admin's Plugins page) and the value lists
they hold: insight categories and who should act, each with a Dutch and an
English label, written one per line as ``code | Nederlands | English``."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from wtforms import Form, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from consultplatform.api import (
    DEFAULT_ACTORS,
    DEFAULT_CATEGORIES,
    Choice,
    Consultation,
    Vocabulary,
    default_settings,
    once_per_request,
    parse_choices,
    plugin_registry,
)

NAME = "expertarena"
__all__ = ["DEFAULT_ACTORS", "DEFAULT_CATEGORIES", "NAME", "ArenaSettings", "Choice",
           "ExpertarenaSettings", "arena_settings", "parse_choices"]


def _choice_list(form, field) -> None:
    try:
        parse_choices(field.data)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


def _category_code(form, field) -> None:
    try:
        codes = {choice.code for choice in parse_choices(form.categories.data)}
    except ValueError:
        return  # the list itself shows the error
    if field.data not in codes:
        raise ValidationError(str(_l("Use one of the category codes above.")))


class ExpertarenaSettings(Form):
    """Per install, and per consultation where it differs."""

    categories = TextAreaField(
        _l("Insight categories"), default=DEFAULT_CATEGORIES,
        validators=[InputRequired(), _choice_list],
        description=_l("One per line: code | Dutch label | English label. The code is stored "
                       "with each insight, so do not change the code of a category in use."))
    ambition_category = StringField(
        _l("Category code of ambitions"), default="ambities",
        validators=[InputRequired(), _category_code],
        description=_l("The analysis and the memo list the top ambitions of every sector."))
    barrier_category = StringField(
        _l("Category code of barriers"), default="barrieres",
        validators=[InputRequired(), _category_code],
        description=_l("The analysis and the memo list the top barriers of every sector."))
    actors = TextAreaField(
        _l("Who should act"), default=DEFAULT_ACTORS,
        validators=[InputRequired(), _choice_list],
        description=_l("One per line: code | Dutch label | English label."))
    leading_threshold = IntegerField(
        _l("Leading theme: share of sectors (%)"), default=100,
        validators=[InputRequired(), NumberRange(min=1, max=100)],
        description=_l("A theme leads when it came up in at least this share of the sectors "
                       "that contributed insights. 100 means every sector."))
    top_per_sector = IntegerField(
        _l("Ambitions and barriers shown per sector"), default=3,
        validators=[InputRequired(), NumberRange(min=1, max=10)])


@dataclass(frozen=True)
class ArenaSettings:
    categories: list[Choice]
    actors: list[Choice]
    ambition_category: str
    barrier_category: str
    leading_threshold: int
    top_per_sector: int

    def vocabulary(self) -> Vocabulary:
        return Vocabulary(self.categories, self.actors)

    def category_label(self, code: str, language: str) -> str:
        return _label(self.categories, code, language)

    def actor_label(self, code: str, language: str) -> str:
        return _label(self.actors, code, language) if code else ""


def _label(choices: list[Choice], code: str, language: str) -> str:
    for choice in choices:
        if choice.code == code:
            return choice.label(language)
    return code  # a code no longer in the list still reads as itself


def arena_settings(consultation: Consultation | None = None) -> ArenaSettings:
    """The effective settings (consultation, install, defaults); a stored value that
    no longer validates falls back to the default rather than breaking a page.
    Read once per request and consultation (list pages ask for every row)."""
    key = consultation.id if consultation is not None else None
    return once_per_request(f"expertarena_settings:{key}", lambda: _read_settings(consultation))


def _read_settings(consultation: Consultation | None) -> ArenaSettings:
    values = plugin_registry().settings(NAME, consultation)
    defaults = default_settings(ExpertarenaSettings)

    def choices(key: str) -> list[Choice]:
        try:
            return parse_choices(values.get(key) or "")
        except ValueError:
            return parse_choices(defaults[key])

    def number(key: str, low: int, high: int) -> int:
        value = values.get(key)
        return value if isinstance(value, int) and low <= value <= high else defaults[key]

    categories = choices("categories")
    codes = {choice.code for choice in categories}

    def code(key: str) -> str:
        value = values.get(key)
        return value if value in codes else ""

    return ArenaSettings(categories=categories, actors=choices("actors"),
                         ambition_category=code("ambition_category"),
                         barrier_category=code("barrier_category"),
                         leading_threshold=number("leading_threshold", 1, 100),
                         top_per_sector=number("top_per_sector", 1, 10))
