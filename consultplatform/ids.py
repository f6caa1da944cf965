"""Ids from requests: what can be a primary key, checked before any query."""

from __future__ import annotations

from typing import Any

MAX_ID = 2**63 - 1


def parse_id(raw: Any) -> int | None:
    """A primary key from the query string, or ``None`` when it cannot be one.

    Only ASCII digits: ``str.isdigit`` also accepts "²" (which ``int`` refuses)
    and other scripts' digits, and ``int`` accepts signs, spaces and underscores.
    """
    if isinstance(raw, str) and 0 < len(raw) <= 19 and raw.isascii() and raw.isdigit() \
            and int(raw) <= MAX_ID:
        return int(raw)
    return None
