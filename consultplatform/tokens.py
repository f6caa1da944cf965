"""Comparing secrets from URLs (invitation links) in constant time."""

from __future__ import annotations

import hmac


def same_token(given: str | None, expected: str | None) -> bool:
    """True when ``given`` equals the stored token ``expected`` (both non-empty).

    Compared as UTF-8 bytes: ``hmac.compare_digest`` refuses non-ASCII text with a
    TypeError, and a visitor can put anything in a query string.
    """
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"),
                               expected.encode("utf-8", "surrogatepass"))
