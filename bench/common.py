"""What every part of the benchmark suite shares: the code under test, the
databases, gunicorn servers, percentiles.

The suite's scripts run as plain scripts (``python bench/x.py``), never as a
package: the code they measure is whatever ``consultplatform`` the interpreter
of the tree under test imports (``BENCH_CODE``, default this checkout), so one
suite can measure an older commit checked out beside this one.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
ADMIN_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


@dataclass(frozen=True)
class Code:
    """The tree under test, with its own virtualenv (``make install`` there)."""

    root: pathlib.Path

    @classmethod
    def from_env(cls) -> Code:
        return cls(pathlib.Path(os.environ.get("BENCH_CODE", str(ROOT))).resolve())

    @property
    def bin(self) -> pathlib.Path:
        own = self.root / ".venv" / "bin"
        return own if own.exists() else pathlib.Path(sys.executable).parent

    @property
    def python(self) -> str:
        return str(self.bin / "python")

    def revision(self) -> str:
        try:
            out = subprocess.run(["git", "-C", str(self.root), "rev-parse", "--short", "HEAD"],
                                 capture_output=True, text=True, timeout=10, check=True)
            dirty = subprocess.run(["git", "-C", str(self.root), "status", "--porcelain",
                                    "--untracked-files=no"], capture_output=True, text=True,
                                   timeout=10).stdout.strip()
            return out.stdout.strip() + ("+changes" if dirty else "")
        except (OSError, subprocess.SubprocessError):
            return "unknown"


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def admin_connection():
    import psycopg

    return psycopg.connect(ADMIN_URL, autocommit=True)


def database_exists(name: str) -> bool:
    with admin_connection() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                            (name,)).fetchone() is not None


def drop_database(name: str) -> None:
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def copy_database(template: str, name: str) -> str:
    """A fresh database ``name`` from ``template`` (PostgreSQL copies the files)."""
    drop_database(name)
    with admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return with_database(ADMIN_URL, name)


def app_env(code: Code, database_url: str, instance: str, **extra: str) -> dict[str, str]:
    """The environment of every process that runs the app under test."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONSULTPLATFORM_")}
    env.pop("PYTHONPATH", None)
    env.update(CONSULTPLATFORM_DATABASE_URL=database_url, CONSULTPLATFORM_INSTANCE_PATH=instance,
               CONSULTPLATFORM_SECRET_KEY="bench-" + "0" * 58,
               CONSULTPLATFORM_RATELIMIT_ENABLED="false",
               CONSULTPLATFORM_MAIL_ENQUEUE_ON_COMMIT="false",
               CONSULTPLATFORM_LOG_LEVEL="WARNING",
               CONSULTPLATFORM_PUBLIC_URL="http://127.0.0.1:5000",
               BASELINE_DATABASE_URL=database_url, **extra)
    return env


def run_checked(args: list[str], env: dict[str, str], cwd: pathlib.Path | str,
                timeout: float = 3600) -> str:
    done = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)
    if done.returncode:
        raise RuntimeError(f"{' '.join(args[:4])} failed:\n{done.stderr[-4000:]}")
    return done.stdout


class Server:
    """gunicorn on a loopback port, as the benchmark configures it for every app
    (sync workers, the same count for the app and its baselines)."""

    WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))

    def __init__(self, code: Code, app: str, env: dict, log: pathlib.Path,
                 extra: list[str] | None = None, cwd: pathlib.Path | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [str(code.bin / "gunicorn"), "--workers", str(self.WORKERS), "--no-control-socket",
             "--bind", f"127.0.0.1:{self.port}", "--backlog", "2048", *(extra or []), app],
            env=env, cwd=cwd or code.root, stdout=subprocess.DEVNULL, stderr=self._log)
        self.wait_ready()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=5):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start:\n"
                                       + self.log_path.read_text()[-3000:]) from None
                time.sleep(0.2)

    def worker_peak_mb(self) -> float:
        """The largest peak resident size (VmHWM) of this server's workers, in MB."""
        peak = 0
        children = pathlib.Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        with contextlib.suppress(OSError):
            for pid in children.read_text().split():
                for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
        return peak / 1024

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


@contextlib.contextmanager
def servers() -> Iterator[list[Server]]:
    """Every server started inside is stopped on the way out, also on errors."""
    started: list[Server] = []
    try:
        yield started
    finally:
        for server in started:
            server.stop()
