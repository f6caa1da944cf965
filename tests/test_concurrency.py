"""No overbooking under real concurrency, on SQLite and on PostgreSQL.

Sixty people sign up at the same moment for a session with five seats (or a
per-sector cap of two): each from its own thread with its own database
connection, first in-process through Flask test clients, then (PostgreSQL)
over HTTP through gunicorn with three worker processes. Nothing is mocked;
the rows are counted with peewee once every thread has finished.
"""

from __future__ import annotations

import html
import http.cookiejar
import os
import pathlib
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from consultplatform.db import db
from consultplatform.models import OutboxMail, Participant, Registration
from consultplatform.services.signup import ALREADY, CONFIRMED, describe
from consultplatform.testing import factories
from tests.conftest import PG_URL, make_app
from tests.forms import form_data

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path(sys.executable).parent

APPLICANTS = 60
CAPACITY = 5
SECTORS = 4
SECTOR_CAP = 2
BARRIER_TIMEOUT = 60
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')

needs_postgres = pytest.mark.skipif(
    not PG_URL, reason="needs PostgreSQL: set TEST_DATABASE_URL to run gunicorn against it")


# -- what every scenario checks ------------------------------------------------------------


def applicant_data(n: int, sector: str = "none", email: str | None = None) -> dict[str, str]:
    return {"name": f"Ondernemer {n}", "email": email or f"racer{n}@example.org",
            "organisation": f"Bedrijf {n}", "sector": sector, "side": "entrepreneur",
            "phone": "", "privacy": "y", "website": ""}


def assert_all_redirected(results: list[tuple[int, str]], slug: str) -> None:
    """Every POST answered 303 to the result page: no 500, no "database is locked"."""
    bad = [r for r in results if r[0] != 303 or not r[1].endswith(f"/c/{slug}/aangemeld")]
    assert not bad, f"{len(bad)} of {len(results)} sign-ups did not succeed: {bad[:3]}"


def registrations(session_id: int) -> Counter:
    return Counter(status for (status,) in Registration.select(Registration.status)
                   .where(Registration.session == session_id).tuples())


def mails_match_registrations() -> Counter:
    """One mail per registration, of the kind its status calls for; returns the kinds."""
    rows = list(Registration.select(Registration.id, Registration.status).tuples())
    mails = list(OutboxMail.select(OutboxMail.registration, OutboxMail.kind).tuples())
    assert len(mails) == len(rows), "exactly one mail per registration"
    expected = {rid: ("confirmation" if status == "confirmed" else "waitlisted")
                for rid, status in rows}
    assert dict(mails) == expected
    return Counter(kind for _, kind in mails)


def assert_capacity_held(session_id: int) -> None:
    assert registrations(session_id) == {"confirmed": CAPACITY,
                                         "waitlisted": APPLICANTS - CAPACITY}
    assert Participant.select().count() == APPLICANTS
    assert mails_match_registrations() == {"confirmation": CAPACITY,
                                           "waitlisted": APPLICANTS - CAPACITY}


def assert_sector_caps_held(session_id: int, sector_ids: list[int]) -> None:
    confirmed = Counter(sector for (sector,) in Registration.select(Participant.sector)
                        .join(Participant)
                        .where((Registration.session == session_id)
                               & (Registration.status == "confirmed")).tuples())
    assert confirmed == dict.fromkeys(sector_ids, SECTOR_CAP)
    waiting = APPLICANTS - SECTOR_CAP * SECTORS
    assert registrations(session_id) == {"confirmed": SECTOR_CAP * SECTORS, "waitlisted": waiting}
    assert Participant.select().count() == APPLICANTS
    assert mails_match_registrations() == {"confirmation": SECTOR_CAP * SECTORS,
                                           "waitlisted": waiting}


def assert_one_registration(session_id: int) -> None:
    assert registrations(session_id) == {"confirmed": 1}
    assert Participant.select().count() == 1
    assert mails_match_registrations() == {"confirmation": 1}


def assert_both_sessions_held(session_ids: list[int], people: int) -> None:
    for session_id in session_ids:
        assert registrations(session_id) == {"confirmed": CAPACITY, "waitlisted": people - CAPACITY}
    assert Participant.select().count() == people
    assert mails_match_registrations() == {"confirmation": CAPACITY * len(session_ids),
                                           "waitlisted": (people - CAPACITY) * len(session_ids)}


