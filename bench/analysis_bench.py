"""Expertarena analysis and capture: latency and query count as the insights grow.

    .venv/bin/python bench/analysis_bench.py

Creates a fresh database ``cp_bench_<random>`` through the admin connection
``BENCH_DATABASE_URL`` (default postgresql://postgres@127.0.0.1:5432/test), or
a SQLite file in a temporary folder with ``BENCH_DATABASE_URL=sqlite``; runs
the migrations; makes a consultation with seven sectors, seven themes and seven
arenas. For each size in ``BENCH_SIZES`` (default 100,1000,10000,50000) it tops
the insights up to that number (one or two themes each, spread over sectors and
categories) and times, in-process through Flask's test client, ``BENCH_REPEAT``
(default 20) requests of the consultation's analysis page, the same split by
category, and its heatmap; it counts the SQL statements of each request. Then
it times one moderator recording insights on the capture page (GET the page,
POST the form, 303) at the largest size. The database is dropped afterwards,
also on errors. Prints one Markdown table per part.
"""

from __future__ import annotations

import itertools
import os
import pathlib
import platform
import re
import secrets
import statistics
import sys
import tempfile
import time
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from consultplatform import create_app  # noqa: E402
from consultplatform.db import db, utcnow  # noqa: E402
from consultplatform.migrate import upgrade  # noqa: E402
from consultplatform.models import (  # noqa: E402
    Consultation,
    ConsultationSession,
    Insight,
    InsightTheme,
    Sector,
    StaffUser,
    Theme,
)
from consultplatform.plugins import registry  # noqa: E402
from consultplatform.timezone import now_local  # noqa: E402

ADMIN_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "100,1000,10000,50000").split(",")]
REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))
CAPTURES = 50
PASSWORD = "bench password " + secrets.token_hex(4)
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
KEY_RE = re.compile(r'name="submission_key"[^>]*value="([^"]+)"')
CATEGORIES = ["belevingswereld", "ontwikkelingen", "ambities", "barrieres"]


def percentile(values: list[float], p: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def _admin_dsn(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, "", ""))


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0
        original = db.obj.execute_sql

        def counting(sql, params=None, *args, **kwargs):
            self.count += 1
            return original(sql, params, *args, **kwargs)

        db.obj.execute_sql = counting


def build(app) -> tuple[Consultation, list[ConsultationSession], list[Sector], list[Theme]]:
    with app.app_context(), db.atomic():
        consultation = Consultation.create(title="Bench", slug="bench", organiser="Bench",
                                           status="published",
                                           formats=["general", "expertarena"])
        sectors = [Sector.create(consultation=consultation, name=f"Sector {n}", position=n)
                   for n in range(7)]
        themes = [Theme.create(consultation=consultation, name=f"Thema {n}", position=n)
                  for n in range(7)]
        admin = StaffUser(email="bench@example.org", name="Bench", role="admin")
        admin.set_password(PASSWORD)
        admin.save()
        start = now_local().replace(second=0, microsecond=0)
        arenas = [ConsultationSession.create(
            consultation=consultation, format_key="expertarena", title=f"Arena {n}",
            sector=sectors[n], starts_at=start, ends_at=start.replace(hour=23),
            moderator=admin) for n in range(7)]
    return consultation, arenas, sectors, themes


def top_up(app, arenas, sectors, themes, size: int) -> None:
    with app.app_context():
        have = Insight.select().count()
        categories = itertools.cycle(CATEGORIES)
        now = utcnow()
        for chunk_start in range(have, size, 2000):
            count = min(2000, size - chunk_start)
            with db.atomic():
                first = Insight.select().count()
                Insight.insert_many([{
                    "session": arenas[(first + n) % 7].id, "sector": sectors[(first + n) % 7].id,
                    "text": f"Inzicht {first + n}", "category": next(categories),
                    "weight": 1 + (first + n) % 3, "quote": "", "actor": "",
                    "created_at": now, "updated_at": now} for n in range(count)]).execute()
                ids = [row.id for row in Insight.select(Insight.id)
                       .order_by(Insight.id).offset(first)]
                links = [{"insight": i, "theme": themes[(i * 3) % 7].id} for i in ids]
                links += [{"insight": i, "theme": themes[(i * 3 + 1) % 7].id}
                          for i in ids if i % 2]
                InsightTheme.insert_many(links).execute()


