"""What the text formats share: rows turned into lines, sent in chunks."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

# Rows per chunk: a download sends a few kilobytes at a time, not one write per row.
ROWS_PER_CHUNK = 500


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Any]],
               cell: Callable[[int, Any], str], *, delimiter: str,
               prefix: str = "") -> Iterator[bytes]:
    """A CSV file (CRLF line ends, minimal quoting) in UTF-8 chunks of
    ``ROWS_PER_CHUNK`` rows; ``cell(column_index, value)`` writes one value."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    buffer.write(prefix)
    writer.writerow(header)
    pending = 0
    for row in rows:
        writer.writerow([cell(i, value) for i, value in enumerate(row)])
        pending += 1
        if pending == ROWS_PER_CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode("utf-8")
