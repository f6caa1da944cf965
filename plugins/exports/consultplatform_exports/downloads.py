"""Downloads from the export page: what the page lists, which file a person may have,
and for personal data the stated purpose and its audit row.

The background jobs (views/jobs.py) reuse :data:`PURPOSES`, :func:`purpose_problem`
and :func:`record_download`, so a personal XLSX or ZIP is asked and logged the same
way as a streamed CSV.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consultplatform.api import (
    AGGREGATE,
    PERSONAL,
    PSEUDONYMOUS,
    Consultation,
    Exporter,
    audit,
    write_transaction,
)
from consultplatform_exports.catalogue import Offer, datasets_of, exporters, offer_for, offers
from consultplatform_exports.runner import dataset_chunks, file_name

AUDIT_ACTION = "export.download"
PURPOSE_OTHER = "other"
PURPOSE_TEXT_MAX = 500
# Why personal data leaves the platform (GDPR art. 5(1)(b), purpose limitation): the
# choice is stored in the audit row by its key, the label is what the admin reads.
PURPOSES: tuple[tuple[str, Any], ...] = (
    ("invitations", _l("Sending invitations or information to participants")),
    ("attendance", _l("Attendance and seat management")),
    ("accountability", _l("Accountability or research by the municipality")),
    ("data_subject_request", _l("Answering a request from the person concerned (GDPR)")),
    (PURPOSE_OTHER, _l("Other")),
)
SENSITIVITY_LABELS: dict[str, Any] = {
    AGGREGATE: _l("Aggregates"),
    PSEUDONYMOUS: _l("Pseudonymous, no names"),
    PERSONAL: _l("Personal data"),
}


class DownloadNotFoundError(LookupError):
    """No such consultation, dataset or (streaming) format: a 404."""


class DownloadRefusedError(PermissionError):
    """The dataset exists but is not offered to this person: a 403."""


class PurposeError(ValueError):
    """A download of personal data without a valid purpose; ``args[0]`` says why."""


@dataclass(frozen=True)
class DatasetRow:
    """One line of the export page: a dataset offered, its row count and formats."""

    offer: Offer
    count: int
    formats: list[Exporter]

    @property
    def key(self) -> str:
        return self.offer.key

    @property
    def sensitivity(self) -> Any:
        return SENSITIVITY_LABELS.get(self.offer.dataset.sensitivity,
                                      self.offer.dataset.sensitivity)


@dataclass(frozen=True)
class Download:
    consultation: Consultation
    offer: Offer
    exporter: Exporter

    @property
    def file_name(self) -> str:
        return file_name(self.consultation, self.offer.key, self.exporter.extension)

    def rows(self) -> int:
        return self.offer.dataset.count(self.offer.scope)

    def chunks(self, language: str) -> Iterator[bytes]:
        return dataset_chunks(self.offer, self.exporter, language)


def streaming_formats() -> list[Exporter]:
    return [exporter for exporter in exporters().values() if exporter.streams]


def listing(consultation: Consultation, staff: Any) -> list[DatasetRow]:
    """Every dataset ``staff`` may export from ``consultation``, counted: a fixed
    number of statements per dataset, whatever the number of rows."""
    formats = streaming_formats()
    return [DatasetRow(offer, offer.dataset.count(offer.scope), formats)
            for offer in offers(consultation, staff)]


def find_download(consultation_id: int, key: str, format_key: str, staff: Any) -> Download:
    """The file ``staff`` asks for. Raises :class:`DownloadNotFoundError` for what does not
    exist (a non-streaming format too) and :class:`DownloadRefusedError` for
    a dataset that exists but is not offered to them."""
    consultation = Consultation.get_or_none(Consultation.id == consultation_id)
    exporter = exporters().get(format_key)
    if consultation is None or exporter is None or not exporter.streams:
        raise DownloadNotFoundError(key)
    offer = offer_for(consultation, key, staff)
    if offer is not None:
        return Download(consultation, offer, exporter)
    if any(dataset.key == key for _plugin, dataset in datasets_of(consultation)):
        raise DownloadRefusedError(key)
    raise DownloadNotFoundError(key)


def purpose_problem(purpose: str | None, text: str | None) -> tuple[str, str] | None:
    """What is wrong with a stated purpose, as (field, message in the user's language):
    ``purpose`` must be one of :data:`PURPOSES`; ``text`` is needed for "Other" and at
    most :data:`PURPOSE_TEXT_MAX` characters. None: it will do."""
    if purpose not in dict(PURPOSES):
        return "purpose", _("Choose why you need these personal data.")
    text = (text or "").strip()
    if len(text) > PURPOSE_TEXT_MAX:
        return "purpose_text", _("Describe the purpose in at most %(max)d characters.",
                                 max=PURPOSE_TEXT_MAX)
    if purpose == PURPOSE_OTHER and not text:
        return "purpose_text", _("You chose \u201cOther\u201d: describe the purpose.")
    return None


def record_download(consultation_id: int, offer: Offer, format_key: str,
                    purpose: str | None, purpose_text: str | None, rows: int) -> None:
    """Write the audit row of one download (who and when come with the row) in its
    own committed transaction: call it before the first byte goes out. For a dataset
    that needs a purpose, an invalid one raises :class:`PurposeError` and nothing is
    written."""
    text = (purpose_text or "").strip()
    if offer.needs_purpose:
        problem = purpose_problem(purpose, text)
        if problem is not None:
            raise PurposeError(problem[1])
    with write_transaction():
        consultation = Consultation.get(Consultation.id == consultation_id)
        audit_download(consultation, offer.key, format_key, purpose or "", text, rows)


def audit_download(consultation: Consultation, dataset_key: str, format_key: str,
                   purpose: str, purpose_text: str, rows: int, *, actor: Any = None) -> None:
    """The audit row of personal data leaving the platform, in the caller's
    transaction; ``actor``: who asked (default: the logged-in user)."""
    audit.record(AUDIT_ACTION, consultation, actor_user=actor, details={
        "dataset": dataset_key, "format": format_key, "purpose": purpose,
        "purpose_text": purpose_text, "rows": rows})
