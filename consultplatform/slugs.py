"""Web addresses (slugs) made from titles: "Ondernemersagenda Noordoostpolder 2027"
becomes ``ondernemersagenda-noordoostpolder-2027``."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

MAX_LENGTH = 80


def slugify(text: str, max_length: int = MAX_LENGTH) -> str:
    """Lower-case ASCII letters, digits and single hyphens; accents dropped (é -> e)."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def unique_slug(text: str, taken: Callable[[str], bool], fallback: str = "traject") -> str:
    """``slugify(text)``, with -2, -3 ... added while ``taken`` says the address is in use."""
    base = slugify(text) or fallback
    candidate, number = base, 1
    while taken(candidate):
        number += 1
        suffix = f"-{number}"
        candidate = base[:MAX_LENGTH - len(suffix)].rstrip("-") + suffix
    return candidate
