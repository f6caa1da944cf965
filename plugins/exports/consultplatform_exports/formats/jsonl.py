"""JSON Lines: one object per row, keyed by column key; numbers as numbers, ISO 8601
times, UTF-8 as it is, ``\\n`` line ends."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

from consultplatform.api import Exporter, ExportTable
from consultplatform_exports.formats.common import ROWS_PER_CHUNK
from consultplatform_exports.formats.csv_plain import iso


def chunks(table: ExportTable) -> Iterator[bytes]:
    columns = table.dataset.columns
    keys = [column.key for column in columns]
    kinds = [column.kind for column in columns]

    def plain(index: int, value: Any) -> Any:
        if isinstance(value, dt.date):
            return iso(value, kinds[index])
        if isinstance(value, Decimal):
            return float(value)
        return value

    lines: list[str] = []
    for row in table.rows:
        record = {keys[i]: plain(i, value) for i, value in enumerate(row)}
        lines.append(json.dumps(record, ensure_ascii=False, default=str))
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
