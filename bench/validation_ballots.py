"""Ballots per second and p95 latency through gunicorn, at 16 and 64 clients.

    make bench-validation                                   # PostgreSQL (else SQLite)
    .venv/bin/python bench/validation_ballots.py --seconds 10

Makes a scratch database (PostgreSQL on BENCH_DATABASE_URL when it answers, else an
SQLite file), brings it to the app's schema (``flask db upgrade``), then, in a
child process of the tree under test, makes a consultation whose people took part
and opens a validation round on an agenda of ten items. The app runs under
gunicorn as the suite configures it (``common.Server``). Each client is one voter's
device: it opens its personal link once (the CSRF token and the room's cookie),
then posts verdicts on the round's items one after another, round and round, so
every POST is an upsert of a ballot (``cast_ballot``: the round's key-share lock,
the upsert, the "finished" check) and answers 303.

The baseline is ``bench/baseline_app.py``'s bare insert (POST /insert: one INSERT
in a transaction, 303) under the same gunicorn command, measured in the same run
right after each level of the app (PostgreSQL only: the baseline app has no SQLite
setting). Prints ballots per second and p95 of the POST, and the ratios to the
baseline. Never asserts a time.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import multiprocessing
import os
import pathlib
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from clients import CSRF_RE, THREADS_PER_PROCESS, Run, _NoRedirect
from common import (
    ADMIN_URL,
    HERE,
    ROOT,
    Code,
    Server,
    admin_connection,
    app_env,
    drop_database,
    run_checked,
    servers,
    with_database,
)

LEVELS = (16, 64)
ITEMS = 10
VOTERS = 64


# --- the child: the round, made in the app's own process --------------------------------------


def child() -> None:
    from consultplatform import create_app
    from consultplatform.api import AgendaItemInput, create_agenda_item
    from consultplatform.testing import factories
    from consultplatform_validation.models import ValidationItem, ValidationVoter
    from consultplatform_validation.rounds import RoundInput, create_round, open_round

    app = create_app({"MFA_REQUIRED_ROLES": [], "TASKS_ENQUEUE": False,
                      "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        parent = factories.consultation()
        sector = factories.sector(parent, "Landbouw")
        meeting = factories.session(parent, title="Expertarena")
        for n in range(VOTERS):
            person = factories.participant(parent, sector=sector, name=f"Bench {n}",
                                           email=f"bench{n}@example.org")
            factories.registration(person, meeting)
        for n in range(ITEMS):
            create_agenda_item(parent.id, AgendaItemInput(title=f"Punt {n}", text="tekst"))
        round_ = create_round(parent.id, RoundInput(title="Bench"))
    with app.test_request_context():
        open_round(round_.id)
        items = [row.id for row in ValidationItem.select(ValidationItem.id)
                 .where(ValidationItem.round == round_.id)]
        tokens = [row.token for row in ValidationVoter.select(ValidationVoter.token)
                  .where(ValidationVoter.round == round_.id).order_by(ValidationVoter.id)]
    print(json.dumps({"items": items, "tokens": tokens}))


# --- the clients -----------------------------------------------------------------------------


def _post(opener, url: str, body: bytes) -> float:
    began = time.perf_counter()
    try:
        with opener.open(url, data=body, timeout=120) as response:
            raise RuntimeError(f"POST answered {response.status}, not 303")
    except urllib.error.HTTPError as answer:
        with answer:
            if answer.code != 303:
                raise RuntimeError(f"POST answered {answer.code}") from None
    return (time.perf_counter() - began) * 1000


def _client_process(args: tuple) -> tuple[list[float], list[str]]:
    """``jobs``: (form address, [post addresses]) per client thread: GET the form once,
    then POST the addresses round and round until ``stop_at``."""
    jobs, start_at, stop_at, fields = args
    posts: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(form_url: str, targets: list[str]) -> None:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())
        with opener.open(form_url, timeout=120) as response:
            match = CSRF_RE.search(response.read().decode())
        if not match:
            with lock:
                errors.append("no csrf_token on the page")
            return
        body = urllib.parse.urlencode({**fields, "csrf_token": match.group(1)
                                       or match.group(2)}).encode()
        time.sleep(max(0.0, start_at - time.time()))
        n = 0
        while time.time() < stop_at:
            try:
                took = _post(opener, targets[n % len(targets)], body)
            except Exception as exc:
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            finally:
                n += 1
            with lock:
                posts.append(took)

    pool = [threading.Thread(target=client, args=job, daemon=True) for job in jobs]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return posts, errors


def load(jobs: list[tuple[str, list[str]]], seconds: float, fields: dict[str, str]) -> Run:
    """Every job a client, in processes of THREADS_PER_PROCESS threads."""
    run = Run(len(jobs))
    start_at = time.time() + 2.0
    stop_at = start_at + seconds
    chunks = [(jobs[i:i + THREADS_PER_PROCESS], start_at, stop_at, fields)
              for i in range(0, len(jobs), THREADS_PER_PROCESS)]
    with multiprocessing.get_context("spawn").Pool(len(chunks)) as pool:
        results = pool.map(_client_process, chunks)
    run.seconds = seconds
    for posts, errors in results:
        run.post_ms += posts
        run.pair_ms += posts  # one POST a ballot: the rate counts the POSTs
        run.errors += errors
    return run


# --- the parent ------------------------------------------------------------------------------


def _postgres_answers() -> bool:
    try:
        with admin_connection():
            return True
    except Exception:
        return False


def measure(label: str, url: str, code: Code, work: str, seconds: float,
            baseline: bool) -> list[str]:
    instance = tempfile.mkdtemp(prefix="instance_", dir=work)
    env = app_env(code, url, instance)
    run_checked([str(code.bin / "flask"), "--app", "consultplatform", "db", "upgrade"], env, ROOT)
    made = json.loads(run_checked([code.python, __file__, "--child"], env,
                                  HERE).strip().splitlines()[-1])
    verdict = {"verdict": "agree_changes", "reason": "Korter graag", "comment": "",
               "suggestion": ""}
    lines = [f"{label}: {len(made['tokens'])} voters, {len(made['items'])} items, "
             f"{Server.WORKERS} gunicorn sync workers, {seconds:g} s per level"]
    lines.append(f"  {'clients':>7} {'ballots/s':>10} {'p95 ms':>8} {'bare/s':>8} "
                 f"{'bare p95':>9} {'rate x':>7} {'p95 x':>6} {'errors':>6}")
    if baseline:
        os.environ["BASELINE_DATABASE_URL"] = url
        sys.path.insert(0, str(HERE))
        import baseline_app

        baseline_app.create_tables()
    with servers() as started:
        app = Server(code, "wsgi:app", env, pathlib.Path(work) / "app.log")
        started.append(app)
        base = None
        if baseline:
            base = Server(Code(ROOT), "baseline_app:app", env, pathlib.Path(work) / "base.log",
                          cwd=HERE)
            started.append(base)
        for level in LEVELS:
            jobs = [(f"{app.base}/toetsing/{token}",
                     [f"{app.base}/toetsing/{token}/{item}" for item in made["items"]])
                    for token in (made["tokens"] * 2)[:level]]
            ours = load(jobs, seconds, verdict)
            cells = [f"{level:7}", f"{ours.rate:10.1f}", f"{ours.p('post_ms', 95):8.1f}"]
            errors = len(ours.errors)
            if base is not None:
                bare = load([(f"{base.base}/insert", [f"{base.base}/insert"])] * level, seconds,
                            {"email": "bench@example.org"})
                errors += len(bare.errors)
                cells += [f"{bare.rate:8.1f}", f"{bare.p('post_ms', 95):9.1f}",
                          f"{ours.rate / bare.rate:7.2f}" if bare.rate else f"{'-':>7}",
                          f"{ours.p('post_ms', 95) / bare.p('post_ms', 95):6.2f}"
                          if bare.post_ms else f"{'-':>6}"]
            else:
                cells += [f"{'-':>8}", f"{'-':>9}", f"{'-':>7}", f"{'-':>6}"]
            lines.append("  " + " ".join(cells) + f" {errors:6}")
            for error in ours.errors[:2]:
                lines.append(f"    error: {error}")
    if base is None:
        lines.append("  (no baseline: bench/baseline_app.py needs PostgreSQL)")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float,
                        default=float(os.environ.get("BENCH_SECONDS", "10")))
    parser.add_argument("--sqlite", action="store_true", help="SQLite even when PostgreSQL "
                        "answers (no baseline then)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child()
        return
    code = Code.from_env()
    work = tempfile.mkdtemp(prefix="cp_bench_validation_")
    report = [f"validation ballots benchmark, {code.revision()}, "
              f"{time.strftime('%Y-%m-%d %H:%M')}"]
    try:
        if _postgres_answers() and not options.sqlite:
            name = f"cp_bench_validation_{secrets.token_hex(4)}"
            with admin_connection() as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            try:
                report += measure("PostgreSQL", with_database(ADMIN_URL, name), code, work,
                                  options.seconds, baseline=True)
            finally:
                drop_database(name)
        else:
            url = f"sqlite:///{os.path.join(work, 'bench.sqlite')}"
            report += measure("SQLite", url, code, work, options.seconds, baseline=False)
    except (RuntimeError, subprocess.SubprocessError) as exc:
        print("\n".join(report), file=sys.stderr)
        raise SystemExit(str(exc)) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\n".join(report))


if __name__ == "__main__":
    main()
