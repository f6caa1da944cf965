"""The results as SVG: per item one stacked bar per group (overall first), a segment
per verdict, its share written in it where it fits, and a legend. Inline on the
results page (``role="img"`` with a title and a description; the table beside it
is the long description) and as a file to download. Pure: results in, text out;
every text escaped."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from consultplatform_validation.models import VERDICTS

# Fill and text colour per verdict: the text has a contrast of at least 4.5:1 on
# its fill, and the fills differ in lightness as well as hue.
COLOURS = {"agree": ("#1b5e20", "#ffffff"), "agree_changes": ("#a5d6a7", "#000000"),
           "disagree": ("#b71c1c", "#ffffff"), "no_opinion": ("#d6d6d6", "#000000")}
WIDTH, LABEL_WIDTH, BAR_WIDTH = 800, 250, 490
ROW, GAP, LEGEND = 26, 8, 34
FONT = "Arial, Helvetica, sans-serif"
LABEL_MAX = 34
# A segment narrower than this (in pixels) carries no text.
TEXT_MIN = 34


def _short(text: str, limit: int = LABEL_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pct(n: int, total: int) -> str:
    return f"{round(100 * n / total)}%"


def _legend(labels: Mapping[str, str], y: int) -> list[str]:
    parts, x = [], 0
    for code in VERDICTS:
        fill, _text = COLOURS[code]
        label = _short(labels.get(code, code), 28)
        parts.append(f'<rect x="{x}" y="{y}" width="14" height="14" fill="{fill}" '
                     f'stroke="#333333" stroke-width="0.5"/>'
                     f'<text x="{x + 20}" y="{y + 12}" font-size="13" fill="#1b1b1b">'
                     f'{escape(label)}</text>')
        x += 30 + 7 * len(label)
    return parts


def _bar(label: str, counts: Mapping[str, int], total: int, y: int,
         empty: str) -> list[str]:
    parts = [f'<text x="{LABEL_WIDTH - 8}" y="{y + 17}" font-size="13" text-anchor="end" '
             f'fill="#1b1b1b">{escape(_short(label))}</text>']
    if not total:
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{BAR_WIDTH}" height="{ROW}" '
                     f'fill="#ffffff" stroke="#595959"/>'
                     f'<text x="{LABEL_WIDTH + 8}" y="{y + 17}" font-size="12" '
                     f'fill="#1b1b1b">{escape(empty)}</text>')
        return parts
    x = float(LABEL_WIDTH)
    for code in VERDICTS:
        n = counts.get(code, 0)
        if not n:
            continue
        width = BAR_WIDTH * n / total
        fill, ink = COLOURS[code]
        parts.append(f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{ROW}" '
                     f'fill="{fill}" stroke="#ffffff" stroke-width="1"/>')
        if width >= TEXT_MIN:
            parts.append(f'<text x="{x + width / 2:.1f}" y="{y + 17}" font-size="12" '
                         f'text-anchor="middle" fill="{ink}">{_pct(n, total)}</text>')
        x += width
    parts.append(f'<text x="{LABEL_WIDTH + BAR_WIDTH + 6}" y="{y + 17}" font-size="12" '
                 f'fill="#1b1b1b">n={total}</text>')
    return parts


def rows_of(item: Mapping[str, Any], overall: str,
            group_label: Callable[[Mapping[str, Any]], str]) -> list[tuple[str, Mapping]]:
    """(label, stats) per bar: overall first, then the shown groups."""
    return [(overall, item["overall"])] + [(group_label(g), g) for g in item["groups"]]


def describe(rows: Sequence[tuple[str, Mapping]], labels: Mapping[str, str],
             empty: str) -> str:
    """The chart in words: per bar the share of each verdict given."""
    lines = []
    for label, row in rows:
        total = row["total"]
        if not total:
            lines.append(f"{label}: {empty}")
            continue
        shares = ", ".join(f"{labels.get(code, code)} {_pct(row['counts'][code], total)}"
                           for code in VERDICTS if row["counts"].get(code))
        lines.append(f"{label} (n={total}): {shares}")
    return "; ".join(lines) + "."


def _body(rows: Sequence[tuple[str, Mapping]], labels: Mapping[str, str], top: int,
          empty: str) -> tuple[list[str], int]:
    parts = _legend(labels, top)
    y = top + LEGEND
    for label, row in rows:
        parts += _bar(label, row["counts"], row["total"], y, empty)
        y += ROW + GAP
    return parts, y


def inline_chart(rows: Sequence[tuple[str, Mapping]], labels: Mapping[str, str], *,
                 ident: str, title: str, details: str, empty: str) -> Markup:
    """The chart for the page: an image with its title and description; ``details``
    is the id of the table that holds its figures (the long description)."""
    parts, height = _body(rows, labels, 4, empty)
    return Markup(  # noqa: S704 - every text above is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="img-fluid" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'font-family="{FONT}" aria-labelledby="{ident}-title" '
        f'aria-describedby="{ident}-desc" aria-details="{escape(details)}">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(describe(rows, labels, empty))}</desc>'
        + "".join(parts) + "</svg>")


def chart_file(sections: Sequence[tuple[str, Sequence[tuple[str, Mapping]]]],
               labels: Mapping[str, str], *, title: str, empty: str) -> str:
    """One SVG file with every item's chart under its title (the download)."""
    parts = [f'<text x="0" y="22" font-size="18" font-weight="bold" fill="#1b1b1b">'
             f'{escape(title)}</text>']
    y = 44
    descriptions = []
    for heading, rows in sections:
        parts.append(f'<text x="0" y="{y + 16}" font-size="15" font-weight="bold" '
                     f'fill="#1b1b1b">{escape(_short(heading, 90))}</text>')
        body, y = _body(rows, labels, y + 26, empty)
        parts += body
        y += 16
        descriptions.append(f"{heading}: {describe(rows, labels, empty)}")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" '
            f'height="{y}" viewBox="0 0 {WIDTH} {y}" font-family="{FONT}">'
            f'<title>{escape(title)}</title><desc>{escape(" ".join(descriptions))}</desc>'
            f'<rect x="0" y="0" width="{WIDTH}" height="{y}" fill="#ffffff"/>'
            + "".join(parts) + "</svg>\n")
