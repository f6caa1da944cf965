"""Background work with huey: mail delivery, reminders and the nightly backup.

The consumer runs beside the web server::

    huey_consumer consultplatform.worker.huey --workers 2 --worker-type thread

(``consultplatform.worker`` gives this module the app factory; the web app only
enqueues, so this module never imports the app and the app may import it.)

Storage comes from the environment, read when this module is imported (the
consumer and the web app must agree): ``CONSULTPLATFORM_HUEY_REDIS_URL`` set
means Redis; otherwise SQLite at ``<instance>/huey.sqlite3``, the instance
folder being ``CONSULTPLATFORM_INSTANCE_PATH`` or Flask's default for the app
(``instance/`` beside the code). The queue only says "look at the outbox now":
the outbox table is the record, so a lost or unreachable queue loses no mail.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask
from huey import Huey, RedisHuey, SqliteHuey, crontab

from consultplatform.db import db

log = logging.getLogger(__name__)

REDIS_URL_ENV = "CONSULTPLATFORM_HUEY_REDIS_URL"
INSTANCE_PATH_ENV = "CONSULTPLATFORM_INSTANCE_PATH"
# The queue's name: two sites (or a test's own worker) on one Redis keep apart by it.
NAME_ENV = "CONSULTPLATFORM_HUEY_NAME"
# One periodic delivery run keeps claiming batches for at most this long.
DELIVERY_BUDGET_SECONDS = 45
BATCH_SIZE = 50

T = TypeVar("T")


def instance_path() -> str:
    """The instance folder ``create_app()`` uses when given no INSTANCE_PATH."""
    return os.environ.get(INSTANCE_PATH_ENV) or Flask("consultplatform").instance_path


def make_huey() -> Huey:
    name = os.environ.get(NAME_ENV, "").strip() or "consultplatform"
    url = os.environ.get(REDIS_URL_ENV, "").strip()
    if url:
        from redis import ConnectionPool

        # Options in the URL win; these only keep an unreachable server from hanging a request.
        pool = ConnectionPool.from_url(url, socket_connect_timeout=5, socket_timeout=10)
        return RedisHuey(name, connection_pool=pool, results=False)
    folder = instance_path()
    os.makedirs(folder, exist_ok=True)
    return SqliteHuey(name, filename=os.path.join(folder, "huey.sqlite3"),
                      results=False)


huey = make_huey()


@huey.on_startup()
def clean_mail_folder() -> None:
    """A worker starting again after ``kill -9``: remove the mail files it left unfinished."""
    def work() -> None:
        from flask import current_app

        from consultplatform.mail.delivery import mail_folder, remove_stale_temporaries

        remove_stale_temporaries(mail_folder(current_app.config, current_app.instance_path))

    if _app_factory is None and _app is None:
        # Started under the name of earlier releases (consultplatform.tasks.huey): no
        # task could run. Say so loudly at once rather than fail every task quietly.
        log.error("WORKER HAS NO APP: start it as `huey_consumer consultplatform.worker.huey`"
                  " (consultplatform.tasks.huey was the name before this release)")
        return
    try:
        _in_app(work)
    except Exception:  # never keep the worker from starting
        log.exception("cleaning the mail folder at start-up failed")

_app: Flask | None = None
_app_lock = threading.Lock()
_app_factory: Callable[[], Flask] | None = None


def use_app_factory(factory: Callable[[], Flask]) -> None:
    """Tell the tasks how to make this worker's app (``consultplatform.worker`` does)."""
    global _app_factory
    _app_factory = factory


def flask_app() -> Flask:
    """The app of this worker process, made once (configured like the web app).

    Without a factory (a task run in the web process, huey's immediate mode in
    tests) the task runs in the app of the current context."""
    global _app
    if _app is not None:
        return _app
    if _app_factory is None:
        from flask import current_app, has_app_context

        if has_app_context():
            return current_app._get_current_object()  # type: ignore[attr-defined]
        raise RuntimeError("no app for the task: start the worker as consultplatform.worker.huey")
    if _app is None:
        with _app_lock:
            if _app is None:
                from consultplatform.urls import warn_if_unset

                _app = _app_factory()
                _log_once_and_masked()
                warn_if_unset(_app)
    return _app


