"""Sign-ups per second and latency under gunicorn on PostgreSQL, against a bare-insert baseline.

    .venv/bin/python bench/signup_bench.py

Creates a fresh database ``cp_bench_<random>`` through the admin connection
``BENCH_DATABASE_URL`` (default postgresql://postgres@127.0.0.1:5432/test),
runs ``flask db upgrade`` on it, makes a published consultation with one
session of unlimited practical capacity (every sign-up is a confirmed insert
plus its outbox mail), and serves ``wsgi:app`` with gunicorn (4 sync workers,
rate limit off, no queue nudge after commit). Clients (threads, one cookie jar
each, loopback only) repeat: GET the form, read its CSRF token, POST a new
person; one pair is one sign-up. Then the same for bench/baseline_app.py (one
INSERT per POST) on the same database with the same gunicorn settings. Every
process it starts is stopped and the database dropped, also on errors.

``BENCH_SECONDS`` (default 15) is how long each concurrency level runs.
"""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import os
import pathlib
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path(sys.executable).parent
ADMIN_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
LEVELS = (1, 16, 64)
WORKERS = 4
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 303 is the answer we time; the result page is not part of it


@dataclass
class Run:
    """What one concurrency level of one app measured."""

    clients: int
    seconds: float = 0.0
    post_ms: list[float] = field(default_factory=list)
    pair_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    client_cpu: float = 0.0  # share of one core the benchmark's own process used

    @property
    def rate(self) -> float:
        return len(self.pair_ms) / self.seconds if self.seconds else 0.0


def percentile(values: list[float], p: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


class Server:
    """gunicorn on a loopback port; stopped (terminate, then kill) by stop()."""

    def __init__(self, app: str, env: dict, log: pathlib.Path, extra: list[str] | None = None):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", str(WORKERS), "--no-control-socket",
             "--bind", f"127.0.0.1:{self.port}", *(extra or []), app],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=self._log)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=5):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start:\n"
                                       + self.log_path.read_text()[-3000:]) from None
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def sign_up_once(opener, form_url: str, fields: dict[str, str]) -> tuple[float, float]:
    """GET the form, POST it; returns (POST ms, pair ms). Raises on anything but a 303."""
    started = time.perf_counter()
    with opener.open(form_url, timeout=120) as response:
        page = response.read().decode()
    match = CSRF_RE.search(page)
    if not match:
        raise RuntimeError("no csrf_token in the form")
    body = urllib.parse.urlencode({**fields, "csrf_token": match.group(1) or match.group(2)})
    posted = time.perf_counter()
    try:
        with opener.open(form_url.split("?")[0], data=body.encode(), timeout=120) as response:
            raise RuntimeError(f"POST answered {response.status}, not 303")
    except urllib.error.HTTPError as answer:
        with answer:
            if answer.code != 303:
                raise RuntimeError(f"POST answered {answer.code}") from None
    done = time.perf_counter()
    return (done - posted) * 1000, (done - started) * 1000


def measure(clients: int, seconds: float, form_url: str, fields_for) -> Run:
    """``clients`` threads sign up back to back for ``seconds``; each finishes its last pair."""
    run = Run(clients)
    lock = threading.Lock()
    start_line = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client(number: int) -> None:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())
        start_line.wait()
        i = 0
        while time.monotonic() < stop_at[0]:
            i += 1
            try:
                post_ms, pair_ms = sign_up_once(opener, form_url, fields_for(number, i))
            except Exception as exc:
                with lock:
                    run.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                run.post_ms.append(post_ms)
                run.pair_ms.append(pair_ms)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    cpu = time.process_time()
    began = time.monotonic()
    stop_at[0] = began + seconds
    start_line.wait()
    for thread in threads:
        thread.join()
    run.seconds = time.monotonic() - began
    run.client_cpu = (time.process_time() - cpu) / run.seconds
    return run


def bench_app(name: str, server: Server, form_url: str, fields_for) -> list[Run]:
    server.wait_ready()
    warm = measure(8, 2.0, form_url, fields_for)  # every worker compiles its templates first
    if warm.errors:
        raise RuntimeError(f"{name} warm-up failed: {warm.errors[:3]}")
    runs = []
    for clients in LEVELS:
        run = measure(clients, SECONDS, form_url, fields_for)
        print(f"  {name:8} {clients:3} clients: {len(run.pair_ms):5} sign-ups, "
              f"{run.rate:6.1f}/s, {len(run.errors)} errors", flush=True)
        runs.append(run)
    return runs


def create_consultation(url: str, instance: str) -> tuple[str, int]:
    from consultplatform import create_app
    from consultplatform.db import db
    from consultplatform.models import Consultation, ConsultationSession
    from consultplatform.timezone import now_local

    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": instance, "LOG_LEVEL": "WARNING",
                      "MAIL_ENQUEUE_ON_COMMIT": False})
    with app.app_context(), db.connection_context():
        consultation = Consultation.create(title="Benchmark", slug="benchmark", organiser="Bench",
                                           status="published", formats=["general"])
        start = (now_local() + dt.timedelta(days=30)).replace(second=0, microsecond=0)
        meeting = ConsultationSession.create(
            consultation=consultation, title="Benchmark session", format_key="general",
            starts_at=start, ends_at=start + dt.timedelta(hours=2), capacity=1_000_000)
        return consultation.slug, meeting.id


