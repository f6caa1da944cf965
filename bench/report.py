"""The suite's table, from the figures run.py keeps as JSON.

    .venv/bin/python bench/report.py bench/results/<run>.json            # one run
    .venv/bin/python bench/report.py before.json after.json              # side by side
"""

from __future__ import annotations

import json
import sys

from common import percentile

# The goals, on this machine's ratios and latencies.
SIGNUP_RATIO, SIGNUP_P95_MS = 0.5, 300
PAGE_RATIO, PAGE_P99_MS = 0.3, 250
LOCK_RATIO = 1.5
STAFF_P95_MS, SEARCH_MS = 150, 100
MEMORY_MB = 120
GOAL_PAGES = ("/", "/c/<slug>")


def _mark(ok: bool) -> str:
    return "yes" if ok else "**no**"


def sign_up_rows(result: dict) -> list[str]:
    lines = ["| clients | sign-ups/s | POST p50 | POST p95 | bare inserts/s | ratio | goal met |",
             "|---:|---:|---:|---:|---:|---:|:--|"]
    for row in result["sign_ups"]:
        ratio = row["rate"] / row["base_rate"] if row["base_rate"] else 0.0
        goal = "" if row["clients"] != 64 else _mark(ratio >= SIGNUP_RATIO
                                                     and row["post_p95"] < SIGNUP_P95_MS)
        lines.append(f"| {row['clients']} | {row['rate']:.1f} | {row['post_p50']:.0f} ms "
                     f"| {row['post_p95']:.0f} ms | {row['base_rate']:.1f} | {ratio:.2f} "
                     f"| {goal} |")
    return lines


def public_rows(result: dict) -> list[str]:
    lines = ["| page | connections | requests/s | p99 | hello/s | ratio | goal met |",
             "|:--|---:|---:|---:|---:|---:|:--|"]
    for row in result["public"]:
        ratio = row["rate"] / row["hello_rate"] if row["hello_rate"] else 0.0
        goal = _mark(ratio >= PAGE_RATIO and row["p99"] < PAGE_P99_MS and not row["failed"]) \
            if row["page"] in GOAL_PAGES and row["connections"] == 64 else ""
        lines.append(f"| {row['page']} | {row['connections']} | {row['rate']:.0f} "
                     f"| {row['p99']:.0f} ms | {row['hello_rate']:.0f} | {ratio:.2f} | {goal} |")
    return lines


def lock_rows(result: dict) -> list[str]:
    lines = ["| database | confirmed seats | lock held p50 | p95 | p95 / empty session | goal met |",
             "|:--|---:|---:|---:|---:|:--|"]
    for name, key in (("PostgreSQL", "lock_pg"), ("SQLite", "lock_sqlite")):
        levels = result.get(key) or {}
        empty = percentile(levels.get("0", {}).get("holds_ms", []), 95)
        for level in ("0", "10000", "100000"):
            holds = levels.get(level, {}).get("holds_ms", [])
            if not holds:
                continue
            p95 = percentile(holds, 95)
            goal = _mark(p95 <= LOCK_RATIO * empty) if level == "100000" else ""
            lines.append(f"| {name} | {levels[level]['confirmed']:,} "
                         f"| {percentile(holds, 50):.1f} ms | {p95:.1f} ms "
                         f"| {p95 / empty:.2f} | {goal} |")
    return lines


def _cell(rows: dict, label: str, cold: bool = False) -> str:
    row = rows.get(label)
    if row is None:
        return "–"
    if row["status"] != 200:
        return f"HTTP {row['status']}"
    text = f"{row['p50']:.0f} / {row['p95']:.0f}"
    return text + (f" ({row['cold']:.0f})" if cold else "")


