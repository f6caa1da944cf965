"""CSV that Dutch Excel opens by a double click: UTF-8 with a byte-order mark,
semicolons, CRLF, labels in the exporter's language as the header, dates as
``dd-mm-jjjj uu:mm`` in Amsterdam time, a decimal comma, booleans as ja/nee
(yes/no in English)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consultplatform.api import EXCEL_BOM, EXCEL_DELIMITER, Exporter, ExportTable, in_amsterdam
from consultplatform_exports.formats.common import Converter, converters, csv_chunks

DATETIME_FORMAT = "%d-%m-%Y %H:%M"
DATE_FORMAT = "%d-%m-%Y"


def number(value: float | Decimal) -> str:
    text = format(value, "f") if isinstance(value, Decimal) else repr(value)
    return text.replace(".", ",")


def moment_of(kind: str) -> Converter:
    def moment(value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return in_amsterdam(value, kind).strftime(DATETIME_FORMAT)
        if isinstance(value, dt.date):
            return value.strftime(DATE_FORMAT)
        return value

    return moment


def decimal(value: Any) -> Any:
    return number(value) if isinstance(value, float | Decimal) else value


def chunks(table: ExportTable) -> Iterator[bytes]:
    columns = table.dataset.columns
    yes, no = _("yes"), _("no")
    header = [str(column.label) for column in columns]
    return csv_chunks(header, table.rows,
                      converters([c.kind for c in columns], times=moment_of, decimal=decimal,
                                 boolean=lambda value: yes if value else no),
                      delimiter=EXCEL_DELIMITER, prefix=EXCEL_BOM)


EXPORTER = Exporter(
    key="csv-excel",
    label=_l("CSV for Excel"),
    mimetype="text/csv; charset=utf-8",
    extension="csv",
    chunks=chunks,
    description=_l("Opens in Dutch Excel by a double click: UTF-8 with a byte-order mark, "
                   "semicolons between columns, a decimal comma, dates as dd-mm-yyyy "
                   "hh:mm in Amsterdam time, yes and no written out."),
)
