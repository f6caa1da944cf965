"""A test-only plugin offering the sample datasets: one personal, one aggregate; in a
consultation with the slug ``broken`` also one whose reading fails half-way."""

from __future__ import annotations

from collections.abc import Iterator

from consultplatform.api import AGGREGATE, PERSONAL, DatasetColumn, ExportDataset, hookimpl

from . import sample


def failing_rows(scope) -> Iterator[list[int]]:
    yield [1]
    raise RuntimeError("the database went away")


@hookimpl
def cp_export_datasets(consultation):
    datasets = [sample.dataset("sample_people", PERSONAL),
                sample.dataset("sample_counts", AGGREGATE)]
    if consultation.slug == "broken":
        datasets.append(ExportDataset(key="sample_broken", label="Kapot",
                                      columns=[DatasetColumn("n", "N", kind="integer")],
                                      rows=failing_rows, count=lambda scope: 2))
    return datasets
