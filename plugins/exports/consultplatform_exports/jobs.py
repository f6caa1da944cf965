"""Background exports: a file (XLSX, the ZIP of everything) the worker builds.

The table is the record, the queue only a hint: a job is a row in ``exports_job``,
its file ``<instance>/exports/<token>.<ext>`` exists only once it is complete (it is
written as ``<token>-<attempt>.part`` and renamed in the transaction that marks the
job done). A worker killed mid-way leaves a RUNNING job whose heartbeat stops:
:func:`stale_jobs` (the periodic ``resume_exports``) starts it again from the
beginning, up to ``MAX_ATTEMPTS`` times. A job's file is for the staff member who
asked for it, and only until ``expires_at`` (``EXPORT_LINK_HOURS``, default 24).
Files are removed by :func:`clean_up` (the periodic ``clean_exports``).
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import secrets
import time
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from consultplatform.api import (
    Consultation,
    StaffUser,
    utcnow,
    write_transaction,
)
from consultplatform_exports import building, runner
from consultplatform_exports.catalogue import exporters, offer_for, offers
from consultplatform_exports.downloads import audit_download, purpose_problem
from consultplatform_exports.models import DONE, EXPIRED, FAILED, QUEUED, RUNNING, ExportsJob

ZIP = building.ZIP
MAX_ATTEMPTS = 3
MAX_ACTIVE_PER_PERSON = 3  # queued or running jobs one staff member may have at once
QUEUED_STALE = dt.timedelta(minutes=1)
HEARTBEAT_STALE = dt.timedelta(minutes=2)
LIVE = (QUEUED, RUNNING, DONE)


class JobError(Exception):
    """A request refused; ``status`` is the HTTP status a page answers with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def folder() -> str:
    path = os.path.join(current_app.instance_path, "exports")
    os.makedirs(path, exist_ok=True)
    return path


def link_hours() -> float:
    return float(current_app.config.get("EXPORT_LINK_HOURS", 24))


def final_path(job: ExportsJob) -> str:
    return os.path.join(folder(), f"{job.token}.{building.extension(job.format)}")


def part_path(job: ExportsJob) -> str:
    return os.path.join(folder(), f"{job.token}-{job.attempts}.part")


def remove_parts(job: ExportsJob) -> None:
    for path in glob.glob(os.path.join(folder(), f"{glob.escape(job.token)}-*.part")):
        runner.remove_file(path)


def _session_text(ids: frozenset[int] | None) -> str | None:
    return None if ids is None else ",".join(str(i) for i in sorted(ids))


# --- asking for a file (the page) ----------------------------------------------------


def request_job(consultation_id: int, dataset_key: str, format_key: str, staff_id: int,
                language: str, session_ids: frozenset[int] | None = None,
                purpose: str = "", purpose_text: str = "") -> ExportsJob:
    """A job for ``dataset_key`` (``""``: every dataset, as a ZIP) in ``format_key``,
    for staff member ``staff_id``; ``session_ids`` narrows a by-session export further.
    Enqueue it after this returns (:func:`consultplatform_exports.tasks.start`).
    Personal data need a purpose (``downloads.PURPOSES`` and a text); a ZIP holds the
    personal datasets only when one is given."""
    consultation = Consultation.get_or_none(Consultation.id == consultation_id)
    staff = StaffUser.get_or_none(StaffUser.id == staff_id)
    if consultation is None or staff is None:
        raise JobError(_("This consultation does not exist."), 404)
    purpose, purpose_text = (purpose or "").strip(), (purpose_text or "").strip()
    if purpose or purpose_text:
        problem = purpose_problem(purpose, purpose_text)
        if problem is not None:
            raise JobError(problem[1])
    if dataset_key:
        offer = offer_for(consultation, dataset_key, staff)
        if offer is None:
            raise JobError(_("You may not export this dataset."), 403)
        if format_key not in exporters() or format_key == ZIP:
            raise JobError(_("Choose one of the formats offered."))
        if offer.needs_purpose and not purpose:
            raise JobError(_("Choose why you need these personal data."))
        scope = offer.scope.session_ids
        if session_ids is not None:
            scope = session_ids if scope is None else scope & session_ids
    else:
        if format_key != ZIP or not building.zip_available():
            raise JobError(_("Choose one of the formats offered."))
        if not offers(consultation, staff):
            raise JobError(_("You may not export this dataset."), 403)
        scope = None
    with write_transaction():
        active = (ExportsJob.select()
                  .where((ExportsJob.requested_by == staff.id)
                         & ExportsJob.status.in_([QUEUED, RUNNING])).count())
        if active >= MAX_ACTIVE_PER_PERSON:
            raise JobError(_("Wait until one of your exports is ready."), 429)
        return ExportsJob.create(
            token=secrets.token_urlsafe(32), consultation=consultation, dataset=dataset_key,
            format=format_key, language=language if language in ("nl", "en") else "nl",
            session_ids=_session_text(scope), requested_by=staff, purpose=purpose,
            purpose_text=purpose_text,
            heartbeat_at=utcnow())


