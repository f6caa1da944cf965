"""The plugin's settings (edited on the admin's Plugins page) and the value lists
they hold: insight categories and who should act, each with a Dutch and an
English label, written one per line as ``code | Nederlands | English``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from wtforms import Form, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from consultplatform.models import Consultation
from consultplatform.plugins import default_settings, registry

NAME = "expertarena"
CODE_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
MAX_ITEMS = 20

DEFAULT_CATEGORIES = "\n".join([
    "belevingswereld | Belevingswereld | World of experience",
    "ontwikkelingen | Ontwikkelingen | Developments",
    "ambities | Ambities | Ambitions",
    "barrieres | Barrières | Barriers",
])
DEFAULT_ACTORS = "\n".join([
    "gemeente | Gemeente | Municipality",
    "onderwijs | Onderwijs | Education",
    "ondernemers | Ondernemers | Entrepreneurs",
    "samen | Samen | Together",
])


@dataclass(frozen=True)
class Choice:
    """One entry of a value list: a stored code and its labels."""

    code: str
    label_nl: str
    label_en: str

    def label(self, language: str) -> str:
        return self.label_en if language == "en" and self.label_en else self.label_nl


def parse_choices(text: str) -> list[Choice]:
    """Read ``code | Nederlands | English`` lines; ``ValueError`` says what is wrong."""
    found: list[Choice] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) not in (2, 3) or not parts[1]:
            raise ValueError(str(_l("Line %(num)d: write code | Dutch label | English label.",
                                    num=number)))
        code = parts[0]
        if not CODE_PATTERN.fullmatch(code):
            raise ValueError(str(_l(
                "Line %(num)d: the code may only hold lower-case letters, digits, - and _ "
                "(at most 40).", num=number)))
        if any(choice.code == code for choice in found):
            raise ValueError(str(_l("Line %(num)d: the code %(code)s is used twice.",
                                    num=number, code=code)))
        if max(len(part) for part in parts) > 120:
            raise ValueError(str(_l("Line %(num)d: a label may be at most 120 characters.",
                                    num=number)))
        found.append(Choice(code, parts[1], parts[2] if len(parts) == 3 else ""))
    if not found:
        raise ValueError(str(_l("Give at least one line.")))
    if len(found) > MAX_ITEMS:
        raise ValueError(str(_l("Give at most %(num)d lines.", num=MAX_ITEMS)))
    return found


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
    if not has_request_context():
        return _read_settings(consultation)
    cache = g.setdefault("expertarena_settings", {})
    key = consultation.id if consultation is not None else None
    if key not in cache:
        cache[key] = _read_settings(consultation)
    return cache[key]


def _read_settings(consultation: Consultation | None) -> ArenaSettings:
    values = registry().settings(NAME, consultation)
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
