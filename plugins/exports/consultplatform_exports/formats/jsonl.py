"""JSON Lines: one object per row, keyed by column key; numbers as numbers, ISO 8601
times, UTF-8 as it is, ``\\n`` line ends."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

from consultplatform.api import Exporter, ExportTable
from consultplatform_exports.formats.common import ROWS_PER_CHUNK, converted, converters
from consultplatform_exports.formats.csv_plain import iso_of


def chunks(table: ExportTable) -> Iterator[bytes]:
    columns = table.dataset.columns
    keys = [column.key for column in columns]
    kinds = [column.kind for column in columns]

    def number(value: Any) -> Any:
        return float(value) if isinstance(value, Decimal) else value

    # Booleans and whole numbers are JSON's own; times become ISO 8601 text.
    plain = converters(kinds, times=iso_of, decimal=number, boolean=None)
    encode = json.JSONEncoder(ensure_ascii=False, default=str).encode
    lines: list[str] = []
    for row in converted(table.rows, plain):
        lines.append(encode(dict(zip(keys, row, strict=True))))
        if len(lines) == ROWS_PER_CHUNK:
            yield ("\n".join(lines) + "\n").encode("utf-8")
            lines.clear()
    if lines:
        yield ("\n".join(lines) + "\n").encode("utf-8")


EXPORTER = Exporter(
    key="jsonl",
    label=_l("JSON Lines"),
    mimetype="application/jsonl; charset=utf-8",
    extension="jsonl",
    chunks=chunks,
    description=_l("For scripts: one JSON object per line in UTF-8, keyed by column "
                   "key; numbers as numbers, ISO 8601 times with their Amsterdam offset."),
)
