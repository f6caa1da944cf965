"""Staff pages: every admin list page, the admin index, participant search, the
waiting list, and the Expertarena's pages, requested one after another by a
logged-in administrator over HTTP; p50 and p95 of the timed requests, and the
first (cold) request on its own."""

from __future__ import annotations

import http.cookiejar
import sqlite3
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from clients import CSRF_RE
from common import percentile

ADMIN_EMAIL = "bench-admin@example.org"
ADMIN_PASSWORD = "bench-admin-password-123"
SEARCH_TERM = "holtrop"

# (label, path); {consultation}, {visit} (the session with the longest waiting list)
# and {arena} are filled in from the database.
PAGES = [
    ("admin index", "/admin/"),
    ("consultations", "/admin/consultation/"),
    ("sessions", "/admin/session/"),
    ("sectors", "/admin/sector/"),
    ("themes", "/admin/theme/"),
    ("participants", "/admin/participant/"),
    ("participant search", f"/admin/participant/?search={SEARCH_TERM}"),
    ("registrations", "/admin/registration/"),
    ("waiting list of a session", "/admin/registration/?flt0_0={visit}"),
    ("sign-up questions", "/admin/question/"),
    ("outbox", "/admin/outbox/"),
    ("audit log", "/admin/auditlog/"),
    ("staff", "/admin/staffuser/"),
    ("site pages", "/admin/sitepage/"),
    ("plugins", "/admin/plugins/"),
    ("arenas", "/admin/expertarena/"),
    ("capture page", "/admin/expertarena/{arena}/"),
    ("arena attendance", "/admin/expertarena/{arena}/aanwezigheid"),
    ("insights", "/admin/expertarena_insight/"),
    ("theme proposals", "/admin/expertarena_proposal/"),
    ("analysis", "/admin/expertarena-analyse/c/{consultation}/"),
    ("heatmap (SVG)", "/admin/expertarena-analyse/c/{consultation}/heatmap.svg"),
]


@dataclass
class PageTimes:
    label: str
    status: int = 0
    cold_ms: float = 0.0
    times_ms: list[float] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return percentile(self.times_ms, 50)

    @property
    def p95(self) -> float:
        return percentile(self.times_ms, 95)


def page_ids(database_url: str) -> dict[str, int]:
    """The consultation with the most sessions, its session with the longest waiting
    list, and its first arena, read straight from the database."""
    queries = {
        "consultation": "SELECT consultation_id FROM consultation_session GROUP BY "
                        "consultation_id ORDER BY COUNT(*) DESC, consultation_id LIMIT 1",
        "visit": "SELECT session_id FROM registration GROUP BY session_id ORDER BY "
                 "SUM(CASE WHEN status = 'waitlisted' THEN 1 ELSE 0 END) DESC, session_id LIMIT 1",
        "arena": "SELECT id FROM consultation_session WHERE format_key = 'expertarena' "
                 "ORDER BY id LIMIT 1",
    }
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.split("sqlite:///", 1)[1]) as conn:
            return {key: conn.execute(sql).fetchone()[0] for key, sql in queries.items()}
    import psycopg

    with psycopg.connect(database_url) as conn:
        return {key: conn.execute(sql).fetchone()[0] for key, sql in queries.items()}


def logged_in(base: str):
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(base + "/auth/login", timeout=60) as response:
        match = CSRF_RE.search(response.read().decode())
    assert match, "no csrf token on the login page"
    body = urllib.parse.urlencode({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD,
                                   "csrf_token": match.group(1) or match.group(2)})
    with opener.open(base + "/auth/login", data=body.encode(), timeout=60) as response:
        if "/auth/login" in response.geturl():
            raise RuntimeError("the benchmark's administrator could not log in")
    return opener


def _get(opener, url: str) -> tuple[int, float]:
    began = time.perf_counter()
    try:
        with opener.open(url, timeout=120) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as answer:
        status = answer.code
        answer.close()
    return status, (time.perf_counter() - began) * 1000


def measure(base: str, ids: dict[str, int], repeat: int, workers: int) -> list[PageTimes]:
    """Each page: the first request (cold: nothing cached, templates not compiled), then
    two per worker to warm them all (each compiles its templates once), then
    ``repeat`` timed ones."""
    opener = logged_in(base)
    results = []
    for label, path in PAGES:
        url = base + path.format(**ids)
        row = PageTimes(label)
        row.status, row.cold_ms = _get(opener, url)
        for _ in range(2 * workers):
            _get(opener, url)
        for _ in range(repeat):
            status, ms = _get(opener, url)
            row.status = row.status if row.status != 200 else status
            row.times_ms.append(ms)
        results.append(row)
    return results