def staff_rows(result: dict) -> list[str]:
    tables = {key: {row["label"]: row for row in result.get(key, [])}
              for key in ("staff_pg_demo", "staff_pg_large", "staff_sqlite_demo",
                          "staff_sqlite_large")}
    lines = ["| page | PostgreSQL demo | PostgreSQL large (first) | SQLite demo "
             "| SQLite large (first) | goal met |", "|:--|---:|---:|---:|---:|:--|"]
    for label in tables["staff_pg_large"]:
        limit = SEARCH_MS if label == "participant search" else STAFF_P95_MS
        large = [tables[k].get(label) for k in ("staff_pg_large", "staff_sqlite_large")]
        ok = all(r is not None and r["status"] == 200 and r["p95"] < limit for r in large)
        lines.append(f"| {label} | {_cell(tables['staff_pg_demo'], label)} "
                     f"| {_cell(tables['staff_pg_large'], label, True)} "
                     f"| {_cell(tables['staff_sqlite_demo'], label)} "
                     f"| {_cell(tables['staff_sqlite_large'], label, True)} | {_mark(ok)} |")
    return lines


def render(result: dict) -> str:
    head = (f"{result['date']}, {result['machine']}; code {result['revision']}, scale "
            f"{result['scale']:g}, {result['seconds']:g} s per level, {result['workers']} gunicorn "
            "sync workers; PostgreSQL and the clients on the same machine")
    parts = [head, "", "Sign-up (GET form + POST, PostgreSQL, large data set) against a bare "
             "INSERT:", "", *sign_up_rows(result), "",
             "Public pages (wrk) against a bare Flask hello:", "", *public_rows(result), "",
             "Seat lock held by one sign-up:", "", *lock_rows(result), "",
             "Staff pages, p50 / p95 in ms over "
             "repeated requests (the first, cold request in brackets):", "",
             *staff_rows(result), "",
             f"Peak gunicorn worker memory after the whole run: {result['memory_mb']:.0f} MB "
             f"(goal under {MEMORY_MB} MB: {_mark(result['memory_mb'] < MEMORY_MB)})"]
    errors = [e for row in result["sign_ups"] for e in row.get("errors", [])]
    if errors:
        parts.append(f"Sign-up errors: {errors[:3]}")
    return "\n".join(parts)


def compare(before: dict, after: dict) -> str:
    """The headline figures of two runs side by side."""
    lines = [f"| figure | {before['revision']} | {after['revision']} |", "|:--|---:|---:|"]

    def add(label: str, pick) -> None:
        try:
            lines.append(f"| {label} | {pick(before)} | {pick(after)} |")
        except (KeyError, IndexError, ZeroDivisionError):
            lines.append(f"| {label} | – | – |")

    for index, level in enumerate((1, 16, 64)):
        add(f"sign-up ratio at {level} clients",
            lambda r, i=index: f"{r['sign_ups'][i]['rate'] / r['sign_ups'][i]['base_rate']:.2f}")
        add(f"sign-up POST p95 at {level} clients",
            lambda r, i=index: f"{r['sign_ups'][i]['post_p95']:.0f} ms")
    for index, row in enumerate(after["public"]):
        add(f"{row['page']} at {row['connections']}: ratio / p99",
            lambda r, i=index: f"{r['public'][i]['rate'] / r['public'][i]['hello_rate']:.2f} / "
                               f"{r['public'][i]['p99']:.0f} ms")
    for level in ("0", "10000", "100000"):
        add(f"lock held p95 at {level} seats (PostgreSQL)",
            lambda r, lv=level: f"{percentile(r['lock_pg'][lv]['holds_ms'], 95):.1f} ms")
    for key in ("staff_pg_large", "staff_sqlite_large"):
        for index, row in enumerate(after.get(key, [])):
            add(f"{row['label']} p95, {key[6:]}",
                lambda r, i=index, k=key: f"{r[k][i]['p95']:.0f} ms")
    add("peak worker memory", lambda r: f"{r['memory_mb']:.0f} MB")
    return "\n".join(lines)


if __name__ == "__main__":
    from pathlib import Path

    loaded = [json.loads(Path(path).read_text()) for path in sys.argv[1:3]]
    print(render(loaded[0]) if len(loaded) == 1 else compare(*loaded))
