"""What the text formats share: rows turned into lines, sent in chunks."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from consultplatform.api import BOOLEAN, DATE, DATETIME, DECIMAL, LOCAL_DATETIME

# Rows per chunk: a download sends a few kilobytes at a time, not one write per row.
ROWS_PER_CHUNK = 500
# A column's value as a format writes it; None: as it comes (text, whole numbers,
# pseudonyms: the csv module writes them, and None as an empty cell).
Converter = Callable[[Any], Any] | None
TIME_KINDS = (DATE, DATETIME, LOCAL_DATETIME)


def converters(kinds: Sequence[str], *, times: Callable[[str], Converter],
               decimal: Converter, boolean: Converter) -> list[Converter]:
    """One converter per column, chosen once by the column's kind, so a row costs
    a call only for the values that need one (a million rows: speed)."""
    chosen: list[Converter] = []
    for kind in kinds:
        if kind in TIME_KINDS:
            chosen.append(times(kind))
        elif kind == DECIMAL:
            chosen.append(decimal)
        elif kind == BOOLEAN:
            chosen.append(boolean)
        else:
            chosen.append(None)
    return chosen


def converted(rows: Iterable[list[Any]], converters: Sequence[Converter]) -> Iterator[list[Any]]:
    """``rows`` (lists the shared writer made for this export) with their values
    converted in place; empty values stay ``None``."""
    active = [(index, convert) for index, convert in enumerate(converters)
              if convert is not None]
    if not active:
        yield from rows
        return
    for row in rows:
        for index, convert in active:
            value = row[index]
            if value is not None:
                row[index] = convert(value)
        yield row


def csv_chunks(header: Sequence[str], rows: Iterable[list[Any]],
               columns: Sequence[Converter], *, delimiter: str,
               prefix: str = "") -> Iterator[bytes]:
    """A CSV file (CRLF line ends, minimal quoting) in UTF-8 chunks of
    ``ROWS_PER_CHUNK`` rows; ``columns``: each column's converter."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    buffer.write(prefix)
    writer.writerow(header)
    pending = 0
    writerow = writer.writerow
    for row in converted(rows, columns):
        writerow(row)
        pending += 1
        if pending == ROWS_PER_CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode("utf-8")
