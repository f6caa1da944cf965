"""What typed text may contain: no invisible control characters, no characters
that turn the reading direction round. Shared by every form, public and staff.

A name with a line break would put the sender's own lines into a mail to
someone else; U+202E makes "gpj.exe" read as "exe.jpg"; NUL is refused by
PostgreSQL and cut short by C code. Multi-line text keeps tabs and line breaks.
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL; the bidirectional embeddings, overrides and isolates;
# the Unicode line and paragraph separators.
_SINGLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_MULTI_LINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def unsafe_in_line(value: str) -> bool:
    """Does a one-line value (a name, an address, a title) hold a character it must not?"""
    return bool(_SINGLE_LINE.search(value))


def unsafe_in_text(value: str) -> bool:
    """Does multi-line text hold a character it must not (tabs and line breaks are fine)?"""
    return bool(_MULTI_LINE.search(value))


def has_control_characters(value: str) -> bool:
    """Any control or direction character at all (for redirect targets and headers)."""
    return unsafe_in_line(value)
