"""Default theme colours: the Okabe-Ito palette (Okabe & Ito, "Color Universal
Design", 2008), whose eight colours stay distinct with every common kind of colour
blindness. A new theme gets the first colour its consultation does not use yet."""

from __future__ import annotations

from collections.abc import Iterable

# Ordered so that neighbours differ most in lightness as well as hue.
THEME_PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
                 "#F0E442", "#000000")


def next_theme_colour(used: Iterable[str]) -> str:
    """The first palette colour not in ``used``; when all are taken, the palette
    starts again (the least used colour first)."""
    counts = {colour: 0 for colour in THEME_PALETTE}
    for colour in used:
        key = (colour or "").upper()
        if key in counts:
            counts[key] += 1
    return min(THEME_PALETTE, key=lambda colour: counts[colour])
