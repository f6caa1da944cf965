"""The plugin's public pages: open-data downloads of published aggregate datasets,
and the "Open data" block on a consultation's public page (hook ``cp_public_blocks``).

A download is ``/open-data/<slug>/<dataset>.<extension>``: found only while the
consultation's page is public (``VISIBLE_STATUSES``) and the dataset is published and
still aggregate (checked at every request), streamed as it is read, in the formats
for data tools (``OPEN_FORMATS``: plain CSV, JSON Lines) that are installed. The
application setting ``EXPORTS_OPEN_FORMATS`` replaces that list (the suite uses its
test plugin's format). The blueprint also carries the plugin's templates and static
files."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, stream_with_context, url_for

from consultplatform.api import (
    VISIBLE_STATUSES,
    Consultation,
    Exporter,
    PublicBlock,
    current_language,
    limiter,
)
from consultplatform_exports.catalogue import exporters
from consultplatform_exports.publishing import open_datasets, open_offer
from consultplatform_exports.runner import dataset_chunks, file_name
from consultplatform_exports.settings import licence_of

bp = Blueprint("exports", __name__, url_prefix="/open-data",
               template_folder="templates", static_folder="static",
               static_url_path="/static")

OPEN_FORMATS = ("csv", "jsonl")
# A download reads a whole dataset: fewer per visitor than a page.
DOWNLOAD_RATE_LIMIT = "30 per minute"
# Open data changes rarely; a browser or proxy may keep a file this long.
CACHE_SECONDS = 300


def open_formats() -> list[Exporter]:
    """The installed streaming formats open data is offered in, in the setting's order."""
    found = exporters()
    keys = current_app.config.get("EXPORTS_OPEN_FORMATS") or OPEN_FORMATS
    return [found[key] for key in keys if key in found and found[key].streams]


def public_block(consultation: Consultation) -> list[PublicBlock]:
    """The "Open data" block: every published dataset with its download links and the
    licence. One query and the settings' when nothing is published, a few more when
    something is; none per dataset."""
    if consultation.status not in VISIBLE_STATUSES:
        return []  # the staff preview of a draft: its downloads would not be found
    published = open_datasets(consultation)
    formats = open_formats()
    if not published or not formats:
        return []
    datasets: list[dict[str, Any]] = [
        {"key": dataset.key, "label": dataset.label, "description": dataset.description,
         "files": [{"label": exporter.label, "url": url_for(
             "exports.download", slug=consultation.slug,
             name=f"{dataset.key}.{exporter.extension}")} for exporter in formats]}
        for _plugin, dataset in published]
    return [PublicBlock(key="exports_open_data", template="exports/_public_block.html",
                        context={"datasets": datasets, "licence": licence_of(consultation)},
                        order=80)]


@bp.get("/<string(maxlength=80):slug>/<string(maxlength=80):name>")
@limiter.limit(DOWNLOAD_RATE_LIMIT)
def download(slug: str, name: str) -> Response:
    key, dot, extension = name.rpartition(".")
    exporter = next((e for e in open_formats() if e.extension == extension), None)
    if not dot or exporter is None:
        abort(404)
    consultation = Consultation.get_or_none((Consultation.slug == slug)
                                            & Consultation.status.in_(VISIBLE_STATUSES))
    offer = open_offer(consultation, key) if consultation is not None else None
    if consultation is None or offer is None:
        abort(404)
    chunks = dataset_chunks(offer, exporter, current_language())
    response = Response(stream_with_context(chunks), mimetype=exporter.mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{file_name(consultation, key, exporter.extension)}"')
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response.vary.add("Cookie")  # the language of the column labels
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
