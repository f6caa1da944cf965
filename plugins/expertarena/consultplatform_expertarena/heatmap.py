"""The sector x theme heatmap as SVG text.

Readable without colour: one hue whose lightness alone carries the value (so
it survives greyscale printing), and every cell prints its number in a colour
that contrasts with its fill. The SVG has a <title> and a <desc>; pages show
it next to the same numbers as a data table.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape as _escape
from xml.sax.saxutils import quoteattr

# Light to dark, one blue hue; each step is darker in greyscale than the last.
RAMP = ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5",
        "#08519c", "#08306b"]
CELL_W, CELL_H = 64, 34
FONT = 13
CHAR_W = 7.2  # average width of a character at FONT px, for laying out labels
# Characters XML 1.0 does not allow at all (a theme name typed elsewhere may hold one).
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape(text: str) -> str:
    return _escape(NOT_XML.sub("", text))


def fill_for(value: int, highest: int) -> str:
    """The ramp colour of ``value``; zero is the lightest, ``highest`` the darkest."""
    if value <= 0 or highest <= 0:
        return RAMP[0]
    step = 1 + round((len(RAMP) - 2) * (value - 1) / max(highest - 1, 1))
    return RAMP[min(step, len(RAMP) - 1)]


def ink_for(fill: str) -> str:
    """Black or white text, whichever contrasts more with ``fill``."""
    red, green, blue = (int(fill[i:i + 2], 16) / 255 for i in (1, 3, 5))

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)
    on_white = (luminance + 0.05) / 0.05  # contrast with black text
    on_black = 1.05 / (luminance + 0.05)  # contrast with white text
    return "#000000" if on_white >= on_black else "#ffffff"


def render_heatmap(rows: list[str], columns: list[str], grid: list[list[int]], *,
                   title: str, description: str) -> str:
    """An SVG document: ``rows`` down the left, ``columns`` (slanted) along the top."""
    left = int(max((len(r) for r in rows), default=4) * CHAR_W) + 16
    top = int(max((len(c) for c in columns), default=4) * CHAR_W * 0.72) + 24
    # A slanted label runs up and to the right of its column.
    overhang = int(max((len(c) for c in columns), default=0) * CHAR_W * 0.77)
    width = left + CELL_W * max(len(columns), 1) + max(overhang - CELL_W // 2, 0) + 24
    height = top + CELL_H * max(len(rows), 1) + 12
    highest = max((value for row in grid for value in row), default=0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="heatmap-title heatmap-desc" '
        f'font-family="system-ui, sans-serif" font-size="{FONT}">',
        f'<title id="heatmap-title">{escape(title)}</title>',
        f'<desc id="heatmap-desc">{escape(description)}</desc>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for index, column in enumerate(columns):
        x = left + CELL_W * index + CELL_W / 2
        parts.append(f'<text x="{x:.0f}" y="{top - 8}" transform="rotate(-40 {x:.0f} {top - 8})" '
                     f'fill="#1b1b1b">{escape(column)}</text>')
    for r, row_label in enumerate(rows):
        y = top + CELL_H * r
        parts.append(f'<text x="{left - 8}" y="{y + CELL_H / 2 + FONT / 3:.0f}" '
                     f'text-anchor="end" fill="#1b1b1b">{escape(row_label)}</text>')
        for c, value in enumerate(grid[r] if r < len(grid) else []):
            x = left + CELL_W * c
            fill = fill_for(value, highest)
            parts.append(f'<rect x="{x}" y="{y}" width="{CELL_W}" height="{CELL_H}" '
                         f'fill={quoteattr(fill)} stroke="#6b6b6b" stroke-width="1"/>')
            parts.append(f'<text x="{x + CELL_W / 2:.0f}" y="{y + CELL_H / 2 + FONT / 3:.0f}" '
                         f'text-anchor="middle" fill={quoteattr(ink_for(fill))}>{value}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
