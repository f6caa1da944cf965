"""Load generators: sign-up clients (GET the form, POST it, as a browser would)
in several processes, and wrk for plain page requests."""

from __future__ import annotations

import http.cookiejar
import multiprocessing
import re
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from common import percentile

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
# Client threads per process: enough processes that the clients' own GIL does not
# set the pace at 64 clients.
THREADS_PER_PROCESS = 16


@dataclass
class Run:
    """What one concurrency level of one app measured."""

    clients: int
    seconds: float = 0.0
    post_ms: list[float] = field(default_factory=list)
    pair_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return len(self.pair_ms) / self.seconds if self.seconds else 0.0

    def p(self, which: str, q: float) -> float:
        return percentile(getattr(self, which), q)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 303 is the answer we time; the result page is not part of it


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


FieldsFor = Callable[[str, int], dict[str, str]]


@dataclass(frozen=True)
class NewPerson:
    """The sign-up form's fields for a new person each time (picklable, for the client
    processes); ``session`` is the session ticked, if the form has sessions."""

    run_id: str
    session: int | None = None

    def __call__(self, client: str, i: int) -> dict[str, str]:
        fields = {"name": f"Bench {client}-{i}",
                  "email": f"bench-{self.run_id}-{client}-{i}-{time.monotonic_ns()}@example.org",
                  "organisation": "Bench", "sector": "none", "side": "government",
                  "phone": "", "privacy": "y", "website": ""}
        if self.session is not None:
            fields["sessions"] = str(self.session)
        return fields


def _client_process(args: tuple) -> tuple[list[float], list[float], list[str]]:
    threads, first, start_at, stop_at, form_url, fields_for = args
    posts: list[float] = []
    pairs: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())
        time.sleep(max(0.0, start_at - time.time()))
        i = 0
        while time.time() < stop_at:
            i += 1
            try:
                post_ms, pair_ms = sign_up_once(opener, form_url, fields_for(f"{number}", i))
            except Exception as exc:
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                posts.append(post_ms)
                pairs.append(pair_ms)

    pool = [threading.Thread(target=client, args=(first + n,), daemon=True)
            for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return posts, pairs, errors


def sign_ups(clients: int, seconds: float, form_url: str, fields_for: FieldsFor) -> Run:
    """``clients`` concurrent clients sign up back to back for ``seconds``."""
    run = Run(clients)
    start_at = time.time() + 1.0
    stop_at = start_at + seconds
    jobs = []
    first = 0
    while first < clients:
        threads = min(THREADS_PER_PROCESS, clients - first)
        jobs.append((threads, first, start_at, stop_at, form_url, fields_for))
        first += threads
    context = multiprocessing.get_context("spawn")
    with context.Pool(len(jobs)) as pool:
        results = pool.map(_client_process, jobs)
    run.seconds = seconds
    for posts, pairs, errors in results:
        run.post_ms += posts
        run.pair_ms += pairs
        run.errors += errors
    return run


@dataclass
class PageLoad:
    rate: float
    p50_ms: float
    p99_ms: float
    failed: int


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url: str, connections: int, seconds: float) -> PageLoad:
    """``wrk --latency`` against ``url``: requests per second, p50 and p99, and how
    many answers were not 2xx/3xx or failed at the socket."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is missing: `make bench` installs it (Debian package wrk)")
    threads = min(connections, 2)
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s",
                          "--timeout", "10s", "--latency", url],
                         capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    failed = 0
    if bad := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        failed += int(bad.group(1))
    if sock := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                         out):
        failed += sum(int(n) for n in sock.groups())
    return PageLoad(rate, p50, p99, failed)