def race(count: int, prepare: Callable[[int], Callable[[], tuple[int, str]]]) -> list[tuple[int, str]]:
    """Run ``count`` sign-ups at once: each thread prepares (fetches its form), then
    all wait at a barrier and post together. Returns (status, Location) per POST."""
    barrier = threading.Barrier(count, timeout=BARRIER_TIMEOUT)
    lock = threading.Lock()
    in_flight = most = 0

    def one(n: int) -> tuple[int, str]:
        nonlocal in_flight, most
        try:
            post = prepare(n)
        except BaseException:
            barrier.abort()
            raise
        barrier.wait()
        with lock:
            in_flight += 1
            most = max(most, in_flight)
        try:
            return post()
        finally:
            with lock:
                in_flight -= 1

    with ThreadPoolExecutor(max_workers=count) as pool:
        results = list(pool.map(one, range(count)))
    # The barrier let them all go together: most POSTs were under way at the same time.
    assert most >= count // 2, f"only {most} of {count} POSTs overlapped"
    return results


# Scenario: (its name, how many threads race).
SCENARIOS = [("capacity", APPLICANTS), ("sectors", APPLICANTS), ("same_person", 10),
             ("two_sessions", 40)]


def scenario(kind: str, sector_ids: list[int], session_ids: list[int]) -> Callable[[int], dict]:
    """Who applicant ``n`` is in each scenario, and what they ask for."""
    if kind == "capacity":
        return lambda n: applicant_data(n)
    if kind == "sectors":
        return lambda n: applicant_data(n, str(sector_ids[n % len(sector_ids)]))
    if kind == "same_person":
        return lambda n: applicant_data(n, email="Dezelfde.Persoon@Example.org")
    # Both sessions in one form, listed in either order: the lock order must not depend on it.
    return lambda n: {**applicant_data(n), "sessions": [str(i) for i in
                                                        (session_ids if n % 2 else session_ids[::-1])]}


def setup_sessions(kind: str):
    consultation = factories.consultation()
    sectors = [factories.sector(consultation) for _ in range(SECTORS)]
    if kind == "sectors":
        meetings = [factories.session(consultation, capacity=None, sector_cap=SECTOR_CAP)]
    else:
        meetings = [factories.session(consultation, capacity=CAPACITY)
                    for _ in range(2 if kind == "two_sessions" else 1)]
    return consultation, [m.id for m in meetings], [s.id for s in sectors]


def check(kind: str, threads: int, session_ids: list[int], sector_ids: list[int]) -> None:
    if kind == "capacity":
        assert_capacity_held(session_ids[0])
    elif kind == "sectors":
        assert_sector_caps_held(session_ids[0], sector_ids)
    elif kind == "same_person":
        assert_one_registration(session_ids[0])
    else:
        assert_both_sessions_held(session_ids, threads)


# -- in-process: threads with their own test client and database connection ----------------


@pytest.fixture
def racing_app(app, migrated, instance_dir):
    """The app on freshly emptied tables, without the per-IP limit (all threads share an IP)."""
    application = make_app(migrated, instance_dir, RATELIMIT_ENABLED=False)
    yield application
    if not db.is_closed():
        db.close()


def in_process(application, slug: str, session_id: int, data: dict[str, str]):
    """GET the form with this thread's own client; return the POST to fire later."""
    client = application.test_client()
    page = client.get(f"/c/{slug}/aanmelden?sessie={session_id}")
    assert page.status_code == 200, page.status_code
    post = form_data(page.get_data(as_text=True), "aanmelden")
    assert post["sessions"] == str(session_id)
    post.update(data)

    def send() -> tuple[int, str]:
        response = client.post(f"/c/{slug}/aanmelden", data=post)
        return response.status_code, response.headers.get("Location", "") or \
            response.get_data(as_text=True)[-300:]

    return send


@pytest.mark.parametrize(("kind", "threads"), SCENARIOS)
def test_concurrent_sign_ups_in_process(racing_app, kind, threads):
    consultation, session_ids, sector_ids = setup_sessions(kind)
    who = scenario(kind, sector_ids, session_ids)
    results = race(threads, lambda n: in_process(racing_app, consultation.slug, session_ids[0],
                                                 who(n)))
    assert_all_redirected(results, consultation.slug)
    check(kind, threads, session_ids, sector_ids)


def test_double_submit_gives_one_registration(app, client):
    consultation, (session_id,), _ = setup_sessions("capacity")
    url = f"/c/{consultation.slug}/aanmelden"
    data = form_data(client.get(f"{url}?sessie={session_id}").get_data(as_text=True), "aanmelden")
    data.update(applicant_data(1))
    pages = []
    for _ in range(2):
        response = client.post(url, data=data)
        assert response.status_code == 303
        pages.append(html.unescape(client.get(response.headers["Location"]).get_data(as_text=True)))
    with app.test_request_context():
        signed_up, already = describe(CONFIRMED), describe(ALREADY)
    # The page does not tell that the address was known (issue 8, point 2): the second
    # answer is the first one again, and the double click sends no second mail.
    assert signed_up in pages[0] and already not in pages[0]
    assert signed_up in pages[1] and already not in pages[1]
    assert_one_registration(session_id)


