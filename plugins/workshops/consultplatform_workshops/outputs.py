"""What the workshops contribute to exports and to the council memo: the datasets
live in outputs_datasets, the memo section in outputs_memo. Both only for a
consultation that uses the workshop format."""

from __future__ import annotations

from consultplatform.api import Consultation, ExportDataset, MemoSection
from consultplatform_workshops import outputs_datasets, outputs_memo
from consultplatform_workshops.workshops import uses_workshops


def export_datasets(consultation: Consultation) -> list[ExportDataset]:
    if not uses_workshops(consultation):
        return []
    return outputs_datasets.datasets(consultation)


def memo_sections(consultation: Consultation) -> list[MemoSection]:
    return outputs_memo.memo_sections(consultation)
