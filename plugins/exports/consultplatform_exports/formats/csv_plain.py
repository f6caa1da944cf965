"""CSV for data tools (RFC 4180): commas, UTF-8 without a byte-order mark, CRLF,
column keys as the header, ISO 8601 times with their Amsterdam offset, a decimal
point, booleans as true/false."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

from consultplatform.api import Exporter, ExportTable, in_amsterdam
from consultplatform_exports.formats.common import Converter, converters, csv_chunks


def iso(value: dt.datetime | dt.date, kind: str) -> str:
    """ISO 8601: a date as ``yyyy-mm-dd``, a time to the second with its offset."""
    if isinstance(value, dt.datetime):
        return in_amsterdam(value, kind).isoformat(timespec="seconds")
    return value.isoformat()


def iso_of(kind: str) -> Converter:
    return lambda value: iso(value, kind) if isinstance(value, dt.date) else value


def decimal(value: Any) -> Any:
    return format(value, "f") if isinstance(value, Decimal) else value


def boolean(value: Any) -> str:
    return "true" if value else "false"


def chunks(table: ExportTable) -> Iterator[bytes]:
    columns = table.dataset.columns
    header = [column.key for column in columns]
    return csv_chunks(header, table.rows,
                      converters([c.kind for c in columns], times=iso_of, decimal=decimal,
                                 boolean=boolean), delimiter=",")


EXPORTER = Exporter(
    key="csv",
    label=_l("CSV (UTF-8, comma)"),
    mimetype="text/csv; charset=utf-8",
    extension="csv",
    chunks=chunks,
    description=_l("For data tools (RFC 4180): UTF-8 without a byte-order mark, commas "
                   "between columns, column keys as the header, ISO 8601 times with "
                   "their Amsterdam offset, a decimal point, true and false."),
)
