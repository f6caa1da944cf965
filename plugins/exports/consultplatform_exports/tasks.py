"""The worker's tasks for background exports (registered by the package's import; see
docs/plugins.md, "Background tasks"). Each runs only while the plugin is switched on."""

from __future__ import annotations

from huey import crontab

from consultplatform.api import enqueue_task, huey, plugin_registry, run_in_app
from consultplatform_exports import NAME, jobs
from consultplatform_exports.models import ExportsJob


def _enabled() -> bool:
    return plugin_registry().is_enabled(NAME)


@huey.task()
def run_export_job(job_id: int) -> str | None:
    """Build one job's file (enqueued after the commit that made the job)."""
    return run_in_app(lambda: jobs.run_job(job_id) if _enabled() else None)


@huey.periodic_task(crontab(minute="*"))
def resume_exports() -> list[int]:
    """Every minute: start again what a killed worker left (jobs.stale_jobs)."""
    def work() -> list[int]:
        if not _enabled():
            return []
        again = jobs.stale_jobs()
        for job_id in again:
            enqueue_task(run_export_job, job_id)
        return again

    return run_in_app(work)


@huey.periodic_task(crontab(minute="*/15"))
def clean_exports() -> int:
    """Every quarter of an hour: expired and orphaned files removed (jobs.clean_up)."""
    return run_in_app(lambda: jobs.clean_up() if _enabled() else 0)


def start(job: ExportsJob) -> bool:
    """Hand a new job to the worker; call after the commit that made it."""
    return enqueue_task(run_export_job, job.id)
