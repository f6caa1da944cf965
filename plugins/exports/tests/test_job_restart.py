"""A worker killed (``kill -9``) in the middle of an export: no half file is offered,
the job is started again from the beginning and completes with a whole file.

A real ``huey_consumer consultplatform.worker.huey`` runs against the test database,
on a queue of its own (``CONSULTPLATFORM_HUEY_NAME``; in Redis when ``TEST_REDIS_URL``
is set, else SQLite in the instance folder). The test-only setting
``EXPORTS_TEST_PAUSE_SECONDS`` makes the export slow enough to be killed while it runs.
"""

from __future__ import annotations

import datetime as dt
import os
import pathlib
import signal
import subprocess
import sys
import time
import uuid

import pytest
from huey import RedisHuey, SqliteHuey

from consultplatform.api import ConsultationSession, huey, utcnow
from consultplatform.testing import factories, make_staff
from consultplatform_exports import jobs, tasks
from consultplatform_exports.models import DONE, QUEUED, RUNNING, ExportsJob

ROOT = pathlib.Path(__file__).resolve().parents[3]
BIN = pathlib.Path(sys.executable).parent
# Progress every 1000 rows, each with a pause: after the first report the export runs
# at least four pauses more, time enough to kill it on a loaded machine.
ROWS = 5000
PAUSE = 0.8


class Worker:
    """``huey_consumer`` processes on one queue of their own, against the test database."""

    def __init__(self, database_url: str, instance: str, log: pathlib.Path) -> None:
        self.name = f"exports-test-{uuid.uuid4().hex[:10]}"
        redis_url = os.environ.get("TEST_REDIS_URL", "")
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONSULTPLATFORM_")}
        env.update({f"CONSULTPLATFORM_{key}": value for key, value in {
            "DATABASE_URL": database_url, "INSTANCE_PATH": instance, "HUEY_NAME": self.name,
            "PLUGINS_EXTRA": '["fullhooks=tests.plugin_fullhooks"]', "LOG_LEVEL": "WARNING",
            "EXPORTS_TEST_PAUSE_SECONDS": str(PAUSE), "MAIL_ENQUEUE_ON_COMMIT": "false",
            "SECRET_KEY": "restart-test", "MFA_REQUIRED_ROLES": "[]"}.items()})
        if redis_url:
            env["CONSULTPLATFORM_HUEY_REDIS_URL"] = redis_url
        env["PYTHONPATH"] = str(ROOT)
        self.env, self.log = env, log
        self.queue = (RedisHuey(self.name, url=redis_url, results=False) if redis_url else
                      SqliteHuey(self.name, filename=os.path.join(instance, "huey.sqlite3"),
                                 results=False))

    def enqueue(self, job_id: int) -> None:
        """What the web app's ``enqueue_task`` does, on this worker's queue."""
        message = huey.serialize_task(tasks.run_export_job.s(job_id))
        self.queue.storage.enqueue(message, None)

    def start(self) -> subprocess.Popen:
        with self.log.open("ab") as out:
            return subprocess.Popen(
                [str(BIN / "huey_consumer"), "consultplatform.worker.huey", "--workers", "1",
                 "--worker-type", "thread"], env=self.env, cwd=ROOT, stdout=out, stderr=out)


def wait_for(app, job_id: int, ready, process: subprocess.Popen, log: pathlib.Path,
             seconds: float = 20) -> ExportsJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with app.app_context():
            job = ExportsJob.get_by_id(job_id)
        if ready(job):
            return job
        if process.poll() is not None:
            pytest.fail("the worker stopped: " + log.read_text()[-3000:])
        time.sleep(0.1)
    pytest.fail(f"job {job.status} {job.rows_done}: " + log.read_text()[-3000:])


def test_a_killed_worker_never_offers_half_a_file(app, migrated, tmp_path):
    with app.app_context():
        consultation = factories.consultation()
        start = dt.datetime(2030, 1, 1, 10)
        ConsultationSession.insert_many([
            {"consultation": consultation.id, "title": f"Sessie {i}", "starts_at": start,
             "ends_at": start + dt.timedelta(hours=1)} for i in range(ROWS)]).execute()
        admin = make_staff("admin")
        job = jobs.request_job(consultation.id, "sessions", "tsv", admin.id, "nl")
        final = jobs.final_path(job)
    log = tmp_path / "worker.log"
    worker = Worker(migrated, app.instance_path, log)
    worker.enqueue(job.id)
    first = worker.start()
    try:
        wait_for(app, job.id, lambda j: j.status == RUNNING and j.rows_done >= 1000, first, log)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    with app.app_context():
        killed = ExportsJob.get_by_id(job.id)
    assert killed.status == RUNNING and killed.attempts == 1
    assert not os.path.exists(final)

    # Two minutes later the periodic resume_exports finds its heartbeat stale.
    with app.app_context():
        assert jobs.stale_jobs(now=utcnow() + dt.timedelta(minutes=3)) == [job.id]
        assert ExportsJob.get_by_id(job.id).status == QUEUED
    assert not list(pathlib.Path(final).parent.glob(f"{job.token}-*.part"))
    worker.enqueue(job.id)
    second = worker.start()
    try:
        done = wait_for(app, job.id, lambda j: j.status == DONE, second, log, seconds=60)
    finally:
        second.terminate()
        second.wait(timeout=20)
    assert done.attempts == 2 and done.rows_done == ROWS
    lines = pathlib.Path(final).read_text(encoding="utf-8").splitlines()
    assert len(lines) == ROWS + 1 and lines[-1].split("\t")[1] == f"Sessie {ROWS - 1}"
    assert not list(pathlib.Path(final).parent.glob(f"{job.token}-*.part"))
