"""The audit trail of personal data leaving the platform."""

from __future__ import annotations

from typing import Any

from consultplatform.api import Consultation, audit, write_transaction


def record_download(consultation: Consultation, dataset_key: str, format_key: str,
                    purpose: str, rows: int, *, actor: Any = None) -> None:
    """One audit row for an export of a personal dataset: which, in which format, why,
    how many rows; ``actor`` the staff member (``None``: the logged-in user, or nobody
    on the command line)."""
    with write_transaction():
        audit.record("export.download", consultation, actor_user=actor,
                     details={"dataset": dataset_key, "format": format_key,
                              "purpose": purpose, "rows": rows})
