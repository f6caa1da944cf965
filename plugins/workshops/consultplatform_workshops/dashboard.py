"""Placeholder: the workshops' step on the consultation's dashboard."""

from __future__ import annotations

from typing import Any


def workshops_steps(consultation: Any) -> list:
    return []
