"""The shared writer every export file goes through, and helpers for datasets.

:func:`export_table` makes a dataset's rows safe before any format sees them:

- Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@``
  (or a tab or carriage return) as a formula: an insight typed as
  ``=HYPERLINK(...)`` would become a link in the alderman's spreadsheet. Such a
  text cell gets a leading apostrophe, the spreadsheet convention for "this is
  text" (OWASP's advice for CSV injection), in every format, JSON Lines
  included (it is read into spreadsheets too). Numbers stay numbers.
- A ``PSEUDONYM`` column's internal ids become random pseudonyms: an HMAC under a
  key made for this one export, so two exports cannot be joined on them.

:func:`keyset_rows` reads a query page by page in key order, so a dataset of a
million rows never holds more than one page in memory, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from peewee import Field, Query

from consultplatform.contributions import (
    DATETIME,
    LOCAL_DATETIME,
    PSEUDONYM,
    ExportDataset,
    ExportScope,
    ExportTable,
)
from consultplatform.timezone import AMSTERDAM

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_FIRST_CHARACTERS = frozenset(FORMULA_STARTS)
# What Dutch Excel opens by a double click: UTF-8 with a byte-order mark, semicolons
# (the Dutch list separator; the comma is the decimal one).
EXCEL_BOM = "\ufeff"
EXCEL_DELIMITER = ";"
PAGE_SIZE = 2000
PSEUDONYM_LENGTH = 12  # hex digits: 48 bits, no collision among a consultation's rows


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralised_rows(rows: Iterable[Sequence[Any]]) -> Iterator[list[Any]]:
    """The rows, one at a time (datasets stream), every cell neutralised."""
    for row in rows:
        yield [neutralise(value) for value in row]


def pseudonymiser(key: bytes | None = None) -> Callable[[Any], str | None]:
    """A function from internal id to pseudonym, under ``key`` (random when not given)."""
    secret = key or secrets.token_bytes(32)

    def pseudonym(value: Any) -> str | None:
        if value is None:
            return None
        digest = hmac.new(secret, str(value).encode(), hashlib.sha256).hexdigest()
        return digest[:PSEUDONYM_LENGTH]

    return pseudonym


def export_table(dataset: ExportDataset, scope: ExportScope, language: str, *,
                 pseudonym_key: bytes | None = None) -> ExportTable:
    """The dataset's rows for ``scope``, made safe, ready for any exporter."""
    ids = [i for i, column in enumerate(dataset.columns) if column.kind == PSEUDONYM]
    pseudonym = pseudonymiser(pseudonym_key)
    starts = FORMULA_FIRST_CHARACTERS

    def safe_rows() -> Iterator[list[Any]]:
        # Every text value is checked, whatever its column's declared kind: a kind
        # declared wrongly must not let a formula through. One comprehension per row
        # (a million rows: this loop is the export's hot path).
        for source in dataset.rows(scope):
            row = ["'" + value if isinstance(value, str) and value[:1] in starts else value
                   for value in source]
            for i in ids:
                row[i] = pseudonym(source[i])
            yield row

    return ExportTable(dataset=dataset, rows=safe_rows(), language=language)


def in_amsterdam(value: dt.datetime, kind: str) -> dt.datetime:
    """A timestamp of a ``DATETIME`` (naive UTC or aware) or ``LOCAL_DATETIME``
    (naive Amsterdam wall-clock) column as an aware Amsterdam time."""
    if kind == LOCAL_DATETIME or (kind != DATETIME and value.tzinfo is None):
        return value.replace(tzinfo=AMSTERDAM)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(AMSTERDAM)


def keyset_pages(query: Query, key: Field, page_size: int = PAGE_SIZE,
                 key_index: int = 0, *, raw: bool = False) -> Iterator[list[tuple]]:
    """The rows of ``query`` (a ``.tuples()`` select) as pages in ``key`` order: each
    page is one query starting after the last key seen, so memory stays at one page
    and no long transaction holds a cursor open. The key's value must be the row's
    ``key_index``-th value and unique (a primary key).

    ``raw``: the rows as the database driver returns them, without peewee's row
    objects and per-value conversion (a third of the time at a million rows); then
    SQLite gives timestamps as text (``datetime.fromisoformat`` reads them)."""
    last = None
    while True:
        page_query = query.clone()
        if last is not None:
            page_query = page_query.where(key > last)
        page_query = page_query.order_by(key).limit(page_size)
        page = (page_query.model._meta.database.execute(page_query).fetchall() if raw
                else list(page_query))
        if page:
            yield page
        if len(page) < page_size:
            return
        last = page[-1][key_index]


def keyset_rows(query: Query, key: Field, page_size: int = PAGE_SIZE,
                key_index: int = 0, *, raw: bool = False) -> Iterator[tuple]:
    """The rows of :func:`keyset_pages`, one by one."""
    for page in keyset_pages(query, key, page_size, key_index, raw=raw):
        yield from page


def counted(rows: Callable[[ExportScope], Iterable[Sequence[Any]]]) -> Callable[[ExportScope], int]:
    """A ``count`` for a small aggregate dataset: its rows, counted (a few queries)."""
    return lambda scope: sum(1 for _ in rows(scope))


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
