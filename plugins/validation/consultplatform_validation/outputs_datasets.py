"""The validation's export datasets (PLACEHOLDER)."""

from __future__ import annotations

from consultplatform.api import Consultation, ExportDataset


def export_datasets(consultation: Consultation) -> list[ExportDataset]:
    return []
