"""The export page of a consultation in the admin, and its streamed downloads.

Every staff role may open the page; the catalogue decides which datasets each one
sees. Aggregate and pseudonymous datasets download with a GET; a personal one only
with a POST from an administrator stating a purpose, audit-logged before the file
starts to flow.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, redirect, request, stream_with_context, url_for
from flask_admin import expose
from flask_babel import format_number
from flask_login import current_user

from consultplatform.api import (
    Consultation,
    SecureView,
    current_consultation_id,
    current_language,
    is_admin,
)
from consultplatform_exports.downloads import (
    Download,
    DownloadNotFoundError,
    DownloadRefusedError,
    find_download,
    listing,
    record_download,
)
from consultplatform_exports.views.jobs import JobRoutes
from consultplatform_exports.views.publish import PublishRoutes
from consultplatform_exports.views.purpose import PurposeForm

# Dataset and format keys are at most 60 characters (KEY_PATTERN); longer is junk.
MAX_KEY = 60


def streamed(download: Download) -> Response:
    """The file, sent while it is made (flat memory, the first bytes at once)."""
    exporter = download.exporter
    response = Response(stream_with_context(download.chunks(current_language())),
                        mimetype=exporter.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{download.file_name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


class ExportView(JobRoutes, PublishRoutes, SecureView):
    """Every dataset the user may export, with its row count and formats."""

    @expose("/")
    def index(self) -> Any:
        consultation_id = current_consultation_id()
        consultation = (None if consultation_id is None else
                        Consultation.get_or_none(Consultation.id == consultation_id))
        return self._page(consultation)

    @expose("/<id:consultation_id>/<key>.<format_key>", methods=("GET", "POST"))
    def download(self, consultation_id: int, key: str, format_key: str) -> Any:
        """A streamed file; personal data: POST, a purpose, an audit row first."""
        if request.method == "POST" and not is_admin():
            self.deny("download")
        if len(key) > MAX_KEY or len(format_key) > MAX_KEY:
            abort(404)
        try:
            download = find_download(consultation_id, key, format_key, current_user)
        except DownloadNotFoundError:
            abort(404)
        except DownloadRefusedError:
            self.deny(f"download {key}", object_type="ExportDataset")
        offer = download.offer
        if not offer.needs_purpose:
            if request.method == "POST":
                abort(405)
            return streamed(download)
        if request.method != "POST":
            # A link to personal data (a bookmark): the page, at the form that asks why.
            return redirect(url_for(".index", _anchor=f"purpose-{key}"), code=303)
        form = PurposeForm(prefix=key)
        if not form.validate():
            return self._page(download.consultation, failed=(key, form), status=422)
        record_download(consultation_id, offer, format_key, form.purpose.data,
                        form.purpose_text.data, download.rows())
        return streamed(download)

    def _page(self, consultation: Consultation | None, *,
              failed: tuple[str, PurposeForm] | None = None, status: int = 200) -> Any:
        rows = listing(consultation, current_user) if consultation is not None else []
        forms = {row.key: PurposeForm(prefix=row.key, formdata=None)
                 for row in rows if row.offer.needs_purpose}
        if failed is not None:
            forms[failed[0]] = failed[1]
        return self.render(
            "exports/page.html", consultation=consultation, rows=rows,
            offers=[row.offer for row in rows], forms=forms,
            failed=failed[0] if failed else None,
            moderator=current_user.role == "moderator", number=format_number), status
