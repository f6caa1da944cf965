"""The value lists an insight is recorded with: its categories and who should act.

Each entry has a stored code and a Dutch and an English label, written one per
line as ``code | Nederlands | English``. A consultation's lists come from the
``cp_insight_vocabulary`` hook (the plugin whose settings hold them); without
one, the case's four categories and four actors apply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    from consultplatform.models import Consultation

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


@dataclass(frozen=True)
class Vocabulary:
    """A consultation's insight categories and who-should-act list."""

    categories: list[Choice]
    actors: list[Choice]

    def category_codes(self) -> set[str]:
        return {choice.code for choice in self.categories}

    def actor_codes(self) -> set[str]:
        return {choice.code for choice in self.actors}


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


def default_vocabulary() -> Vocabulary:
    return Vocabulary(parse_choices(DEFAULT_CATEGORIES), parse_choices(DEFAULT_ACTORS))


def insight_vocabulary(consultation: Consultation) -> Vocabulary:
    """The lists ``consultation``'s insights are recorded with."""
    from consultplatform.plugins import registry

    for _name, found in registry().results("cp_insight_vocabulary", only_enabled=False,
                                            consultation=consultation):
        if isinstance(found, Vocabulary):
            return found
    return default_vocabulary()
