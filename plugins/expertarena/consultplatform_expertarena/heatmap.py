"""The sector x theme heatmap as SVG text.

Readable without colour: one hue whose lightness alone carries the value (so
it survives greyscale printing), and every cell prints its number in a colour
that contrasts with its fill. The SVG has a <title> and a <desc>; pages show
it next to the same numbers as a data table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.sax.saxutils import escape as _escape
from xml.sax.saxutils import quoteattr

# Light to dark, one blue hue; each step is darker in greyscale than the last.
RAMP = ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5",
        "#08519c", "#08306b"]
CELL_W, CELL_H = 64, 34
FONT = 13
LEGEND_W, LEGEND_H = 300, 44
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


@dataclass(frozen=True)
class HeatmapText:
    """What the image says besides its cells, drawn into it (a downloaded picture
    travels without the page): heading, legend words, source and date line."""

    title: str
    description: str
    heading: str = ""
    legend_low: str = ""
    legend_high: str = ""
    source: str = ""


def render_heatmap(rows: list[str], columns: list[str], grid: list[list[int]], *,
                   text: HeatmapText, suffix: str = "", highest: int | None = None) -> str:
    """An SVG document: a heading, ``rows`` down the left, ``columns`` (slanted) along
    the top, a legend and the source line below. ``suffix`` follows every number
    ("%" for shares); ``highest`` is the value of the darkest colour (the largest
    value when None)."""
    left = int(max((len(r) for r in rows), default=4) * CHAR_W) + 16
    heading_h = 30 if text.heading else 0
    top = heading_h + int(max((len(c) for c in columns), default=4) * CHAR_W * 0.72) + 24
    # A slanted label runs up and to the right of its column.
    overhang = int(max((len(c) for c in columns), default=0) * CHAR_W * 0.77)
    body_w = left + CELL_W * max(len(columns), 1) + max(overhang - CELL_W // 2, 0) + 24
    footer_h = (LEGEND_H if text.legend_low or text.legend_high else 0) + (24 if text.source else 0)
    width = max(body_w, int(len(text.heading) * CHAR_W * 1.15) + 24,
                int(len(text.source) * CHAR_W * 0.9) + 24, 2 * LEGEND_W)
    height = top + CELL_H * max(len(rows), 1) + 12 + footer_h
    if highest is None:
        highest = max((value for row in grid for value in row), default=0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="heatmap-title heatmap-desc" '
        f'font-family="DejaVu Sans, system-ui, sans-serif" font-size="{FONT}">',
        f'<title id="heatmap-title">{escape(text.title)}</title>',
        f'<desc id="heatmap-desc">{escape(text.description)}</desc>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    if text.heading:
        parts.append(f'<text x="12" y="22" font-size="{FONT + 3}" font-weight="bold" '
                     f'fill="#1b1b1b">{escape(text.heading)}</text>')
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
                         f'text-anchor="middle" fill={quoteattr(ink_for(fill))}>'
                         f'{value}{escape(suffix)}</text>')
    y = top + CELL_H * max(len(rows), 1) + 12
    if text.legend_low or text.legend_high:
        parts.extend(_legend(12, y, text, highest, suffix))
        y += LEGEND_H
    if text.source:
        parts.append(f'<text x="12" y="{y + 14}" font-size="{FONT - 1}" fill="#3d3d3d">'
                     f'{escape(text.source)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _legend(x: int, y: int, text: HeatmapText, highest: int, suffix: str) -> list[str]:
    """The colour scale from light (low) to dark (high), with its end values."""
    step = LEGEND_W / len(RAMP)
    parts = [f'<text x="{x}" y="{y + 12}" fill="#1b1b1b">{escape(text.legend_low)} '
             f'(0{escape(suffix)})</text>']
    for index, colour in enumerate(RAMP):
        parts.append(f'<rect x="{x + index * step:.0f}" y="{y + 18}" width="{step:.0f}" '
                     f'height="14" fill="{colour}" stroke="#6b6b6b" stroke-width="0.5"/>')
    parts.append(f'<text x="{x + LEGEND_W}" y="{y + 12}" text-anchor="end" fill="#1b1b1b">'
                 f'{escape(text.legend_high)} ({highest}{escape(suffix)})</text>')
    return parts


def svg_to_png(svg: str, scale: float = 2.0) -> bytes:
    """The same picture as PNG (twice the size, sharp in a document or on a slide)."""
    import cairosvg

    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale, unsafe=False)
