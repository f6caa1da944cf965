"""XLSX through XlsxWriter in constant-memory mode: each row goes to disk as it
comes. The header row is bold and frozen, cells are typed (numbers, booleans,
datetimes in Amsterdam time, text always as text), column widths follow the
header and the column's kind (constant-memory mode needs them before the rows)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from decimal import Decimal
from typing import Any, BinaryIO

import xlsxwriter
from flask_babel import lazy_gettext as _l

from consultplatform.api import (
    BOOLEAN,
    DATE,
    DATETIME,
    DECIMAL,
    INTEGER,
    LOCAL_DATETIME,
    PSEUDONYM,
    Exporter,
    ExportTable,
    in_amsterdam,
)

OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
           "strings_to_numbers": False, "nan_inf_to_errors": True}
MAX_ROWS = 1_048_576  # Excel's limit per sheet, the header included
SHEET_NAME_MAX = 31
# Width in characters by kind; text columns get the most, up to MAX_WIDTH.
KIND_WIDTHS = {INTEGER: 10, DECIMAL: 12, BOOLEAN: 8, DATE: 11, DATETIME: 17,
               LOCAL_DATETIME: 17, PSEUDONYM: 14}
TEXT_WIDTH = 30
MAX_WIDTH = 60


def width(label: str, kind: str) -> int:
    return min(MAX_WIDTH, max(len(label) + 2, KIND_WIDTHS.get(kind, TEXT_WIDTH)))


def sheet_name(key: str, part: int) -> str:
    """The dataset's key; a second sheet, past Excel's row limit, gets ``_2``."""
    if part == 1:
        return key[:SHEET_NAME_MAX]
    suffix = f"_{part}"
    return key[:SHEET_NAME_MAX - len(suffix)] + suffix


def write_workbook(table: ExportTable, path: str) -> None:
    columns = table.dataset.columns
    kinds = [column.kind for column in columns]
    labels = [str(column.label) for column in columns]
    workbook = xlsxwriter.Workbook(path, OPTIONS)
    bold = workbook.add_format({"bold": True})
    moment = workbook.add_format({"num_format": "dd-mm-yyyy hh:mm"})
    day = workbook.add_format({"num_format": "dd-mm-yyyy"})

    def new_sheet(part: int) -> Any:
        sheet = workbook.add_worksheet(sheet_name(table.dataset.key, part))
        for index, (label, kind) in enumerate(zip(labels, kinds, strict=True)):
            sheet.set_column(index, index, width(label, kind))
        for index, label in enumerate(labels):
            sheet.write_string(0, index, label, bold)
        sheet.freeze_panes(1, 0)
        return sheet

    part, row_number = 1, 0
    sheet = new_sheet(part)
    for row in table.rows:
        row_number += 1
        if row_number == MAX_ROWS:
            part, row_number = part + 1, 1
            sheet = new_sheet(part)
        for index, value in enumerate(row):
            if value is None:
                continue
            if value is True or value is False:
                sheet.write_boolean(row_number, index, value)
            elif isinstance(value, int | float | Decimal):
                sheet.write_number(row_number, index, float(value) if isinstance(
                    value, Decimal) else value)
            elif isinstance(value, dt.datetime):
                local = in_amsterdam(value, kinds[index]).replace(tzinfo=None)
                sheet.write_datetime(row_number, index, local, moment)
            elif isinstance(value, dt.date):
                sheet.write_datetime(row_number, index, value, day)
            else:
                sheet.write_string(row_number, index, str(value))
    if columns:
        sheet.autofilter(0, 0, row_number, len(columns) - 1)
    workbook.close()


def write(table: ExportTable, out: BinaryIO) -> None:
    """XlsxWriter writes to a path: a temporary file (next to ``out`` when that is a
    file, so it lands on the same disk), then copied into ``out``."""
    name = getattr(out, "name", None)
    folder = os.path.dirname(name) if isinstance(name, str) else None
    if not folder or not os.path.isdir(folder):
        folder = None
    handle, path = tempfile.mkstemp(suffix=".xlsx", dir=folder)
    os.close(handle)
    try:
        write_workbook(table, path)
        with open(path, "rb") as made:
            shutil.copyfileobj(made, out)
    finally:
        os.unlink(path)


EXPORTER = Exporter(
    key="xlsx",
    label=_l("Excel workbook (XLSX)"),
    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    extension="xlsx",
    write=write,
    description=_l("One sheet with a frozen header row and typed cells: numbers, dates "
                   "in Amsterdam time, text as text."),
)
