"""How fast a workshop's board loads and an action saves, at 1,000 and 10,000 insights.

    make bench-workshops                                    # SQLite
    .venv/bin/python bench/workshop_board.py --postgres     # PostgreSQL too
    BENCH_WORKSHOPS_POSTGRES=1 make bench-workshops         # the same

Makes a scratch database (an SQLite file in a temporary folder; with ``--postgres``
also a scratch database on BENCH_DATABASE_URL, default postgres@127.0.0.1:5432),
brings it to the app's schema (``flask db upgrade``), then, in one child process of
the tree under test, builds two consultations with seven sectors, themes and
arenas and a workshop each (no scope: the board shows every insight), 30 actions
on each board with 3 links and dots, a tenth of the insights set aside:

- the measured one grows to 1,000 and then 10,000 insights;
- the baseline keeps 100 insights, and is measured in the same process right
  before and after each measurement of the other (so a busy machine slows both).

At each size it times (median of a few dozen runs, after warming up):
``load_board`` (the board's read model), the board page through the test client
(when this tree has one) and ``board_services.save_action`` (one save, the
version checked). It prints milliseconds, each against the baseline, and the
ratio 10,000 / 1,000: near 1 means the size does not matter. Never asserts a
time: figures against a baseline of the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time

from common import ADMIN_URL, ROOT, Code, admin_connection, app_env, drop_database, run_checked
from common import median as _median
from common import with_database as _with_database

SIZES = (1_000, 10_000)
BASELINE_SIZE = 100
ACTIONS, LINKS = 30, 3
SECTORS = ["Landbouw", "Industrie", "Detailhandel", "Toerisme", "Zorg", "Bouw", "Logistiek"]
THEMES = ["Arbeidsmarkt", "Huisvesting", "Bereikbaarheid", "Positionering", "Samenwerking",
          "Energie", "Regels"]
CATEGORIES = ["belevingswereld", "ontwikkelingen", "ambities", "barrieres"]


# --- the child: everything in the app's own process ------------------------------------------


def _world(slug: str) -> dict:
    """A consultation with sectors, themes, arenas, a workshop and its facilitator."""
    import datetime as dt

    from consultplatform.api import Consultation, ConsultationSession, Sector, Theme
    from consultplatform.testing import make_staff
    from consultplatform_workshops.workshops import workshop_row

    parent = Consultation.create(title=f"Werkplaats {slug}", slug=slug, organiser="Gemeente",
                                 status="published",
                                 formats=["expertarena", "general", "workshop"])
    sectors = [Sector.create(consultation=parent, name=n, position=i)
               for i, n in enumerate(SECTORS)]
    themes = [Theme.create(consultation=parent, name=n, position=i)
              for i, n in enumerate(THEMES)]
    start = dt.datetime(2026, 3, 2, 19, 0)
    arenas = [ConsultationSession.create(
        consultation=parent, format_key="expertarena", title=f"Expertarena {s.name}", sector=s,
        starts_at=start + dt.timedelta(days=i), ends_at=start + dt.timedelta(days=i, hours=2),
        status="closed") for i, s in enumerate(sectors)]
    facilitator = make_staff("moderator", email=f"{slug}@example.org")
    workshop = ConsultationSession.create(
        consultation=parent, format_key="workshop", title="Werkplaats", moderator=facilitator,
        starts_at=start + dt.timedelta(days=60), ends_at=start + dt.timedelta(days=60, hours=3))
    workshop_row(workshop.id)
    return {"parent": parent, "sectors": sectors, "themes": themes, "arenas": arenas,
            "facilitator": facilitator, "workshop": workshop, "count": 0, "actions": []}


def _grow(world: dict, size: int) -> None:
    """Insights up to ``size`` (bulk, like an import), each with a theme, a tenth of
    them set aside; the board's actions made once, through the services."""
    from consultplatform.api import ActionInput, Insight, InsightTheme, db
    from consultplatform_workshops import board_services

    start = world["count"]
    arenas, sectors, themes = world["arenas"], world["sectors"], world["themes"]
    rows = [{"session": arenas[n % 7].id, "sector": sectors[n % 7].id,
             "category": CATEGORIES[n % 4], "weight": 1 + n % 3, "actor": "",
             "text": f"Inzicht {n}: meer stageplaatsen en woningen voor werknemers",
             "set_aside_reason": "out_of_scope" if n % 10 == 9 else ""}
            for n in range(start, size)]
    with db.atomic():
        for first in range(0, len(rows), 500):
            Insight.insert_many(rows[first:first + 500]).execute()
    made = [i.id for i in Insight.select(Insight.id)
            .where(Insight.session.in_([a.id for a in arenas])).order_by(Insight.id)]
    links = [{"insight": ident, "theme": themes[n % 7].id}
             for n, ident in enumerate(made) if n >= start]
    with db.atomic():
        for first in range(0, len(links), 500):
            InsightTheme.insert_many(links[first:first + 500]).execute()
    world["count"] = size
    if not world["actions"]:
        open_ids = [ident for n, ident in enumerate(made) if n % 10 != 9]
        voter = world["facilitator"].id
        for a in range(ACTIONS):
            chosen = open_ids[a * LINKS:(a + 1) * LINKS]
            world["actions"].append(board_services.draft_action(
                world["workshop"].id, ActionInput(title=f"Actie {a}", department="EZ"), chosen))
        for action_id in world["actions"][:5]:
            board_services.add_dot(world["workshop"].id, voter, action_id)


