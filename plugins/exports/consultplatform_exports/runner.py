"""Writing one export: the one path the page, the worker and the CLI all take.

Rows go from the dataset through the shared writer (``export_table``: formulas
neutralised, ids pseudonymised under a key made for this export) to the format,
one at a time. ``progress(rows_done)`` is called every ``PROGRESS_EVERY`` rows
and at the end. Column labels are written in ``language`` (``force_locale``), so
a file made by the worker reads like one downloaded from the page.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from flask_babel import force_locale

from consultplatform.api import Consultation, Exporter, ExportTable, export_table, now_local
from consultplatform_exports.catalogue import Offer

PROGRESS_EVERY = 1000
Progress = Callable[[int], Any]


def counting(rows: Iterator[list[Any]], progress: Progress | None) -> Iterator[list[Any]]:
    """``rows`` unchanged, telling ``progress`` how many have passed."""
    done = 0
    for row in rows:
        yield row
        done += 1
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
    if progress is not None:
        progress(done)


def table_for(offer: Offer, language: str, *, pseudonym_key: bytes | None = None,
              progress: Progress | None = None) -> ExportTable:
    table = export_table(offer.dataset, offer.scope, language, pseudonym_key=pseudonym_key)
    table.rows = counting(table.rows, progress)
    return table


def write_dataset(offer: Offer, exporter: Exporter, out: BinaryIO, language: str, *,
                  progress: Progress | None = None) -> None:
    """The file of one dataset in one format, written to ``out``."""
    with force_locale(language):
        exporter.write_file(table_for(offer, language, progress=progress), out)


def dataset_chunks(offer: Offer, exporter: Exporter, language: str) -> Iterator[bytes]:
    """The file of one dataset in a streaming format, piece by piece (a download)."""
    assert exporter.chunks is not None
    with force_locale(language):
        yield from exporter.chunks(table_for(offer, language))


def file_name(consultation: Consultation, what: str, extension: str) -> str:
    """``<consultation>-<dataset>-<yyyy-mm-dd>.<ext>``: ASCII only (slugs and keys are)."""
    return f"{consultation.slug}-{what}-{now_local().date().isoformat()}.{extension}"


def remove_file(path: str) -> None:
    """Delete an unfinished or expired export file, if it is there."""
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)
