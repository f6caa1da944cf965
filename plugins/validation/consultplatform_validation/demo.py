"""The validation's demo (PLACEHOLDER)."""

from __future__ import annotations

from consultplatform.api import Consultation


def load(consultation: Consultation) -> dict[str, int] | None:
    return None
