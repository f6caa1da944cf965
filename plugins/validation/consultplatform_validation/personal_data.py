"""A voter's ballots as personal data (PLACEHOLDER)."""

from __future__ import annotations

from consultplatform.api import PersonalDataHolder


def holders() -> list[PersonalDataHolder]:
    return []
