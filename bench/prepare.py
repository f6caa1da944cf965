"""The suite's databases, loaded once and kept: the large data set (a PostgreSQL
template database and an SQLite file) and the demo (both databases).

The large data set is loaded through the services of the code under test
(bench/dataset.py, in parallel processes) and kept as a *base* together with
the migrations it was loaded under. Another commit reuses a base whose
migrations it has too: a copy is upgraded with ``flask db upgrade``, as a
municipality's database would be, so every commit is measured on the same
rows. For commits from before the seat counters and the outbox compose step
(core migrations m0006 and m0007), a copy has those two undone instead
(:data:`UNDO`). The derived copy is kept as well, under a name made from the
commit's migrations, so a later run starts from a copy in seconds.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass

from common import (
    ADMIN_URL,
    HERE,
    RESULTS,
    Code,
    admin_connection,
    app_env,
    copy_database,
    database_exists,
    drop_database,
    run_checked,
    with_database,
)
from staff import ADMIN_EMAIL, ADMIN_PASSWORD

CACHE = RESULTS / "cache"
PROCESSES = max(2, os.cpu_count() or 2)
# Migrations a base may have that an older commit does not know, and how to undo
# them on a copy (bench only: the product has no downgrades).
UNDO = {
    "core/m0006_seat_tally.py": ["DROP TABLE seat_tally"],
    "core/m0007_outbox_compose.py": ["ALTER TABLE mail_outbox DROP COLUMN compose_spec"],
}


@dataclass(frozen=True)
class DataSet:
    template: str  # PostgreSQL database to copy for each run
    sqlite_file: str
    ids: dict
    demo_template: str
    demo_sqlite_file: str


def migrations_of(code: Code) -> dict[str, str]:
    """{namespace/file: content hash} of every migration of the code."""
    found = {}
    for path in sorted(code.root.glob("consultplatform/migrations/m*.py")):
        found[f"core/{path.name}"] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    for path in sorted(code.root.glob("plugins/*/*/migrations/m*.py")):
        found[f"{path.parents[2].name}/{path.name}"] = hashlib.sha256(
            path.read_bytes()).hexdigest()[:16]
    return found


def _loader_key(scale: float) -> str:
    return hashlib.sha256((HERE / "dataset.py").read_bytes()
                          + f"scale={scale}".encode()).hexdigest()[:10]


def _flask(code: Code, url: str, instance: str, *args: str) -> str:
    return run_checked([str(code.bin / "flask"), "--app", "consultplatform", *args],
                       app_env(code, url, instance), code.root)


def _dataset_step(code: Code, url: str, instance: str, *args: str) -> dict:
    out = run_checked([code.python, str(HERE / "dataset.py"), args[0], url, instance, *args[1:]],
                      app_env(code, url, instance), code.root, timeout=6 * 3600)
    return json.loads(out.strip().splitlines()[-1])


def _parallel(code: Code, url: str, instance: str, step: str, ids: dict, total: int) -> None:
    """Run ``step`` over ``range(total)`` in PROCESSES processes at once (their output in
    files: a pipe nobody reads could stall a process)."""
    chunk = -(-total // PROCESSES)
    env = app_env(code, url, instance)
    jobs = []
    for start in range(0, total, chunk):
        args = [code.python, str(HERE / "dataset.py"), step, url, instance, json.dumps(ids),
                str(start), str(min(total, start + chunk))]
        log = tempfile.TemporaryFile()  # noqa: SIM115 - closed after the job ends
        jobs.append((subprocess.Popen(args, env=env, cwd=code.root, stdout=log, stderr=log),
                     log))
    failures = []
    for job, log in jobs:
        if job.wait():
            log.seek(0)
            failures.append(log.read().decode(errors="replace")[-3000:])
        log.close()
    if failures:
        raise RuntimeError(f"loading {step} failed:\n" + "\n".join(failures))


def _create(name: str) -> str:
    drop_database(name)
    with admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return with_database(ADMIN_URL, name)


def _analyze(url: str) -> None:
    """Statistics, as autovacuum and a live database would have them."""
    if url.startswith("sqlite"):
        with sqlite3.connect(url.split("sqlite:///", 1)[1]) as conn:
            conn.execute("ANALYZE")
        conn.close()
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")


def _rename(old: str, new: str) -> None:
    drop_database(new)
    with admin_connection() as conn:
        conn.execute(f'ALTER DATABASE "{old}" RENAME TO "{new}"')


def _load_base(code: Code, scale: float, name: str, sqlite_file: str) -> dict:
    """Load the large data set with ``code``'s services; PostgreSQL first, then copied
    row by row into SQLite."""
    url = _create(name + "_loading")
    instance = tempfile.mkdtemp(prefix="cp_bench_load_")
    try:
        _flask(code, url, instance, "db", "upgrade")
        ids = _dataset_step(code, url, instance, "setup", str(scale))["result"]
        began = time.monotonic()
        print(f"  {ids['people']:,} sign-ups through the sign-up service "
              f"({PROCESSES} processes)", flush=True)
        _parallel(code, url, instance, "people", ids, ids["people"])
        print(f"  {time.monotonic() - began:.0f} s; {ids['insights']:,} insights through the "
              "insight service, each edited once", flush=True)
        began = time.monotonic()
        _parallel(code, url, instance, "insights", ids, ids["insights"])
        print(f"  {time.monotonic() - began:.0f} s; copying into SQLite", flush=True)
        _analyze(url)
        _rename(name + "_loading", name)
        target = sqlite_file + ".loading"
        if os.path.exists(target):
            os.unlink(target)
        _flask(code, f"sqlite:///{target}", instance, "db", "upgrade")
        _dataset_step(code, with_database(ADMIN_URL, name), instance, "to-sqlite",
                      f"sqlite:///{target}")
        settle_sqlite(target)
        os.replace(target, sqlite_file)
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    return ids


def settle_sqlite(path: str) -> None:
    """Fold the write-ahead log into the file, so the file alone is the database (it is
    renamed and copied as one file)."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for suffix in ("-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)