# -- through gunicorn on PostgreSQL ---------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 303 itself is what we check


@pytest.fixture(scope="module")
def gunicorn(migrated, tmp_path_factory):
    """gunicorn serving wsgi:app on the test database: 3 worker processes with 4 threads each.

    Sync workers run 3 requests at once (one per process; measured: 3 connections to
    the database at most); gthread also overlaps requests inside a worker (peewee's
    connections are per thread), so up to 12 sign-ups race (measured: 12-13).
    """
    if not migrated.startswith("postgres"):
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL to run gunicorn against it")
    instance = tmp_path_factory.mktemp("served-instance")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONSULTPLATFORM_")}
    env.update(CONSULTPLATFORM_DATABASE_URL=migrated,
               CONSULTPLATFORM_INSTANCE_PATH=str(instance),
               CONSULTPLATFORM_PLUGINS_EXTRA='["fullhooks=tests.plugin_fullhooks"]',
               # Every worker must sign sessions with the same key (the form's CSRF token).
               CONSULTPLATFORM_SECRET_KEY="concurrency-test-key",
               CONSULTPLATFORM_RATELIMIT_ENABLED="false",
               # As in production: every commit also nudges the mail worker through
               # huey's queue (SQLite in the instance folder; no consumer runs here).
               CONSULTPLATFORM_MAIL_ENQUEUE_ON_COMMIT="true",
               CONSULTPLATFORM_LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT))
    port = _free_port()
    log_path = instance / "gunicorn.log"
    log = log_path.open("wb")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--no-control-socket", "--workers", "3",
         "--worker-class", "gthread", "--threads", "4", "--bind", f"127.0.0.1:{port}",
         "wsgi:app"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("gunicorn did not answer: " + log_path.read_text()[-2000:])
                time.sleep(0.2)
        yield base, log_path
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def over_http(base: str, slug: str, session_id: int, data: dict[str, str]):
    """Fetch the form with this thread's own cookie jar; return the POST to fire later."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())
    url = f"{base}/c/{slug}/aanmelden"
    with opener.open(f"{url}?sessie={session_id}", timeout=60) as response:
        page = response.read().decode()
    post = form_data(page, "aanmelden")
    match = CSRF_RE.search(page)
    assert match and post["csrf_token"] == (match.group(1) or match.group(2))
    post.update(data)
    body = urllib.parse.urlencode(post, doseq=True).encode()

    def send() -> tuple[int, str]:
        try:
            with opener.open(url, data=body, timeout=60) as response:
                return response.status, response.read().decode()[-300:]
        except urllib.error.HTTPError as answer:  # the 303 (no redirect followed) and errors
            with answer:
                return answer.code, answer.headers.get("Location") or answer.read().decode()[-300:]

    return send


class BackendSampler(threading.Thread):
    """Counts, every few milliseconds, the server's connections to the test database:
    proof that requests really were handled at the same time."""

    def __init__(self, database_url: str) -> None:
        super().__init__(daemon=True)
        self.url, self.most, self.waited_for_lock = database_url, 0, False
        self.stop = threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop.is_set():
                rows = conn.execute(
                    "SELECT wait_event_type FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchall()
                self.most = max(self.most, len(rows))
                self.waited_for_lock |= any(r[0] == "Lock" for r in rows)
                time.sleep(0.003)


@needs_postgres
@pytest.mark.parametrize(("kind", "threads"), SCENARIOS)
def test_concurrent_sign_ups_through_gunicorn(app, migrated, gunicorn, kind, threads):
    base, log_path = gunicorn
    consultation, session_ids, sector_ids = setup_sessions(kind)
    who = scenario(kind, sector_ids, session_ids)
    db.close()  # from here on every connection to the test database is the server's
    sampler = BackendSampler(migrated)
    sampler.start()
    try:
        results = race(threads, lambda n: over_http(base, consultation.slug, session_ids[0], who(n)))
    finally:
        sampler.stop.set()
        sampler.join()
    assert_all_redirected(results, consultation.slug)
    check(kind, threads, session_ids, sector_ids)
    # One worker has 4 threads: 9 connections at once means all 3 workers were busy together.
    needed = 9 if threads >= 12 else 5
    assert sampler.most >= needed, f"at most {sampler.most} requests overlapped in the server"
    assert sampler.waited_for_lock, "no request ever waited for the seat lock"
    log = log_path.read_text()
    for trouble in ("Traceback", "deadlock", "database is locked", "mail queue unreachable"):
        assert trouble not in log, log[-2000:]
