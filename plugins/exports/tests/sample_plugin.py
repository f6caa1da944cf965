"""A test-only plugin offering the sample datasets: one personal, one aggregate."""

from __future__ import annotations

from consultplatform.api import AGGREGATE, PERSONAL, hookimpl

from . import sample


@hookimpl
def cp_export_datasets(consultation):
    return [sample.dataset("sample_people", PERSONAL),
            sample.dataset("sample_counts", AGGREGATE)]
