"""Backups proven by restoring (issue 12, point 6), on the database of the run: SQLite,
or PostgreSQL with ``TEST_DATABASE_URL`` (then through the real pg_dump and
pg_restore). The demo database is backed up, restored into an empty database and
compared table by table; ``verify`` sees a changed file and a difference; ``restore``
keeps its hands off a database that has tables; the nightly task keeps N."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from consultplatform import tasks
from consultplatform.backup import postgres
from consultplatform.backup.errors import BackupError
from consultplatform.backup.service import Database, list_backups, manifest_path
from consultplatform.db import db
from consultplatform.demo import load_demo
from consultplatform.models import AuditLog, Consultation, Participant
from consultplatform.plugins import registry
from consultplatform.testing import PG_URL, fresh_database, make_app

KIND = "postgresql" if PG_URL else "sqlite"


@pytest.fixture
def demo(app, tmp_path):
    """The app on the demo database, its backups going to a folder of the test's own."""
    app.config["BACKUP_DIR"] = str(tmp_path / "backups")
    with app.app_context():
        load_demo(registry())
    return app


def create(app) -> Path:
    result = app.test_cli_runner().invoke(args=["backup", "create"])
    assert result.exit_code == 0, result.output
    made = list_backups(Path(app.config["BACKUP_DIR"]))
    assert made and str(made[0].path) in result.output
    return made[0].path


def live_states(app):
    with app.app_context():
        return Database.from_config(app.config, app.instance_path).states()


def test_a_backup_of_the_demo_restores_every_table_into_an_empty_database(demo, tmp_path,
                                                                          instance_dir):
    path = create(demo)
    manifest = json.loads(manifest_path(path).read_text())
    assert path.name.startswith("consultplatform-") and f"-{KIND}." in path.name
    assert manifest["kind"] == KIND and "core:m0001_initial" in manifest["migrations"]
    assert manifest["tables"]["participant"]["rows"] >= 42
    for private in (path, manifest_path(path)):
        assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    source_tables, source_migrations = live_states(demo)
    assert {n: t.as_json() for n, t in source_tables.items()} == manifest["tables"]

    with fresh_database("cp_restore", tmp_path) as url:
        restored = make_app(url, instance_dir, BACKUP_DIR=str(path.parent))
        result = restored.test_cli_runner().invoke(args=["backup", "restore", path.name])
        assert result.exit_code == 0, result.output
        assert "every table's row count and row checksum match" in result.output
        tables, migrations = live_states(restored)
        assert tables == source_tables and migrations == source_migrations
        with restored.app_context():  # the restored database is the app's again
            assert Consultation.select().count() == 1
            assert Participant.select().count() == source_tables["participant"].rows


def test_verify_restores_into_a_scratch_database_and_removes_it(demo, tmp_path):
    path = create(demo)
    result = demo.test_cli_runner().invoke(args=["backup", "verify", str(path)])
    assert result.exit_code == 0, result.output
    assert "participant" in result.output and "same" in result.output
    if PG_URL:
        import psycopg

        with psycopg.connect(PG_URL) as conn:
            left = conn.execute("SELECT datname FROM pg_database "
                                "WHERE datname LIKE '%\\_verify\\_%'").fetchall()
        assert not [name for (name,) in left if name.startswith(
            demo.config["DATABASE_URL"].rsplit("/", 1)[1])]


def test_a_backup_made_while_the_site_writes_is_one_consistent_moment(demo):
    """A writer keeps adding rows during the backup: the manifest describes exactly what
    the file holds (SQLite: one read transaction; PostgreSQL: pg_dump in the snapshot the
    manifest was read in), so the backup verifies."""
    stop, written = threading.Event(), []

    def writer() -> None:
        with demo.app_context():
            db.connect(reuse_if_open=True)
            try:
                while not stop.is_set():
                    written.append(AuditLog.create(action="backup-test").id)
            finally:
                db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 5:
            stop.wait(0.01)
        path = create(demo)
    finally:
        stop.set()
        thread.join()
    in_backup = json.loads(manifest_path(path).read_text())["tables"]["audit_log"]["rows"]
    assert 5 <= in_backup <= len(written), (in_backup, len(written))
    result = demo.test_cli_runner().invoke(args=["backup", "verify", str(path)])
    assert result.exit_code == 0, result.output