def _undo(statements: list[str], url: str, undone: list[str]) -> None:
    """Take back the migrations ``undone`` on a copy (see UNDO)."""
    names = [path.split("/", 1)[1][:-3] for path in undone]
    if url.startswith("sqlite"):
        with sqlite3.connect(url.split("sqlite:///", 1)[1]) as conn:
            for (trigger,) in conn.execute("SELECT name FROM sqlite_master WHERE type = "
                                           "'trigger' AND name LIKE 'seat_tally%'").fetchall():
                conn.execute(f'DROP TRIGGER "{trigger}"')
            for sql in statements:
                conn.execute(sql)
            conn.executemany("DELETE FROM schema_migration WHERE namespace = 'core' AND "
                             "name = ?", [(n,) for n in names])
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for table, trigger in conn.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c "
                "ON c.oid = t.tgrelid WHERE t.tgname LIKE 'seat_tally%'").fetchall():
            conn.execute(f'DROP TRIGGER "{trigger}" ON "{table}"')
        for sql in statements:
            conn.execute(sql)
        conn.execute("DELETE FROM schema_migration WHERE namespace = 'core' AND "
                     "name = ANY(%s)", (names,))


def _derive(code: Code, base: dict, name: str, sqlite_file: str) -> None:
    """A copy of ``base`` brought to ``code``'s schema (undo, then upgrade)."""
    mine = migrations_of(code)
    undone = sorted(set(base["migrations"]) - set(mine))
    statements = [sql for path in undone for sql in UNDO[path]]
    url = copy_database(base["template"], name + "_loading")
    target = sqlite_file + ".loading"
    shutil.copy(base["sqlite"], target)
    instance = tempfile.mkdtemp(prefix="cp_bench_upgrade_")
    try:
        for database in (url, f"sqlite:///{target}"):
            if undone:
                _undo(statements, database, undone)
            _flask(code, database, instance, "db", "upgrade")
            _analyze(database)
        _rename(name + "_loading", name)
        settle_sqlite(target)
        os.replace(target, sqlite_file)
    finally:
        shutil.rmtree(instance, ignore_errors=True)


def _usable(base: dict, mine: dict[str, str]) -> bool:
    """Can ``base`` be brought to this schema: its migrations are this code's too, but
    for ones it knows how to undo."""
    return all(mine.get(path) == digest or (path not in mine and path in UNDO)
               for path, digest in base["migrations"].items())


def _admin(code: Code, url: str, instance: str) -> None:
    _flask(code, url, instance, "users", "create-admin", "--email", ADMIN_EMAIL,
           "--password", ADMIN_PASSWORD)


def _demo(code: Code, name: str, sqlite_file: str) -> None:
    instance = tempfile.mkdtemp(prefix="cp_bench_demo_")
    try:
        if not database_exists(name):
            url = _create(name + "_loading")
            for step in (("db", "upgrade"), ("demo", "load")):
                _flask(code, url, instance, *step)
            _admin(code, url, instance)
            _rename(name + "_loading", name)
        if not os.path.exists(sqlite_file):
            url = f"sqlite:///{sqlite_file}.loading"
            for step in (("db", "upgrade"), ("demo", "load")):
                _flask(code, url, instance, *step)
            _admin(code, url, instance)
            settle_sqlite(sqlite_file + ".loading")
            os.replace(sqlite_file + ".loading", sqlite_file)
    finally:
        shutil.rmtree(instance, ignore_errors=True)


def ensure(code: Code, scale: float) -> DataSet:
    """The data sets for this code and scale, loaded or derived now if not kept yet."""
    CACHE.mkdir(parents=True, exist_ok=True)
    mine = migrations_of(code)
    loader = _loader_key(scale)
    key = hashlib.sha256((json.dumps(mine, sort_keys=True) + loader).encode()).hexdigest()[:12]
    name, sqlite_file = f"cp_bench_data_{key}", str(CACHE / f"{key}.sqlite3")
    meta_path = CACHE / f"{key}.json"
    if not (meta_path.exists() and database_exists(name) and os.path.exists(sqlite_file)):
        bases = [json.loads(path.read_text()) for path in sorted(CACHE.glob("base-*.json"))]
        bases = [b for b in bases if b["loader"] == loader and database_exists(b["template"])
                 and os.path.exists(b["sqlite"]) and _usable(b, mine)]
        if bases:
            base = bases[0]
            print(f"large data set (scale {scale:g}): a copy of the one loaded by "
                  f"{base['loaded_by']}, brought to this code's schema", flush=True)
            _derive(code, base, name, sqlite_file)
            ids = base["ids"]
        else:
            print(f"loading the large data set (scale {scale:g}) once; later runs and other "
                  "commits reuse it", flush=True)
            ids = _load_base(code, scale, name, sqlite_file)
            (CACHE / f"base-{key}.json").write_text(json.dumps({
                "template": name, "sqlite": sqlite_file, "ids": ids, "migrations": mine,
                "loader": loader, "loaded_by": code.revision()}))
        meta_path.write_text(json.dumps(ids))
    ids = json.loads(meta_path.read_text())
    demo_key = hashlib.sha256(json.dumps(mine, sort_keys=True).encode()).hexdigest()[:12]
    demo_name, demo_file = f"cp_bench_demo_{demo_key}", str(CACHE / f"demo-{demo_key}.sqlite3")
    _demo(code, demo_name, demo_file)
    return DataSet(name, sqlite_file, ids, demo_name, demo_file)
