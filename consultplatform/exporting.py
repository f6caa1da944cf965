"""The one path every export file takes: :func:`export_file`.

Tabular files (CSV, TSV, spreadsheets) are opened by spreadsheet programs, which
run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return before one) as a formula: an insight typed as ``=HYPERLINK(...)`` would
become a link in the alderman's spreadsheet. Such a text cell gets a leading
apostrophe, the spreadsheet convention for "this is text" (OWASP's advice for
CSV injection). Numbers stay numbers; formats that are not tabular (JSON) get
the values as they are.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from consultplatform.contributions import ExportDataset, Exporter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What Dutch Excel opens by a double click: UTF-8 with a byte-order mark, semicolons
# (the Dutch list separator; the comma is the decimal one).
EXCEL_BOM = "\ufeff"
EXCEL_DELIMITER = ";"


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralised_rows(rows: Iterable[Sequence[Any]]) -> Iterator[list[Any]]:
    """The rows, one at a time (datasets stream), every cell neutralised."""
    for row in rows:
        yield [neutralise(value) for value in row]


def safe_for_spreadsheets(dataset: ExportDataset) -> ExportDataset:
    return dataclasses.replace(dataset, columns=[neutralise(c) for c in dataset.columns],
                               rows=neutralised_rows(dataset.rows))


def export_file(exporter: Exporter, dataset: ExportDataset) -> bytes:
    """The file ``exporter`` makes of ``dataset``; the only way the core renders one."""
    if exporter.tabular:
        dataset = safe_for_spreadsheets(dataset)
    return exporter.render(dataset)


def excel_csv_lines(columns: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """A CSV file for Dutch Excel, line by line as ``rows`` come (a download streams
    it): the byte-order mark, the header, then every row, every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=EXCEL_DELIMITER, lineterminator="\r\n")

    def line(values: Sequence[Any]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(["" if value is None else value for value in values])
        return buffer.getvalue()

    yield EXCEL_BOM + line([neutralise(str(column)) for column in columns])
    for row in neutralised_rows(rows):
        yield line(row)