def _log_once_and_masked() -> None:
    """``huey_consumer`` logs through a handler of its own on the "huey" logger, and
    ``create_app`` added ours on the root: keep huey's alone, with our masking."""
    from consultplatform.logging_setup import RedactingFilter

    huey_log = logging.getLogger("huey")
    if not huey_log.handlers:
        return
    for handler in huey_log.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
    huey_log.propagate = False


def _in_app(work: Callable[[], T]) -> T:
    """Run ``work`` in the app context with this thread's database connection."""
    app = flask_app()
    with app.app_context():
        opened = db.connect(reuse_if_open=True)
        try:
            return work()
        finally:
            if opened and not db.is_closed():
                db.close()


def run_in_app(work: Callable[[], T]) -> T:
    """For a plugin's task: run ``work`` in the worker's app, with a database connection
    (in the web process or a test: in the current app)."""
    return _in_app(work)


def enqueue_task(task: Any, *args: Any) -> bool:
    """Ask the worker to run ``task(*args)`` (a ``@huey.task()``); call after the commit
    that made its work. Does nothing when the app's ``TASKS_ENQUEUE`` is false (the
    test suites). Never raises: the task's periodic sweep must pick such work up.
    Returns whether the task was enqueued."""
    from flask import current_app

    if not current_app.config.get("TASKS_ENQUEUE", True):
        return False
    try:
        task(*args)
    except Exception as exc:
        log.warning("task queue unreachable (%s); %s waits for its periodic sweep",
                    type(exc).__name__, getattr(task, "name", task))
        return False
    return True


def deliver_all(budget_seconds: float = DELIVERY_BUDGET_SECONDS) -> dict[str, int]:
    """Deliver batch after batch while full batches come back, within a time budget."""
    from consultplatform.mail.delivery import deliver_due

    totals = {"sent": 0, "retried": 0, "failed": 0}
    started = time.monotonic()
    while True:
        counts = deliver_due(limit=BATCH_SIZE)
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
        if sum(counts.values()) < BATCH_SIZE or time.monotonic() - started > budget_seconds:
            return totals


@huey.periodic_task(crontab(minute="*"))
def deliver_outbox() -> dict[str, int]:
    """Every minute: send what is due (new mail, retries after their backoff)."""
    return _in_app(deliver_all)


@huey.task()
def deliver_now() -> dict[str, int]:
    """Enqueued by the web app after a commit that queued mail."""
    return _in_app(deliver_all)


@huey.periodic_task(crontab(minute="*/10"))
def send_reminders() -> Any:
    """Every ten minutes: queue the reminders that are due, then ask for delivery."""
    def work() -> Any:
        from consultplatform.mail.compose import queue_reminders

        queued = queue_reminders()  # session times are Amsterdam wall-clock time
        if queued:
            enqueue_delivery(flask_app())
        return queued

    return _in_app(work)


# 02:30 UTC by huey's clock (03:30 or 04:30 in the Netherlands), when the site is quiet.
@huey.periodic_task(crontab(hour="2", minute="30"))
def nightly_backup() -> Any:
    """Every night, when ``BACKUP_NIGHTLY`` is on: a backup, proven by restoring it into a
    scratch database (``BACKUP_VERIFY``), then all but the newest ``BACKUP_KEEP`` deleted.
    A failure is logged loudly; the backups kept so far stay."""
    def work() -> Any:
        from flask import current_app

        from consultplatform.backup.service import nightly

        try:
            done = nightly(current_app.config, current_app.instance_path)
        except Exception:
            log.exception("NIGHTLY BACKUP FAILED")
            raise
        if done:
            log.info("nightly backup %s written; deleted %s", done["file"],
                     ", ".join(done["deleted"]) or "none")
        return done

    return _in_app(work)


def enqueue_delivery(app: Flask) -> bool:
    """Ask the worker to deliver now; call after the commit that queued mail.

    Does nothing when ``MAIL_ENQUEUE_ON_COMMIT`` is false. Never raises: when the
    queue cannot be reached the periodic delivery sends the mail within a minute.
    Returns whether the task was enqueued.
    """
    if not app.config.get("MAIL_ENQUEUE_ON_COMMIT", True):
        return False
    try:
        deliver_now()
    except Exception as exc:
        log.warning("mail queue unreachable (%s); the periodic delivery will send the mail",
                    type(exc).__name__)
        return False
    return True
