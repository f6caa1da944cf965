"""Flat memory: 50,000 generated rows (a generator, never a list) through the XLSX
and the Excel CSV writers, with the peak of Python's allocations far below the data's
size. Nothing is timed."""

from __future__ import annotations

import tracemalloc

import pytest

from consultplatform.api import ExportScope
from consultplatform_exports import runner
from consultplatform_exports.catalogue import Offer
from consultplatform_exports.formats import FORMATS

from . import sample

ROWS = 50_000
# The rows as Python objects would take tens of MB (the writers peak at about 0.6 MB);
# bench/export_insights.py measures whole processes at a million rows.
PEAK_LIMIT = 5 * 1024 * 1024


class Sink:
    """A binary stream that only counts: the file itself is not kept."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)


@pytest.mark.parametrize("key", ["xlsx", "csv-excel"])
def test_a_large_export_streams_at_flat_memory(app, key):
    exporter = next(e for e in FORMATS if e.key == key)
    offer = Offer("test", sample.generated(ROWS), ExportScope(), needs_purpose=False)
    seen: list[int] = []
    sink = Sink()
    with app.app_context():
        tracemalloc.start()
        try:
            runner.write_dataset(offer, exporter, sink, "nl",  # type: ignore[arg-type]
                                 progress=seen.append)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert seen[-1] == ROWS
    # Every row reached the file: at least ~50 bytes each (compressed for XLSX).
    assert sink.size > ROWS * (8 if key == "xlsx" else 50)
    assert peak < PEAK_LIMIT, f"{key}: peak {peak / 1e6:.1f} MB"


