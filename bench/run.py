"""The benchmark suite: one command, one table.

    make bench        # or: .venv/bin/python bench/run.py

Loads the large data set once through the services (bench/prepare.py; kept for
later runs), then measures in one run, each figure beside its baseline measured
in the same run: sign-ups per second and p95 at 1, 16 and 64 clients against a
bare INSERT; requests per second and p99 of the public pages at 16 and 64
connections against a bare Flask "hello"; how long a sign-up holds the seat lock
at 0, 10,000 and 100,000 confirmed seats; p50/p95 of every staff page at demo
size and at the large size on PostgreSQL and on SQLite; and the peak memory of
the gunicorn workers after the whole run. Prints one table (bench/report.py)
and keeps the figures as JSON in bench/results/.

Settings (environment): BENCH_SCALE (1 = 100,000 people), BENCH_SECONDS (per
load level, default 10), BENCH_REPEAT (timed requests per staff page, 40),
BENCH_WORKERS (gunicorn workers, 4), BENCH_CODE (the tree to measure, default
this one; it needs its own `make install`), BENCH_DATABASE_URL (admin
connection to PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import clients
import prepare
import report
import staff
from common import (
    HERE,
    RESULTS,
    ROOT,
    Code,
    Server,
    app_env,
    copy_database,
    drop_database,
    run_checked,
    servers,
)

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "40"))
LEVELS = (1, 16, 64)
CONNECTIONS = (16, 64)
LOCK_SIGNUPS = int(os.environ.get("BENCH_LOCK_SIGNUPS", "200"))


def measure_sign_ups(app: Server, base: Server, ids: dict) -> list[dict]:
    form = f"{app.base}/c/grootstad/aanmelden?sessie={ids['bench']}"
    run_id = secrets.token_hex(3)
    app_fields = clients.NewPerson(run_id, ids["bench"])
    person = clients.NewPerson(run_id)
    insert_form = f"{base.base}/insert"
    for url, fields in ((form, app_fields), (insert_form, person)):  # warm every worker
        warm = clients.sign_ups(8, 2.0, url, fields)
        if warm.errors:
            raise RuntimeError(f"warm-up of {url} failed: {warm.errors[:3]}")
    rows = []
    for level in LEVELS:
        signed = clients.sign_ups(level, SECONDS, form, app_fields)
        inserted = clients.sign_ups(level, SECONDS, insert_form, person)
        print(f"  sign-ups at {level:2} clients: {signed.rate:6.1f}/s (bare insert "
              f"{inserted.rate:6.1f}/s), {len(signed.errors) + len(inserted.errors)} errors",
              flush=True)
        rows.append({"clients": level, "rate": signed.rate, "post_p50": signed.p("post_ms", 50),
                     "post_p95": signed.p("post_ms", 95), "pair_p95": signed.p("pair_ms", 95),
                     "base_rate": inserted.rate, "base_post_p95": inserted.p("post_ms", 95),
                     "errors": signed.errors[:3] + inserted.errors[:3],
                     "error_count": len(signed.errors) + len(inserted.errors)})
    return rows


def measure_public(app: Server, base: Server) -> list[dict]:
    pages = [("/", "/"), ("/c/<slug>", "/c/grootstad"), ("sign-up form", "/c/grootstad/aanmelden")]
    for _label, path in pages:
        clients.wrk(app.base + path, 8, 2)  # every worker renders once
    clients.wrk(base.base + "/hello", 8, 2)
    rows = []
    for connections in CONNECTIONS:
        for label, path in pages:
            # The baseline right before each page, so a drift of the machine hits both.
            hello = clients.wrk(base.base + "/hello", connections, SECONDS / 2)
            page = clients.wrk(app.base + path, connections, SECONDS / 2)
            print(f"  {label:13} at {connections} connections: {page.rate:7.1f}/s, p99 "
                  f"{page.p99_ms:6.1f} ms (hello {hello.rate:7.1f}/s)", flush=True)
            rows.append({"page": label, "connections": connections, "rate": page.rate,
                         "p50": page.p50_ms, "p99": page.p99_ms, "failed": page.failed,
                         "hello_rate": hello.rate, "hello_p99": hello.p99_ms})
    return rows


def measure_lock(code: Code, url: str, instance: str, ids: dict) -> dict:
    out = run_checked([code.python, str(HERE / "lockhold.py"), url, instance, json.dumps(ids),
                       str(LOCK_SIGNUPS)], app_env(code, url, instance), code.root)
    return json.loads(out.strip().splitlines()[-1])


def measure_staff(code: Code, url: str, instance: str, log_name: str,
                  server: Server | None = None) -> tuple[list[dict], float]:
    with servers() as started:
        if server is None:
            server = Server(code, "wsgi:app", app_env(code, url, instance),
                            RESULTS / f"{log_name}.log")
            started.append(server)
        rows = staff.measure(server.base, staff.page_ids(url), REPEAT, Server.WORKERS)
        peak = server.worker_peak_mb()
    print(f"  staff pages, {log_name}: slowest p95 "
          f"{max(r.p95 for r in rows):.0f} ms ({max(rows, key=lambda r: r.p95).label})",
          flush=True)
    return [{"label": r.label, "status": r.status, "cold": r.cold_ms, "p50": r.p50,
             "p95": r.p95} for r in rows], peak


def main() -> int:
    code = Code.from_env()
    RESULTS.mkdir(exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(f"benchmark of {code.root} at {code.revision()}, scale {SCALE:g}, {SECONDS:g} s per "
          f"level, {Server.WORKERS} gunicorn sync workers", flush=True)
    data = prepare.ensure(code, SCALE)
    run_name = f"cp_bench_run_{secrets.token_hex(4)}"
    instance = tempfile.mkdtemp(prefix="cp_bench_run_")
    result: dict = {"code": str(code.root), "revision": code.revision(), "scale": SCALE,
                    "seconds": SECONDS, "workers": Server.WORKERS,
                    "date": dt.datetime.now().isoformat(timespec="minutes"),
                    "machine": f"{platform.node()}, {os.cpu_count()} cores, "
                               f"Python {platform.python_version()}"}
    try:
        url = copy_database(data.template, run_name)
        demo_url = copy_database(data.demo_template, run_name + "_demo")
        large_sqlite = os.path.join(instance, "large.sqlite3")
        demo_sqlite = os.path.join(instance, "demo.sqlite3")
        for source, target in ((data.sqlite_file, large_sqlite),
                               (data.demo_sqlite_file, demo_sqlite)):
            prepare.settle_sqlite(source)
            shutil.copy(source, target)
        os.environ["BASELINE_DATABASE_URL"] = url
        sys.path.insert(0, str(HERE))
        import baseline_app

        baseline_app.create_tables()
        with servers() as started:
            app = Server(code, "wsgi:app", app_env(code, url, instance), RESULTS / "app.log")
            started.append(app)
            base = Server(Code(ROOT), "baseline_app:app", app_env(code, url, instance),
                          RESULTS / "baseline.log", cwd=HERE)
            started.append(base)
            print("sign-ups (PostgreSQL, large data set)", flush=True)
            result["sign_ups"] = measure_sign_ups(app, base, data.ids)
            print("public pages", flush=True)
            result["public"] = measure_public(app, base)
            print("staff pages", flush=True)
            result["staff_pg_large"], _ = measure_staff(code, url, instance, "postgresql-large",
                                                        app)
            result["memory_mb"] = app.worker_peak_mb()
        result["staff_pg_demo"], _ = measure_staff(code, demo_url, instance, "postgresql-demo")
        result["staff_sqlite_large"], _ = measure_staff(code, f"sqlite:///{large_sqlite}",
                                                        instance, "sqlite-large")
        result["staff_sqlite_demo"], _ = measure_staff(code, f"sqlite:///{demo_sqlite}",
                                                       instance, "sqlite-demo")
        print("seat lock hold time", flush=True)
        result["lock_pg"] = measure_lock(code, url, instance, data.ids)
        result["lock_sqlite"] = measure_lock(code, f"sqlite:///{large_sqlite}", instance,
                                             data.ids)
    finally:
        for name in (run_name, run_name + "_demo"):
            drop_database(name)
        shutil.rmtree(instance, ignore_errors=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"{stamp}-{result['revision']}.json"
    path.write_text(json.dumps(result, indent=1))
    print()
    print(report.render(result))
    print(f"\n(figures kept in {path.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except subprocess.CalledProcessError as failed:
        print(failed.stderr, file=sys.stderr)
        raise
    except KeyboardInterrupt:
        sys.exit(130)
