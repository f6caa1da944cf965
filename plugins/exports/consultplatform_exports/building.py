"""What the worker writes for one job: one dataset through ``runner.write_dataset``, or
every dataset as a ZIP through ``everything.write_zip``. Who may export what is asked
again here, when the file is made: a role taken away meanwhile stops the export."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from consultplatform.api import ExportScope, write_transaction
from consultplatform_exports import runner
from consultplatform_exports.catalogue import Offer, exporters, offer_for, offers
from consultplatform_exports.everything import write_zip
from consultplatform_exports.models import ExportsJob

ZIP = "zip"
ZIP_MIMETYPE = "application/zip"
# The format of the files inside the ZIP: the one a Dutch office opens by a double click.
ZIP_INNER_FORMAT = "csv-excel"


class BuildError(Exception):
    """The job cannot be built; the message is short and holds no personal data."""


@dataclass
class Built:
    rows: int = 0
    file_name: str = ""
    personal: list[tuple[str, int]] = field(default_factory=list)  # (dataset, rows)


def zip_available() -> bool:
    return bool(exporters())


def extension(format_key: str) -> str:
    if format_key == ZIP:
        return "zip"
    exporter = exporters().get(format_key)
    return exporter.extension if exporter is not None else "bin"


def mimetype(format_key: str) -> str:
    if format_key == ZIP:
        return ZIP_MIMETYPE
    exporter = exporters().get(format_key)
    return exporter.mimetype if exporter is not None else "application/octet-stream"


def short_error(exc: BaseException) -> str:
    """What the page may show about a failure: our own message, or the error's kind."""
    return str(exc)[:200] if isinstance(exc, BuildError) else type(exc).__name__


def session_ids(job: ExportsJob) -> frozenset[int] | None:
    if job.session_ids is None:
        return None
    return frozenset(int(part) for part in job.session_ids.split(",") if part.strip())


def _narrowed(offer: Offer, ids: frozenset[int] | None) -> Offer:
    if ids is None or not offer.dataset.by_session:
        return offer
    own = offer.scope.session_ids
    return replace(offer, scope=ExportScope(ids if own is None else own & ids))


def _set_total(job: ExportsJob, total: int) -> None:
    with write_transaction():
        ExportsJob.update(rows_total=total).where(ExportsJob.id == job.id).execute()


def build(job: ExportsJob, path: str, progress: Callable[[int], Any]) -> Built:
    """Write the job's file to ``path``, reporting rows done to ``progress``."""
    staff = job.requested_by
    if staff is None:
        raise BuildError("requester removed")
    consultation = job.consultation
    done = [0]

    def counted(rows: int) -> None:
        done[0] = rows
        progress(rows)

    if job.dataset:
        offer = offer_for(consultation, job.dataset, staff)
        exporter = exporters().get(job.format)
        if offer is None:
            raise BuildError("not allowed any more")
        if exporter is None:
            raise BuildError("format not available")
        offer = _narrowed(offer, session_ids(job))
        _set_total(job, offer.dataset.count(offer.scope))
        with open(path, "wb") as out:
            runner.write_dataset(offer, exporter, out, job.language, progress=counted)
        return Built(done[0], runner.file_name(consultation, offer.key, exporter.extension),
                     [(offer.key, done[0])] if offer.needs_purpose else [])
    inner = exporters().get(ZIP_INNER_FORMAT) or next(iter(exporters().values()), None)
    if inner is None:
        raise BuildError("format not available")
    chosen = [offer for offer in offers(consultation, staff)
              if job.purpose or not offer.needs_purpose]
    counts = {offer.key: offer.dataset.count(offer.scope) for offer in chosen}
    _set_total(job, sum(counts.values()))
    with open(path, "wb") as out:
        write_zip(consultation, chosen, inner, out, job.language, counted)
    return Built(sum(counts.values()), runner.file_name(consultation, "export", "zip"),
                 [(offer.key, counts[offer.key]) for offer in chosen if offer.needs_purpose])
