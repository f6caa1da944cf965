"""The public "what we did with your input" page's block and cache watch (PLACEHOLDER)."""

from __future__ import annotations

from consultplatform.api import Consultation, ContentWatch, PublicBlock


def public_blocks(consultation: Consultation) -> list[PublicBlock]:
    return []


def content_watches() -> list[ContentWatch]:
    return []
