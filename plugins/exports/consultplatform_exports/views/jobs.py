"""Background exports (XLSX, ZIP) on the export page: start, progress, download.

A job's status and file are for the staff member who asked for it only: anyone else
(administrators included) gets 404, as for a token that does not exist. The file is
personal to its requester's purpose, and the audit log names them."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, request, send_file, url_for
from flask_admin import expose
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from consultplatform.api import MixinBase, current_consultation_id, current_language, parse_id
from consultplatform_exports import building, jobs, tasks
from consultplatform_exports.catalogue import Offer, exporters
from consultplatform_exports.downloads import PURPOSES
from consultplatform_exports.models import DONE, FAILED, ExportsJob


def status_text(job: ExportsJob) -> str:
    """The job's state in the reader's language (the page and the JSON both show it)."""
    texts = {"queued": _("Waiting for the worker"), "running": _("Being made"),
             "done": _("Ready to download"), "failed": _("Failed"), "expired": _("Link expired")}
    status = "expired" if jobs.is_expired(job) else job.status
    return texts.get(status, status)


def job_json(job: ExportsJob) -> dict[str, Any]:
    expired = jobs.is_expired(job)
    done = job.status == DONE and not expired
    return {
        "status": "expired" if expired else job.status,
        "text": status_text(job),
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "percentage": jobs.percentage(job),
        "download_url": url_for(".job_file", token=job.token) if done else None,
        "expires_at": format_datetime(job.expires_at) if done and job.expires_at else None,
        "error": job.error if job.status == FAILED else None,
    }


class JobRoutes(MixinBase):
    """Routes of :class:`~consultplatform_exports.views.page.ExportView` for background jobs."""

    def jobs_block(self, consultation: Any, offers: list[Offer]) -> dict[str, Any]:
        """What ``exports/_jobs.html`` shows: the reader's recent jobs for this
        consultation (one query), the formats, whether a ZIP can be made."""
        labels = {offer.key: offer.dataset.label for offer in offers}
        recent = [(job, labels.get(job.dataset, job.dataset) if job.dataset
                   else _("Everything (ZIP)"), job_json(job))
                  for job in jobs.recent_jobs(consultation.id, current_user.id)]
        return {"jobs": recent, "zip": building.zip_available(),
                "formats": [(key, exporter.label) for key, exporter in exporters().items()],
                "needs_purpose": any(offer.needs_purpose for offer in offers),
                "purposes": PURPOSES}

    @expose("/job", methods=("POST",))
    def start_job(self) -> Any:
        form = request.form
        consultation_id = parse_id(form.get("consultation")) or current_consultation_id()
        if consultation_id is None:
            abort(404)
        sessions = {parse_id(raw) for raw in form.getlist("session")}
        session_ids = frozenset(i for i in sessions if i is not None) or None
        try:
            job = jobs.request_job(consultation_id, form.get("dataset", "")[:60],
                                   form.get("format", "")[:40], current_user.id,
                                   current_language(), session_ids,
                                   form.get("purpose", "")[:40], form.get("purpose_text", ""))
        except jobs.JobError as exc:
            if exc.status in (403, 404):
                abort(exc.status, description=str(exc))
            flash(str(exc), "error")
        else:
            tasks.start(job)
            flash(_("Your export is being made. It appears below when it is ready."), "success")
        return redirect(url_for(".index", consultation=consultation_id), code=303)

    @expose("/job/<token>")
    def job_status(self, token: str) -> Any:
        try:
            job = jobs.job_of(token, current_user.id)
        except jobs.JobError as exc:
            abort(exc.status, description=str(exc))
        response = jsonify(job_json(job))
        response.headers["Cache-Control"] = "no-store"
        return response

    @expose("/job/<token>/file")
    def job_file(self, token: str) -> Any:
        try:
            download = jobs.download_of(token, current_user.id)
        except jobs.JobError as exc:
            abort(exc.status, description=str(exc))
        response = send_file(download.path, mimetype=download.mimetype, as_attachment=True,
                             download_name=download.name, max_age=0)
        response.headers["Cache-Control"] = "no-store"
        return response