def _timed(run, repeats: int) -> float:
    """Median milliseconds of ``run()``, after two runs to warm up."""
    for _ in range(2):
        run()
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    return _median(times)


def _board_url(app, workshop_id: int) -> str | None:
    """The board page's address in this tree (its view may not be there yet)."""
    from werkzeug.routing import BuildError

    with app.test_request_context():
        from flask import url_for

        for values in ({"session_id": workshop_id}, {"id": workshop_id}):
            try:
                return url_for("workshops_board.board", **values)
            except BuildError:
                continue
    return None


def _measures(app, world: dict, repeats: int) -> dict:
    """load_board, the page and save_action on ``world``: median ms of each."""
    from consultplatform.api import Action, ActionInput
    from consultplatform.testing import choose_consultation, login
    from consultplatform_workshops import board_services
    from consultplatform_workshops.board import BoardFilters, load_board

    workshop, voter = world["workshop"], world["facilitator"].id
    found: dict[str, float | None] = {}
    with app.test_request_context():
        found["load_board"] = _timed(lambda: load_board(workshop, BoardFilters(), voter),
                                     repeats)
        action_id = world["actions"][0]

        def save() -> None:
            version = Action.get_by_id(action_id).version
            board_services.save_action(workshop.id, action_id, ActionInput(
                title=f"Actie {version}", department="EZ"), version)

        found["save_action"] = _timed(save, repeats)
    url = _board_url(app, workshop.id)
    found["page"] = None
    if url:
        client = app.test_client()
        login(client, world["facilitator"])
        choose_consultation(client, world["parent"])

        def page() -> None:
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url}: {response.status_code}")
            response.get_data()

        found["page"] = _timed(page, repeats)
    return found


def child(repeats: int) -> None:
    from consultplatform import create_app
    from consultplatform.api import db

    app = create_app({"MFA_REQUIRED_ROLES": [], "TASKS_ENQUEUE": False,
                      "RATELIMIT_STORAGE_URI": "memory://"})
    results = []
    # Each step in its own context: a request of the test client inside an outer app
    # context would share its ``g`` (and the logged-in user) with every other request.
    with app.app_context():
        base = _world("basis")
        _grow(base, BASELINE_SIZE)
        measured = _world("groot")
    for size in SIZES:
        with app.app_context():
            _grow(measured, size)
            db.execute_sql("ANALYZE")
        before = _measures(app, base, repeats)
        ours = _measures(app, measured, repeats)
        after = _measures(app, base, repeats)
        baseline = {key: (None if before[key] is None or after[key] is None
                          else (before[key] + after[key]) / 2) for key in before}
        results.append({"size": size, "ours": ours, "baseline": baseline})
    print(json.dumps(results))


# --- the parent: databases, report ---------------------------------------------------------


def run_on(label: str, url: str, code: Code, work: str, repeats: int) -> list[str]:
    instance = tempfile.mkdtemp(prefix="instance_", dir=work)
    env = app_env(code, url, instance)
    run_checked([str(code.bin / "flask"), "--app", "consultplatform", "db", "upgrade"], env, ROOT)
    began = time.perf_counter()
    out = run_checked([code.python, __file__, "--child", "--repeats", str(repeats)], env,
                      ROOT / "bench")
    results = json.loads(out.strip().splitlines()[-1])
    lines = [f"{label}: workshop board, {ACTIONS} actions on it, baseline "
             f"{BASELINE_SIZE} insights ({time.perf_counter() - began:.0f} s)"]
    lines.append(f"  {'':14} " + " ".join(f"{f'{s:,} ins. ms':>13} {'x base':>7}"
                                          for s in SIZES) + f" {'10k/1k':>7}")
    for key, name in (("load_board", "load_board"), ("page", "board page"),
                      ("save_action", "save_action")):
        cells, values = [], []
        for entry in results:
            ours, base = entry["ours"][key], entry["baseline"][key]
            if ours is None:
                cells.append(f"{'(no page)':>13} {'':>7}")
                continue
            values.append(ours)
            cells.append(f"{ours:13.1f} {ours / base:7.2f}")
        ratio = f"{values[-1] / values[0]:7.2f}" if len(values) == len(SIZES) else f"{'-':>7}"
        lines.append(f"  {name:14} " + " ".join(cells) + f" {ratio}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true",
                        default=bool(os.environ.get("BENCH_WORKSHOPS_POSTGRES")))
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options.repeats)
        return
    code = Code.from_env()
    work = tempfile.mkdtemp(prefix="cp_bench_workshops_")
    report = [f"workshop board benchmark, {code.revision()}, {time.strftime('%Y-%m-%d %H:%M')}"]
    try:
        if not options.no_sqlite:
            url = f"sqlite:///{os.path.join(work, 'bench.sqlite')}"
            report += run_on("SQLite", url, code, work, options.repeats)
        if options.postgres:
            name = f"cp_bench_workshops_{secrets.token_hex(4)}"
            with admin_connection() as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            try:
                report += run_on("PostgreSQL", _with_database(ADMIN_URL, name), code, work,
                                 options.repeats)
            finally:
                drop_database(name)
    except (RuntimeError, subprocess.SubprocessError) as exc:
        print("\n".join(report), file=sys.stderr)
        raise SystemExit(str(exc)) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\n".join(report))


if __name__ == "__main__":
    main()
