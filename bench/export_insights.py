"""How fast, and in how much memory, a million Expertarena insights are exported.

    make bench-export                                  # 1,000,000 insights, SQLite
    .venv/bin/python bench/export_insights.py --rows 100000          # a quick check
    .venv/bin/python bench/export_insights.py --postgres             # PostgreSQL too
    BENCH_EXPORT_POSTGRES=1 make bench-export                        # the same

Makes a scratch database (an SQLite file in a temporary folder; with ``--postgres`` also
a scratch database on BENCH_DATABASE_URL, default postgres@127.0.0.1:5432), brings it to
the app's schema (``flask db upgrade``), adds one consultation with seven Expertarenas,
seven sectors and seven themes, and bulk-loads N insights (executemany / COPY), a third
of them linked to a theme. Then, in the same run, side by side:

- ours: ``flask --app consultplatform export run expertarena_insights --consultation
  SLUG --format csv --output X``, a subprocess;
- plain: sqlite3 (psycopg) + the csv module writing the same columns from the same
  tables (session title, sector name and themes joined in the query, by id), the
  baseline.

Prints for each: seconds, rows/s, ours/plain speed (goal >= 0.7) and the peak memory
of the process (its max RSS from ``wait4``; goal < 100 MB), then the peak memory of
ours for the other formats that exist (csv-excel, xlsx, jsonl, zip). Never asserts a
time: it prints figures, measured against a baseline of the same run.
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import shutil
import subprocess
import tempfile
import textwrap
import time
from collections.abc import Iterator

from common import (
    ADMIN_URL,
    ROOT,
    Code,
    admin_connection,
    app_env,
    drop_database,
    run_checked,
    with_database,
)

SLUG = "exportbench"
DATASET = "expertarena_insights"
SPEED_GOAL, MEMORY_GOAL_MB = 0.7, 100
OTHER_FORMATS = ("csv-excel", "xlsx", "jsonl", "zip")
SECTORS = ["Landbouw", "Industrie", "Detailhandel", "Toerisme", "Zorg", "Bouw", "Logistiek"]
THEMES = ["Arbeidsmarkt", "Huisvesting", "Bereikbaarheid", "Positionering", "Samenwerking",
          "Energie", "Digitalisering"]
CATEGORIES = ["belevingswereld", "ontwikkelingen", "ambities", "barrieres"]
ACTORS = ["gemeente", "onderwijs", "ondernemers", "samen", ""]
TEXTS = [
    "Meer stageplaatsen in de regio, vooral voor mbo-studenten",
    'Het bedrijventerrein "De Hoek" is slecht bereikbaar met het openbaar vervoer',
    "Vergunningen duren te lang; de regels zijn onduidelijk\nen verschillen per gemeente",
    "=HYPERLINK(\"http://example.org\") mag nooit een formule worden",
    "Samenwerking tussen onderwijs, gemeente en ondernemers versterken",
    "Woningen voor arbeidsmigranten en jonge werknemers ontbreken",
    "Glasvezel op het buitengebied: ondernemers wachten al jaren",
]
QUOTES = ["", "", "", "", "We willen wel, maar het loket is nergens te vinden.",
          "Een vaste contactpersoon zou enorm helpen"]
BATCH = 50_000

PLAIN_SQLITE = textwrap.dedent('''
    import csv, sqlite3, sys
    path, slug, out = sys.argv[1:4]
    conn = sqlite3.connect(path)
    query = """
    SELECT i.id, i.session_id, s.title, COALESCE(sec.name, ''), i.category,
      COALESCE((SELECT group_concat(name, '; ') FROM (SELECT t.name FROM insight_theme it
        JOIN theme t ON t.id = it.theme_id WHERE it.insight_id = i.id
        ORDER BY t.position, t.name)), ''),
      i.actor, i.weight, i.text, i.quote, i.created_at
    FROM insight i JOIN consultation_session s ON s.id = i.session_id
    JOIN consultation c ON c.id = s.consultation_id
    LEFT JOIN sector sec ON sec.id = i.sector_id
    WHERE c.slug = ? AND s.format_key = 'expertarena' AND s.status != 'cancelled'
    ORDER BY i.id"""
    with open(out, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\\r\\n")
        writer.writerow(["insight_id", "session_id", "session", "sector", "category", "themes",
                         "who_should_act", "weight", "text", "quote", "recorded_at"])
        writer.writerows(conn.execute(query, (slug,)))
''')

PLAIN_POSTGRES = textwrap.dedent('''
    import csv, sys
    import psycopg
    url, slug, out = sys.argv[1:4]
    query = """
    SELECT i.id, i.session_id, s.title, COALESCE(sec.name, ''), i.category,
      COALESCE((SELECT string_agg(t.name, '; ' ORDER BY t.position, t.name)
        FROM insight_theme it JOIN theme t ON t.id = it.theme_id
        WHERE it.insight_id = i.id), ''),
      i.actor, i.weight, i.text, i.quote, i.created_at
    FROM insight i JOIN consultation_session s ON s.id = i.session_id
    JOIN consultation c ON c.id = s.consultation_id
    LEFT JOIN sector sec ON sec.id = i.sector_id
    WHERE c.slug = %s AND s.format_key = 'expertarena' AND s.status <> 'cancelled'
    ORDER BY i.id"""
    with psycopg.connect(url) as conn, conn.cursor(name="export") as cursor, \\
            open(out, "w", newline="", encoding="utf-8") as file:
        cursor.itersize = 5000
        writer = csv.writer(file, lineterminator="\\r\\n")
        writer.writerow(["insight_id", "session_id", "session", "sector", "category", "themes",
                         "who_should_act", "weight", "text", "quote", "recorded_at"])
        cursor.execute(query, (slug,))
        writer.writerows(cursor)
''')


def measured(args: list[str], env: dict[str, str]) -> tuple[float, float, float, int, str]:
    """(seconds, CPU seconds, peak MB, exit code, stderr) of one child, its own rusage
    from wait4. CPU time is the steadier figure on a busy machine."""
    with tempfile.TemporaryFile() as err:
        began = time.perf_counter()
        child = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - began
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        return (seconds, cpu, usage.ru_maxrss / 1024, child.returncode,
                err.read().decode()[-3000:])


def records(path: str) -> int:
    with open(path, newline="", encoding="utf-8-sig") as file:
        return sum(1 for _ in csv.reader(file)) - 1


# --- the scratch database ---------------------------------------------------------------


def setup(env: dict[str, str]) -> dict:
    """The consultation, sectors, themes and arenas, through the models (few rows)."""
    script = textwrap.dedent('''
        import datetime as dt, json
        from consultplatform import create_app
        from consultplatform.db import db
        from consultplatform.models import Consultation, ConsultationSession, Sector, Theme
        SECTORS, THEMES = %r, %r
        app = create_app()
        with app.app_context(), db.connection_context():
            parent = Consultation.create(title="Exportbenchmark", slug=%r, organiser="Gemeente",
                                         status="published", formats=["expertarena", "general"])
            sectors = [Sector.create(consultation=parent, name=n, position=i)
                       for i, n in enumerate(SECTORS)]
            themes = [Theme.create(consultation=parent, name=n, position=i)
                      for i, n in enumerate(THEMES)]
            start = dt.datetime(2026, 3, 2, 19, 0)
            arenas = [ConsultationSession.create(
                consultation=parent, format_key="expertarena", title="Expertarena " + s.name,
                sector=s, starts_at=start + dt.timedelta(days=i),
                ends_at=start + dt.timedelta(days=i, hours=2), status="closed")
                for i, s in enumerate(sectors)]
            print(json.dumps({"sectors": [s.id for s in sectors], "themes": [t.id for t in themes],
                              "arenas": [a.id for a in arenas]}))
    ''') % (SECTORS, THEMES, SLUG)
    import json

    out = run_checked([Code.from_env().python, "-c", script], env, ROOT)
    return json.loads(out.strip().splitlines()[-1])


def insight_rows(n: int, ids: dict) -> Iterator[tuple]:
    stamps = [f"2026-03-{2 + d:02d} {19 + h // 60:02d}:{h % 60:02d}:00"
              for d in range(7) for h in range(120)]
    arenas, sectors = ids["arenas"], ids["sectors"]
    for i in range(1, n + 1):
        k = i % 7
        yield (i, arenas[k], f"{TEXTS[i % len(TEXTS)]} ({i})", CATEGORIES[i % 4],
               None if i % 50 == 0 else sectors[k], ACTORS[i % 5], QUOTES[i % len(QUOTES)],
               1 + i % 3, stamps[i % len(stamps)], stamps[i % len(stamps)], "")


def link_rows(n: int, ids: dict) -> Iterator[tuple]:
    themes = ids["themes"]
    for i in range(1, n + 1):
        if i % 3 == 0:
            yield (i, themes[i % 7])
        if i % 10 == 0:
            yield (i, themes[(i + 3) % 7])


INSIGHT_COLUMNS = ("id", "session_id", "text", "category", "sector_id", "actor", "quote",
                   "weight", "created_at", "updated_at", "set_aside_reason")


def batches(rows: Iterator[tuple]) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def load_sqlite(path: str, n: int, ids: dict) -> None:
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    # The content-revision triggers renew a counter per row: not what is measured here.
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND "
                            "tbl_name IN ('insight', 'insight_theme')").fetchall()
    conn.execute("BEGIN")
    for name, _sql in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    marks = ", ".join("?" * len(INSIGHT_COLUMNS))
    for batch in batches(insight_rows(n, ids)):
        conn.executemany(f"INSERT INTO insight ({', '.join(INSIGHT_COLUMNS)}) "  # noqa: S608
                         f"VALUES ({marks})", batch)
    for batch in batches(link_rows(n, ids)):
        conn.executemany("INSERT INTO insight_theme (insight_id, theme_id) VALUES (?, ?)", batch)
    for _name, sql in triggers:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


def load_postgres(url: str, n: int, ids: dict) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute("ALTER TABLE insight DISABLE TRIGGER USER")
        conn.execute("ALTER TABLE insight_theme DISABLE TRIGGER USER")
        with conn.cursor() as cursor:
            with cursor.copy(f"COPY insight ({', '.join(INSIGHT_COLUMNS)}) FROM STDIN") as copy:
                for row in insight_rows(n, ids):
                    copy.write_row(row)
            with cursor.copy("COPY insight_theme (insight_id, theme_id) FROM STDIN") as copy:
                for row in link_rows(n, ids):
                    copy.write_row(row)
        conn.execute("ALTER TABLE insight ENABLE TRIGGER USER")
        conn.execute("ALTER TABLE insight_theme ENABLE TRIGGER USER")
        conn.execute("SELECT setval('insight_id_seq', %s)", (n,))
        conn.execute("SELECT setval('insight_theme_id_seq', "
                     "(SELECT COALESCE(MAX(id), 1) FROM insight_theme))")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


# --- one run on one database ---------------------------------------------------------------


def ours_args(code: Code, fmt: str, out: str) -> list[str]:
    """The CLI's command line; the ZIP holds every dataset of the consultation (the
    bench's consultation has its sessions, themes and a million insights), the
    registrations too (personal: with a purpose)."""
    zip_all = ["all", "--purpose", "accountability"] if fmt == "zip" else [DATASET]
    return [str(code.bin / "flask"), "--app", "consultplatform", "export", "run", *zip_all,
            "--consultation", SLUG, "--format", fmt, "--output", out]


def run_on(label: str, url: str, plain: list[str], n: int, code: Code, work: str) -> list[str]:
    instance = tempfile.mkdtemp(prefix="instance_", dir=work)
    env = app_env(code, url, instance)
    lines = []
    began = time.perf_counter()
    run_checked([str(code.bin / "flask"), "--app", "consultplatform", "db", "upgrade"], env, ROOT)
    ids = setup(env)
    print(f"[{label}] schema and setup {time.perf_counter() - began:.1f} s; loading {n:,} "
          "insights", flush=True)
    began = time.perf_counter()
    if url.startswith("sqlite"):
        load_sqlite(url.split("sqlite:///", 1)[1], n, ids)
    else:
        load_postgres(url, n, ids)
    print(f"[{label}] loaded in {time.perf_counter() - began:.1f} s", flush=True)
    ours_out, plain_out = os.path.join(work, "ours.csv"), os.path.join(work, "plain.csv")
    plain_s, plain_cpu, plain_mb, rc, err = measured([code.python, "-c", plain[0], plain[1], SLUG,
                                           plain_out], env)
    if rc:
        raise RuntimeError(f"plain export failed:\n{err}")
    ours_s, ours_cpu, ours_mb, rc, err = measured(ours_args(code, "csv", ours_out), env)
    if rc:
        raise RuntimeError(f"our export failed:\n{err}")
    how = "flask export run"
    rows_ours, rows_plain = records(ours_out), records(plain_out)
    check = "same rows" if rows_ours == rows_plain == n else \
        f"ROWS DIFFER: ours {rows_ours:,}, plain {rows_plain:,}, loaded {n:,}"
    ratio = plain_s / ours_s
    lines.append(f"{label}: {n:,} insights, csv ({how}); {check}")
    lines.append(f"  {'':22} {'seconds':>8} {'rows/s':>10} {'peak MB':>8} {'CPU s':>7}")
    lines.append(f"  {'plain (baseline)':22} {plain_s:8.1f} {n / plain_s:10,.0f} {plain_mb:8.0f} "
                 f"{plain_cpu:7.1f}")
    lines.append(f"  {'ours':22} {ours_s:8.1f} {n / ours_s:10,.0f} {ours_mb:8.0f} "
                 f"{ours_cpu:7.1f}")
    lines.append(f"  ours/plain speed {ratio:.2f}, in CPU time {plain_cpu / ours_cpu:.2f} "
                 f"(goal >= {SPEED_GOAL}: "
                 f"{'met' if ratio >= SPEED_GOAL else 'MISSED'}); peak memory "
                 f"{ours_mb:.0f} MB (goal < {MEMORY_GOAL_MB}: "
                 f"{'met' if ours_mb < MEMORY_GOAL_MB else 'MISSED'})")
    for fmt in OTHER_FORMATS:
        out = os.path.join(work, f"ours.{fmt}")
        seconds, cpu, mb, rc, err = measured(ours_args(code, fmt, out), env)
        if rc:
            last = (err.strip().splitlines() or ["no such format"])[-1][:100]
            lines.append(f"  {fmt:22} skipped ({last})")
        else:
            lines.append(f"  {fmt:22} {seconds:8.1f} {n / seconds:10,.0f} {mb:8.0f} {cpu:7.1f}")
        if os.path.exists(out):
            os.unlink(out)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", action="store_true",
                        default=bool(os.environ.get("BENCH_EXPORT_POSTGRES")))
    parser.add_argument("--no-sqlite", action="store_true")
    options = parser.parse_args()
    code = Code.from_env()
    work = tempfile.mkdtemp(prefix="cp_bench_export_")
    report = [f"export benchmark, {code.revision()}, {time.strftime('%Y-%m-%d %H:%M')}"]
    try:
        if not options.no_sqlite:
            url = f"sqlite:///{os.path.join(work, 'bench.sqlite')}"
            report += run_on("SQLite", url, [PLAIN_SQLITE, url.split("sqlite:///", 1)[1]],
                             options.rows, code, work)
        if options.postgres:
            name = f"cp_bench_export_{secrets.token_hex(4)}"
            with admin_connection() as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            url = with_database(ADMIN_URL, name)
            try:
                report += run_on("PostgreSQL", url, [PLAIN_POSTGRES, url], options.rows, code,
                                 work)
            finally:
                drop_database(name)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\n".join(report))


if __name__ == "__main__":
    main()
