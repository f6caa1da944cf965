"""How fast the presenter's results query answers, at 300 and 3,000 ballots on the
item on the screen.

    .venv/bin/python bench/validation_presenter.py              # SQLite
    .venv/bin/python bench/validation_presenter.py --postgres   # PostgreSQL too

Makes a scratch database (an SQLite file in a temporary folder; with ``--postgres``
also a scratch database on BENCH_DATABASE_URL), brings it to the app's schema, then,
in one child process of the tree under test, builds two opened validation rounds of
five items with voting open on the first:

- the measured one grows to 300 and then 3,000 ballots on that item (voters in
  eight sectors, verdicts spread), plus as many on another item;
- the baseline keeps 30 ballots, and is measured in the same process right before
  and after each measurement of the other (so a busy machine slows both).

At each size it times (median of a few dozen runs, after warming up)
``presenter.item_counts`` (the counts per verdict, one grouped query) and the
screen's poll ``GET /admin/validation-presenter/<id>/state`` through the test
client (200 with its JSON, the result revealed so the counts are in it). It prints
milliseconds, each against the baseline, and the ratio 3,000 / 300: near 1 means
the size does not matter. Never asserts a time.
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

SIZES = (300, 3_000)
BASELINE_SIZE = 30
ITEMS = 5
VERDICTS = ("agree", "agree_changes", "disagree", "no_opinion")


def _world(app, slug: str) -> dict:
    """A consultation with an agenda of five items, a round on it, opened, showing
    its first item with voting open (then revealed: the poll carries the counts)."""
    from consultplatform.api import AgendaItemInput, Sector, create_agenda_item
    from consultplatform.testing import factories
    from consultplatform_validation.presenter import move_to, start_voting
    from consultplatform_validation.rounds import RoundInput, create_round, open_round

    parent = factories.consultation(slug=slug)
    sectors = [Sector.create(consultation=parent, name=f"Sector {n}", position=n)
               for n in range(8)]
    for n in range(ITEMS):
        create_agenda_item(parent.id, AgendaItemInput(title=f"Punt {n}", text="Tekst " * 40))
    with app.test_request_context():
        round_ = create_round(parent.id, RoundInput(title=f"Toetsing {slug}"))
        open_round(round_.id)
        move_to(round_.id, 1)
        start_voting(round_.id)
    from consultplatform_validation.models import ValidationItem

    items = [i.id for i in ValidationItem.select(ValidationItem.id)
             .where(ValidationItem.round == round_.id).order_by(ValidationItem.position)]
    return {"parent": parent, "round": round_.id, "items": items, "sectors": sectors,
            "count": 0}


def _grow(world: dict, size: int) -> None:
    """Voters up to ``size``, each with a ballot on the first and the second item
    (bulk: the read is measured, not the writes)."""
    from consultplatform.api import db
    from consultplatform_validation.models import ValidationBallot, ValidationVoter

    start = world["count"]
    sectors = world["sectors"]
    voters = [{"round": world["round"], "participant": None,
               "token": secrets.token_urlsafe(32), "sector": sectors[n % 8].id,
               "side": ("entrepreneur", "government")[n % 5 == 4]}
              for n in range(start, size)]
    with db.atomic():
        for first in range(0, len(voters), 500):
            ValidationVoter.insert_many(voters[first:first + 500]).execute()
    made = [v.id for v in ValidationVoter.select(ValidationVoter.id)
            .where(ValidationVoter.round == world["round"]).order_by(ValidationVoter.id)]
    ballots = [{"voter": ident, "item": item, "verdict": VERDICTS[(n + k) % 4],
                "reason": "Omdat het zo is", "channel": ("online", "room")[n % 2]}
               for n, ident in enumerate(made) if n >= start
               for k, item in enumerate(world["items"][:2])]
    with db.atomic():
        for first in range(0, len(ballots), 500):
            ValidationBallot.insert_many(ballots[first:first + 500]).execute()
    world["count"] = size


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


def _measures(app, world: dict, staff, repeats: int) -> dict:
    from consultplatform.testing import choose_consultation, login
    from consultplatform_validation.presenter import item_counts

    found: dict[str, float] = {}
    with app.app_context():
        found["item_counts"] = _timed(lambda: item_counts(world["items"][0]), repeats)
    client = app.test_client()
    login(client, staff)
    choose_consultation(client, world["parent"])
    url = f"/admin/validation-presenter/{world['round']}/state"

    def poll() -> None:
        response = client.get(url)
        if response.status_code != 200 or "counts" not in response.get_json():
            raise RuntimeError(f"GET {url}: {response.status_code}")

    found["state"] = _timed(poll, repeats)
    return found


def child(repeats: int) -> None:
    from consultplatform import create_app
    from consultplatform.api import db, is_postgres
    from consultplatform.testing import make_staff
    from consultplatform_validation.presenter import reveal

    app = create_app({"MFA_REQUIRED_ROLES": [], "TASKS_ENQUEUE": False,
                      "RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_ENABLED": False})
    results = []
    with app.app_context():
        staff = make_staff("admin", email="bench@example.org")
        base = _world(app, "basis")
        _grow(base, BASELINE_SIZE)
        measured = _world(app, "groot")
        with app.test_request_context():
            reveal(base["round"])
            reveal(measured["round"])
    for size in SIZES:
        with app.app_context():
            _grow(measured, size)
            # What autovacuum does in a running database (and ANALYZE on SQLite): the
            # visibility map lets PostgreSQL count from the (item, verdict) index alone.
            db.execute_sql("VACUUM ANALYZE" if is_postgres() else "ANALYZE")
        before = _measures(app, base, staff, repeats)
        ours = _measures(app, measured, staff, repeats)
        after = _measures(app, base, staff, repeats)
        baseline = {key: (before[key] + after[key]) / 2 for key in before}
        results.append({"size": size, "ours": ours, "baseline": baseline})
    print(json.dumps(results))


def run_on(label: str, url: str, code: Code, work: str, repeats: int) -> list[str]:
    instance = tempfile.mkdtemp(prefix="instance_", dir=work)
    env = app_env(code, url, instance)
    run_checked([str(code.bin / "flask"), "--app", "consultplatform", "db", "upgrade"], env, ROOT)
    began = time.perf_counter()
    out = run_checked([code.python, __file__, "--child", "--repeats", str(repeats)], env,
                      ROOT / "bench")
    results = json.loads(out.strip().splitlines()[-1])
    lines = [f"{label}: presenter results, baseline {BASELINE_SIZE} ballots "
             f"({time.perf_counter() - began:.0f} s)"]
    lines.append(f"  {'':12} " + " ".join(f"{f'{s:,} ballots ms':>17} {'x base':>7}"
                                          for s in SIZES) + f" {'3k/300':>7}")
    for key, name in (("item_counts", "item_counts"), ("state", "GET state")):
        cells, values = [], []
        for entry in results:
            ours, base = entry["ours"][key], entry["baseline"][key]
            values.append(ours)
            cells.append(f"{ours:17.2f} {ours / base:7.2f}")
        lines.append(f"  {name:12} " + " ".join(cells) + f" {values[-1] / values[0]:7.2f}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true",
                        default=bool(os.environ.get("BENCH_VALIDATION_POSTGRES")))
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options.repeats)
        return
    code = Code.from_env()
    work = tempfile.mkdtemp(prefix="cp_bench_presenter_")
    report = [f"presenter benchmark, {code.revision()}, {time.strftime('%Y-%m-%d %H:%M')}"]
    try:
        if not options.no_sqlite:
            url = f"sqlite:///{os.path.join(work, 'bench.sqlite')}"
            report += run_on("SQLite", url, code, work, options.repeats)
        if options.postgres:
            name = f"cp_bench_presenter_{secrets.token_hex(4)}"
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