def count_rows(url: str, session_id: int) -> tuple[int, int, int]:
    with psycopg.connect(url) as conn:
        confirmed = conn.execute("SELECT count(*) FROM registration WHERE session_id = %s "
                                 "AND status = 'confirmed'", (session_id,)).fetchone()[0]
        mails = conn.execute("SELECT count(*) FROM mail_outbox").fetchone()[0]
        baseline = conn.execute("SELECT count(*) FROM bench_baseline_row").fetchone()[0]
    return confirmed, mails, baseline


def table(signup: list[Run], baseline: list[Run]) -> str:
    head = ("| clients | sign-ups/s | POST p50 | POST p95 | pair p50 | pair p95 "
            "| baseline/s | base POST p50 | base POST p95 | base pair p50 | base pair p95 "
            "| ratio (rate) | ratio (POST p50) |")
    lines = [head, "|" + "---:|" * 13]
    for s, b in zip(signup, baseline, strict=True):
        lines.append(
            f"| {s.clients} | {s.rate:.1f} | {percentile(s.post_ms, 50):.0f} ms "
            f"| {percentile(s.post_ms, 95):.0f} ms | {percentile(s.pair_ms, 50):.0f} ms "
            f"| {percentile(s.pair_ms, 95):.0f} ms | {b.rate:.1f} "
            f"| {percentile(b.post_ms, 50):.0f} ms | {percentile(b.post_ms, 95):.0f} ms "
            f"| {percentile(b.pair_ms, 50):.0f} ms | {percentile(b.pair_ms, 95):.0f} ms "
            f"| {s.rate / b.rate:.2f} | {percentile(s.post_ms, 50) / percentile(b.post_ms, 50):.1f}x |")
    return "\n".join(lines)


def main() -> int:
    name = f"cp_bench_{secrets.token_hex(6)}"
    url = _with_database(ADMIN_URL, name)
    admin = _with_database(ADMIN_URL, urlsplit(ADMIN_URL).path.lstrip("/") or "postgres")
    instance = tempfile.mkdtemp(prefix="cp_bench_")
    servers: list[Server] = []
    created = False
    # A SIGTERM (or Ctrl-C) ends the run through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        created = True
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONSULTPLATFORM_")}
        env.update(CONSULTPLATFORM_DATABASE_URL=url, CONSULTPLATFORM_INSTANCE_PATH=instance,
                   CONSULTPLATFORM_SECRET_KEY=secrets.token_hex(32),
                   CONSULTPLATFORM_RATELIMIT_ENABLED="false",
                   CONSULTPLATFORM_MAIL_ENQUEUE_ON_COMMIT="false",
                   CONSULTPLATFORM_LOG_LEVEL="WARNING", BASELINE_DATABASE_URL=url,
                   PYTHONPATH=str(ROOT))
        upgrade = subprocess.run([str(BIN / "flask"), "--app", "consultplatform", "db", "upgrade"],
                                 env=env, cwd=ROOT, capture_output=True, text=True, timeout=180)
        if upgrade.returncode:
            raise RuntimeError("flask db upgrade failed:\n" + upgrade.stderr[-3000:])
        slug, session_id = create_consultation(url, instance)
        sys.path.insert(0, str(ROOT / "bench"))
        os.environ["BASELINE_DATABASE_URL"] = url
        import baseline_app

        baseline_app.create_tables()
        run_id = secrets.token_hex(3)

        def person(number: int, i: int) -> dict[str, str]:
            return {"sessions": str(session_id), "name": f"Bench {number}-{i}",
                    "email": f"bench-{run_id}-{number}-{i}-{time.monotonic_ns()}@example.org",
                    "organisation": "Bench", "sector": "none", "side": "entrepreneur",
                    "phone": "", "privacy": "y", "website": ""}

        print(f"database {name}, {WORKERS} gunicorn workers, {SECONDS:g} s per level", flush=True)
        app_server = Server("wsgi:app", env, pathlib.Path(instance) / "signup.log")
        servers.append(app_server)
        signup = bench_app("sign-up", app_server,
                           f"{app_server.base}/c/{slug}/aanmelden?sessie={session_id}", person)
        app_server.stop()
        base_server = Server("baseline_app:app", env, pathlib.Path(instance) / "baseline.log",
                             ["--pythonpath", str(ROOT / "bench")])
        servers.append(base_server)
        baseline = bench_app("baseline", base_server, f"{base_server.base}/insert", person)
        base_server.stop()

        confirmed, mails, rows = count_rows(url, session_id)
        signed = sum(len(r.pair_ms) for r in signup)
        print()
        print(f"{platform.node()}: {os.cpu_count()} cores, {platform.python_implementation()} "
              f"{platform.python_version()}, PostgreSQL on 127.0.0.1; {time.strftime('%Y-%m-%d')}")
        print(f"gunicorn --workers {WORKERS} (sync), {SECONDS:g} s per level; latency in ms; "
              f"a sign-up = GET form + POST (303)")
        print()
        print(table(signup, baseline))
        print()
        print("client CPU (share of one core, sign-up / baseline): " + ", ".join(
            f"{s.clients}: {s.client_cpu:.0%} / {b.client_cpu:.0%}"
            for s, b in zip(signup, baseline, strict=True)))
        print(f"database: {confirmed} confirmed registrations and {mails} outbox mails for "
              f"{signed} measured sign-ups plus the warm-up; {rows} baseline rows")
        errors = [e for r in signup + baseline for e in r.errors]
        if errors:
            print(f"{len(errors)} failed sign-ups, e.g. {errors[:3]}")
        return 1 if errors or confirmed != mails else 0
    finally:
        for server in servers:
            server.stop()
        try:
            from consultplatform.db import db

            if db.obj is not None and not db.obj.is_closed():
                db.obj.close()
        finally:
            if created:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
