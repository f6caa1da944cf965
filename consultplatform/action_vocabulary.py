"""The value lists an action is described with: its kinds, owners and horizons.

Like the insight vocabulary, each entry is ``code | Nederlands | English``. A
consultation's lists come from the ``cp_action_vocabulary`` hook (the plugin whose
settings hold them, the workshops); without one, the case's lists apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from consultplatform.vocabulary import Choice, parse_choices

if TYPE_CHECKING:
    from consultplatform.models import Consultation

DEFAULT_ACTION_KINDS = "\n".join([
    "action | Actie | Action",
    "proposal | Voorstel | Proposal",
    "governance | Wijziging in de overlegstructuur | Governance change",
])
DEFAULT_ACTION_OWNERS = "\n".join([
    "municipality | Gemeente | Municipality",
    "education | Onderwijs | Education",
    "entrepreneurs | Ondernemers | Entrepreneurs",
    "together | Samen | Together",
])
DEFAULT_ACTION_HORIZONS = "\n".join([
    "short | Binnen een jaar | Within a year",
    "medium | Een tot twee jaar | One to two years",
    "long | Langer dan twee jaar | Longer than two years",
])
# The longest code an action column holds.
ACTION_CODE_MAX = 40


@dataclass(frozen=True)
class ActionVocabulary:
    """A consultation's action kinds, owners and horizons (lists of Choice)."""

    kinds: list[Choice]
    owners: list[Choice]
    horizons: list[Choice]

    def codes(self, field_name: str) -> set[str]:
        return {choice.code for choice in getattr(self, field_name + "s")}

    def label(self, field_name: str, code: str, language: str) -> str:
        """The label of ``code``; a code no longer in the list reads as itself."""
        for choice in getattr(self, field_name + "s"):
            if choice.code == code:
                return choice.label(language)
        return code


def default_action_vocabulary() -> ActionVocabulary:
    return ActionVocabulary(parse_choices(DEFAULT_ACTION_KINDS),
                            parse_choices(DEFAULT_ACTION_OWNERS),
                            parse_choices(DEFAULT_ACTION_HORIZONS))


def action_vocabulary(consultation: Consultation) -> ActionVocabulary:
    """The lists ``consultation``'s actions are described with."""
    from consultplatform.plugins import registry

    for _name, found in registry().results("cp_action_vocabulary", only_enabled=False,
                                            consultation=consultation):
        if isinstance(found, ActionVocabulary):
            return found
    return default_action_vocabulary()
