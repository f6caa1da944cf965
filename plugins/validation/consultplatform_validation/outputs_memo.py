"""The memo's section "Toetsing van de agenda" (PLACEHOLDER)."""

from __future__ import annotations

from consultplatform.api import Consultation, MemoSection


def memo_sections(consultation: Consultation) -> list[MemoSection]:
    return []