def timed(client, counter: QueryCounter, url: str) -> tuple[list[float], int]:
    for _ in range(2):  # warm-up
        assert client.get(url).status_code == 200, url
    times, queries = [], set()
    for _ in range(REPEAT):
        before = counter.count
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
        queries.add(counter.count - before)
    assert len(queries) == 1, f"{url}: query count varied {queries}"
    return times, queries.pop()


def login(client) -> None:
    page = client.get("/auth/login").get_data(as_text=True)
    response = client.post("/auth/login", data={"csrf_token": CSRF_RE.search(page).group(1),
                                                 "email": "bench@example.org",
                                                 "password": PASSWORD})
    assert response.status_code == 302


def main() -> None:
    folder = tempfile.mkdtemp(prefix="cp-bench-")
    name = None
    if ADMIN_URL == "sqlite":
        url = f"sqlite:///{folder}/bench.sqlite3"
    else:
        name = f"cp_bench_{secrets.token_hex(6)}"
        with psycopg.connect(_admin_dsn(ADMIN_URL), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        parts = urlsplit(ADMIN_URL)
        url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
    try:
        app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": folder,
                          "SECRET_KEY": secrets.token_hex(16), "RATELIMIT_ENABLED": False,
                          "MAIL_ENQUEUE_ON_COMMIT": False, "LOG_LEVEL": "WARNING"})
        with app.app_context():
            upgrade(registry())
        consultation, arenas, sectors, themes = build(app)
        client = app.test_client()
        login(client)
        counter = QueryCounter()
        pages = {"analysis": f"/admin/expertarena-analyse/c/{consultation.id}/",
                 "split by category": f"/admin/expertarena-analyse/c/{consultation.id}/"
                                      "?per=categorie",
                 "heatmap.svg": f"/admin/expertarena-analyse/c/{consultation.id}/heatmap.svg"}
        print(f"# Expertarena analysis, {'SQLite' if name is None else 'PostgreSQL'}, "
              f"{REPEAT} requests per cell, in-process ({platform.python_version()}, "
              f"{os.cpu_count()} cores)\n")
        print("| insights | page | p50 ms | p95 ms | SQL statements |")
        print("|---:|---|---:|---:|---:|")
        for size in SIZES:
            top_up(app, arenas, sectors, themes, size)
            for label, page in pages.items():
                times, queries = timed(client, counter, page)
                print(f"| {size:,} | {label} | {statistics.median(times):.0f} | "
                      f"{percentile(times, 95):.0f} | {queries} |", flush=True)
        capture = f"/admin/expertarena/{arenas[0].id}/"
        page_ms, post_ms = [], []
        for n in range(CAPTURES):
            start = time.perf_counter()
            page = client.get(capture).get_data(as_text=True)
            middle = time.perf_counter()
            response = client.post(f"{capture}inzichten", data={
                "csrf_token": CSRF_RE.search(page).group(1),
                "submission_key": KEY_RE.search(page).group(1), "text": f"Gemeten {n}",
                "category": "ambities", "weight": "2", "sector": str(sectors[0].id),
                "themes": [str(themes[0].id)]})
            end = time.perf_counter()
            assert response.status_code == 303, response.status_code
            page_ms.append((middle - start) * 1000)
            post_ms.append((end - middle) * 1000)
        with app.app_context():
            in_arena = Insight.select().where(
                Insight.session == arenas[0].id).count()
        print(f"\n# Recording an insight (one moderator, arena with {in_arena:,} insights "
              f"at the end, {SIZES[-1] + CAPTURES:,} in all)\n")
        print("| step | p50 ms | p95 ms |")
        print("|---|---:|---:|")
        print(f"| capture page (GET) | {statistics.median(page_ms):.0f} | "
              f"{percentile(page_ms, 95):.0f} |")
        print(f"| save (POST, 303) | {statistics.median(post_ms):.0f} | "
              f"{percentile(post_ms, 95):.0f} |")
    finally:
        if not db.is_closed():
            db.close()
        if name is not None:
            with psycopg.connect(_admin_dsn(ADMIN_URL), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
