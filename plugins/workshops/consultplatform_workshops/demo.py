"""Placeholder: the workshops' demo data."""

from __future__ import annotations

from typing import Any


def load(consultation: Any) -> dict[str, int] | None:
    return None