def test_verify_refuses_a_changed_file(demo):
    path = create(demo)
    with path.open("ab") as handle:
        handle.write(b"\0")
    result = demo.test_cli_runner().invoke(args=["backup", "verify", str(path)])
    assert result.exit_code != 0
    assert "checksum" in result.output and "do not restore it" in result.output


def test_verify_reports_a_table_that_differs_and_exits_1(demo):
    path = create(demo)
    manifest = json.loads(manifest_path(path).read_text())
    manifest["tables"]["participant"]["rows"] += 1
    manifest["tables"]["theme"]["checksum"] = "0" * 64
    manifest_path(path).write_text(json.dumps(manifest))
    result = demo.test_cli_runner().invoke(args=["backup", "verify", str(path)])
    assert result.exit_code == 1, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines() if line.strip()}
    assert lines["participant"].endswith("row count differs")
    assert lines["theme"].endswith("rows differ")
    assert lines["consultation"].endswith("same")
    assert "2 difference(s)" in result.output


def test_restore_refuses_a_database_that_has_tables(demo):
    path = create(demo)
    before = live_states(demo)
    result = demo.test_cli_runner().invoke(args=["backup", "restore", str(path)])
    assert result.exit_code != 0
    assert "is not empty" in result.output and "only into an empty database" in result.output
    assert live_states(demo) == before


def test_restore_wants_the_manifest(demo):
    path = create(demo)
    manifest_path(path).unlink()
    result = demo.test_cli_runner().invoke(args=["backup", "restore", str(path)])
    assert result.exit_code != 0 and "no manifest" in result.output


def test_the_nightly_task_is_off_by_default(app, monkeypatch, tmp_path):
    monkeypatch.setattr(tasks, "_app", app)
    app.config["BACKUP_DIR"] = str(tmp_path / "backups")
    assert app.config["BACKUP_NIGHTLY"] is False
    assert tasks.nightly_backup.call_local() is None
    assert not (tmp_path / "backups").exists()


def test_the_nightly_task_verifies_and_keeps_the_newest_n(demo, monkeypatch, tmp_path):
    monkeypatch.setattr(tasks, "_app", demo)
    demo.config.update(BACKUP_NIGHTLY=True, BACKUP_KEEP=2)
    folder = Path(demo.config["BACKUP_DIR"])
    made = [tasks.nightly_backup.call_local()["file"] for _ in range(3)]
    assert len(set(made)) == 3  # a second backup within the same second gets its own name
    kept = list_backups(folder)
    assert [b.path.name for b in kept] == [made[2], made[1]]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [made[1], made[1] + ".json", made[2], made[2] + ".json"])


def test_the_password_is_never_on_a_command_line():
    target = postgres.PgTarget("consult", {"user": "consult", "password": "geheim-wachtwoord",
                                           "host": "db.internal", "port": 5432,
                                           "sslmode": "require"})
    argv = postgres.command("pg_dump", target, "--format=custom")
    assert not any("geheim" in part for part in argv)
    assert "--dbname=" + target.conninfo() in argv and "sslmode=require" in target.conninfo()
    assert target.tool_env()["PGPASSWORD"] == "geheim-wachtwoord"
    assert "geheim" not in target.label


def test_a_pg_dump_older_than_the_server_is_refused_with_what_to_do(tmp_path):
    old = tmp_path / "pg_dump"
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 12.19'\n")
    old.chmod(0o700)
    with pytest.raises(BackupError) as refused:
        postgres.checked_tool("pg_dump", 15, 15, str(tmp_path))
    assert "older than the server (PostgreSQL 15)" in str(refused.value)
    assert "postgresql-client-15" in str(refused.value)
    with pytest.raises(BackupError, match="BACKUP_PG_BIN_DIR"):
        postgres.find_tool("pg_restore", 15, str(tmp_path))


@pytest.mark.skipif(not PG_URL, reason="the server's own pg_dump: PostgreSQL")
def test_the_pg_dump_found_can_dump_the_server():
    import psycopg

    with psycopg.connect(PG_URL) as conn:
        major = postgres.server_major(conn)
    path, _major, words = postgres.checked_tool("pg_dump", major, major)
    assert os.access(path, os.X_OK) and "PostgreSQL" in words