def recent_jobs(consultation_id: int, staff_id: int, limit: int = 10) -> list[ExportsJob]:
    """A staff member's latest jobs for a consultation (the page's list), newest first."""
    return list(ExportsJob.select()
                .where((ExportsJob.consultation == consultation_id)
                       & (ExportsJob.requested_by == staff_id))
                .order_by(ExportsJob.created_at.desc(), ExportsJob.id.desc()).limit(limit))


def job_of(token: str, staff_id: int) -> ExportsJob:
    """The requester's job by its token; 404 for anyone else (the link reveals nothing)."""
    job = ExportsJob.get_or_none(ExportsJob.token == str(token)[:64])
    if job is None or job.requested_by_id != staff_id:
        raise JobError(_("There is no such export."), 404)
    return job


def is_expired(job: ExportsJob, now: dt.datetime | None = None) -> bool:
    return job.status == EXPIRED or (
        job.status == DONE and job.expires_at is not None and job.expires_at <= (now or utcnow()))


def percentage(job: ExportsJob) -> int:
    if job.status == DONE:
        return 100
    if job.rows_total <= 0:
        return 0
    return min(99, job.rows_done * 100 // job.rows_total)


@dataclass(frozen=True)
class Download:
    path: str
    name: str
    mimetype: str


def download_of(token: str, staff_id: int) -> Download:
    """The finished file of the requester's job; 410 after expiry, 409 before it is done."""
    job = job_of(token, staff_id)
    if is_expired(job):
        raise JobError(_("This download link has expired. Start the export again."), 410)
    path = final_path(job)
    if job.status != DONE or not os.path.exists(path):
        raise JobError(_("This export is not ready."), 409)
    return Download(path, job.file_name, building.mimetype(job.format))


# --- the worker ----------------------------------------------------------------------


def _claim(job_id: int) -> ExportsJob | None:
    """QUEUED -> RUNNING, one more attempt; None when another worker has it (or it is gone)."""
    with write_transaction():
        claimed = (ExportsJob.update(status=RUNNING, attempts=ExportsJob.attempts + 1,
                                     heartbeat_at=utcnow(), rows_done=0, error="")
                   .where((ExportsJob.id == job_id) & (ExportsJob.status == QUEUED)).execute())
    return ExportsJob.get_by_id(job_id) if claimed else None


class SupersededError(Exception):
    """This attempt was given up on (its heartbeat went stale); another one runs."""


def _mine(job: ExportsJob) -> Any:
    """The condition that the job is still this attempt's to run."""
    return ((ExportsJob.id == job.id) & (ExportsJob.status == RUNNING)
            & (ExportsJob.attempts == job.attempts))


def run_job(job_id: int) -> str | None:
    """Build the job's file; its status afterwards (None: not this worker's to run)."""
    job = _claim(job_id)
    if job is None:
        return None
    part = part_path(job)
    last = [0.0]
    pause = float(current_app.config.get("EXPORTS_TEST_PAUSE_SECONDS", 0) or 0)

    def progress(rows_done: int) -> None:
        if pause:  # test-only (default off): a slow export the restart test can kill
            time.sleep(pause)
        if time.monotonic() - last[0] < 0.5:
            return
        last[0] = time.monotonic()
        with write_transaction():
            if not ExportsJob.update(rows_done=rows_done, heartbeat_at=utcnow()).where(
                    _mine(job)).execute():
                raise SupersededError

    try:
        built = building.build(job, part, progress)
        with write_transaction():
            finished = utcnow()
            done = ExportsJob.update(
                status=DONE, rows_done=built.rows, rows_total=built.rows, heartbeat_at=finished,
                finished_at=finished, file_name=built.file_name,
                expires_at=finished + dt.timedelta(hours=link_hours())).where(
                    _mine(job)).execute()
            if not done:
                raise SupersededError
            os.replace(part, final_path(job))  # in the transaction: DONE only with its file
            for dataset, rows in built.personal:
                audit_download(job.consultation, dataset, job.format, job.purpose,
                               job.purpose_text, rows, actor=job.requested_by)
        return DONE
    except SupersededError:
        runner.remove_file(part)
        return None
    except Exception as exc:
        runner.remove_file(part)
        with write_transaction():
            ExportsJob.update(status=FAILED, finished_at=utcnow(),
                              error=building.short_error(exc)).where(_mine(job)).execute()
        current_app.logger.exception("export job %s failed", job.id)
        return FAILED


def stale_jobs(now: dt.datetime | None = None) -> list[int]:
    """Jobs the worker lost, put back in the queue (their partial file removed) or, after
    ``MAX_ATTEMPTS``, failed; the ids to enqueue again."""
    now = now or utcnow()
    stale = (((ExportsJob.status == QUEUED) & (ExportsJob.heartbeat_at < now - QUEUED_STALE))
             | ((ExportsJob.status == RUNNING)
                & (ExportsJob.heartbeat_at < now - HEARTBEAT_STALE)))
    again = []
    for job in ExportsJob.select().where(stale):
        with write_transaction():
            if job.status == RUNNING and job.attempts >= MAX_ATTEMPTS:
                changed = ExportsJob.update(
                    status=FAILED, finished_at=now,
                    error=f"stopped {job.attempts} times").where(_mine(job)).execute()
            else:
                same = ((ExportsJob.id == job.id) & (ExportsJob.status == job.status)
                        & (ExportsJob.attempts == job.attempts))
                changed = ExportsJob.update(status=QUEUED, heartbeat_at=now,
                                            rows_done=0).where(same).execute()
                if changed:
                    again.append(job.id)
        if changed:
            remove_parts(job)
    return again


def clean_up(now: dt.datetime | None = None) -> int:
    """Expire finished jobs past their time and delete every file no live job owns
    (expired, failed, removed jobs; parts of attempts given up on). Files removed."""
    now = now or utcnow()
    names = os.listdir(folder())  # before reading the jobs: a newer part is kept
    with write_transaction():
        ExportsJob.update(status=EXPIRED).where(
            (ExportsJob.status == DONE) & (ExportsJob.expires_at <= now)).execute()
    keep = set()
    for token, fmt, status, attempts in (ExportsJob.select(
            ExportsJob.token, ExportsJob.format, ExportsJob.status, ExportsJob.attempts)
            .where(ExportsJob.status.in_(LIVE)).tuples()):
        if status == DONE:
            keep.add(f"{token}.{building.extension(fmt)}")
        elif status == RUNNING:
            keep.add(f"{token}-{attempts}.part")
    removed = 0
    for name in names:  # the folder is this plugin's own: whatever no live job owns goes
        path = os.path.join(folder(), name)
        if name not in keep and os.path.isfile(path):
            runner.remove_file(path)
            removed += 1
    return removed
