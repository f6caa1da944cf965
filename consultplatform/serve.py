"""``flask serve``: the web server and the background worker, as ``make run``
starts them, stopped together.

- gunicorn with threaded workers (``gthread``): a slow client holds one thread,
  not a whole worker, and request bodies are read with a deadline
  (:class:`consultplatform.hardening.BodyDeadline`);
- the public address follows the address served on unless ``PUBLIC_URL`` is
  set, so the links in mail work on any port;
- the rate limits are counted in one store every worker shares (SQLite in the
  instance folder, or Redis), so the configured number holds whatever the
  number of workers, and across a reload (``kill -HUP``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

# Forwarded to gunicorn: HUP reloads the workers, TERM and INT stop everything.
FORWARDED_SIGNALS = (signal.SIGHUP, signal.SIGTERM, signal.SIGINT)


def server_environment(config: Any, host: str, port: int) -> dict[str, str]:
    """The environment of the server and worker processes."""
    env = dict(os.environ)
    if not config.get("PUBLIC_URL"):
        shown = f"[{host}]" if ":" in host else host
        env["CONSULTPLATFORM_PUBLIC_URL"] = f"http://{shown}:{port}"
    return env


def gunicorn_command(host: str, port: int, workers: int, threads: int) -> list[str]:
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return [os.path.join(os.path.dirname(sys.executable), "gunicorn"), "--no-control-socket",
            "--worker-class", "gthread", "--workers", str(workers), "--threads", str(threads),
            "--bind", bind, "--timeout", "60", "--graceful-timeout", "10", "--keep-alive", "5",
            "consultplatform.production:production_app()"]


def worker_command() -> list[str]:
    return [os.path.join(os.path.dirname(sys.executable), "huey_consumer"),
            "consultplatform.worker.huey", "--workers", "2", "--worker-type", "thread"]


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="gunicorn worker processes.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256),
              help="Threads per worker: requests served at once by each.")
@click.option("--no-worker", is_flag=True, help="Do not start the background worker (huey).")
@with_appcontext
def serve(host: str, port: int, workers: int, threads: int, no_worker: bool) -> None:
    """Serve the site (gunicorn) with the background worker (mail, reminders)."""
    env = server_environment(current_app.config, host, port)
    click.echo(f"Serving on http://{host}:{port}  (admin: http://{host}:{port}/admin)")
    public = env.get("CONSULTPLATFORM_PUBLIC_URL") or current_app.config["PUBLIC_URL"]
    click.echo(f"Links in mail point to {public}")
    worker = None if no_worker else subprocess.Popen(worker_command(), env=env)  # noqa: S603
    server = subprocess.Popen(gunicorn_command(host, port, workers, threads), env=env)  # noqa: S603

    def forward(signum: int, frame: Any) -> None:
        server.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in FORWARDED_SIGNALS}
    try:
        code = server.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=30)
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
    sys.exit(code)
