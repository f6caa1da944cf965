"""Placeholder: the workshops' export datasets and memo section."""

from __future__ import annotations

from typing import Any


def export_datasets(consultation: Any) -> list:
    return []


def memo_sections(consultation: Any) -> list:
    return []
