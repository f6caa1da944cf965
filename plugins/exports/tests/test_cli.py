"""``flask export list|run`` against the real test database, with a test plugin
offering a personal and an aggregate dataset (tests/sample_plugin.py)."""

from __future__ import annotations

import csv
import importlib.metadata
import io
import zipfile

import pytest

from consultplatform.api import AuditLog, plugin_registry
from consultplatform.testing import factories, fresh_app
from consultplatform_exports.cli import export

from . import sample

SAMPLE_PLUGIN = "exportsample=exports.tests.sample_plugin"


@pytest.fixture
def app(request, migrated, instance_dir):
    extra = [*request.config.getini("cp_plugins_extra"), SAMPLE_PLUGIN]
    with fresh_app(migrated, instance_dir, PLUGINS_EXTRA=extra) as application:
        with application.app_context():
            factories.consultation(slug="haven")
        yield application


def run(app, *args: str):
    return app.test_cli_runner().invoke(export, list(args), catch_exceptions=False)


def audit_rows(app) -> list[AuditLog]:
    with app.app_context():
        return list(AuditLog.select().where(AuditLog.action == "export.download"))


def test_the_command_is_registered_with_flask():
    commands = importlib.metadata.entry_points(group="flask.commands")
    assert any(ep.name == "export" and ep.value == "consultplatform_exports.cli:export"
               for ep in commands)


def test_list(app):
    result = run(app, "list", "--consultation", "haven")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "sample_people\tVoorbeeldrijen\tpersonal\t10 rows" in lines
    assert "sample_counts\tVoorbeeldrijen\taggregate\t10 rows" in lines
    assert any(line.startswith("sessions\t") for line in lines)
    assert lines[-1].startswith("formats: ")  # the core suite's test plugin adds tsv
    assert lines[-1].endswith("csv-excel, csv, xlsx, jsonl, zip")


def test_an_aggregate_dataset_needs_no_purpose_and_leaves_no_audit_row(app, tmp_path):
    output = tmp_path / "counts.csv"
    result = run(app, "run", "sample_counts", "--consultation", "haven", "--format", "csv",
                 "--output", str(output))
    assert result.exit_code == 0, result.output
    header, *rows = list(csv.reader(io.StringIO(output.read_text("utf-8"), newline="")))
    assert header == sample.KEYS and len(rows) == 10
    assert not (tmp_path / "counts.csv.part").exists()
    assert audit_rows(app) == []


def test_a_personal_dataset_is_refused_without_a_purpose(app, tmp_path):
    output = tmp_path / "people.csv"
    result = run(app, "run", "sample_people", "--consultation", "haven", "--format",
                 "csv-excel", "--output", str(output), "--purpose", "  ")
    assert result.exit_code == 2
    assert "personal data" in result.output and "--purpose" in result.output
    assert list(tmp_path.iterdir()) == [] and audit_rows(app) == []


def test_a_purpose_the_page_would_refuse_is_refused_before_writing(app, tmp_path):
    output = tmp_path / "people.csv"
    result = run(app, "run", "sample_people", "--consultation", "haven", "--format",
                 "csv-excel", "--output", str(output), "--purpose", "x" * 501)
    assert result.exit_code == 2 and "500" in result.output
    assert list(tmp_path.iterdir()) == [] and audit_rows(app) == []


def test_a_personal_dataset_with_a_purpose_is_written_and_audited(app, tmp_path):
    output = tmp_path / "people.jsonl"
    result = run(app, "run", "sample_people", "--consultation", "haven", "--format", "jsonl",
                 "--output", str(output), "--purpose", "Bellen voor de tweede ronde")
    assert result.exit_code == 0, result.output
    assert len(output.read_text("utf-8").splitlines()) == 10
    [row] = audit_rows(app)
    assert row.actor is None and row.object_type == "Consultation"
    assert row.details == {"dataset": "sample_people", "format": "jsonl", "purpose": "other",
                           "purpose_text": "Bellen voor de tweede ronde", "rows": 10}


def test_the_zip_of_everything(app, tmp_path):
    output = tmp_path / "all.zip"
    refused = run(app, "run", "all", "--consultation", "haven", "--format", "zip",
                  "--output", str(output))
    assert refused.exit_code == 2 and "sample_people" in refused.output
    result = run(app, "run", "--consultation", "haven", "--format", "zip",
                 "--output", str(output), "--purpose", "Archief")
    assert result.exit_code == 0, result.output
    names = zipfile.ZipFile(output).namelist()
    assert {"sample_people.csv", "sample_counts.csv", "sessions.csv", "LEESMIJ.txt",
            "README.txt"} <= set(names)
    # Every personal dataset in the ZIP has its own audit row: the core's and the sample's.
    assert sorted(r.details["dataset"] for r in audit_rows(app)) == [
        "registrations", "sample_people"]
    assert audit_rows(app)[0].details["format"] == "zip"


def test_a_failing_export_leaves_no_file(app, tmp_path):
    with app.app_context():
        factories.consultation(slug="broken")
    output = tmp_path / "broken.csv"
    with pytest.raises(RuntimeError, match="the database went away"):
        run(app, "run", "sample_broken", "--consultation", "broken", "--format", "csv",
            "--output", str(output))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("args", "message"), [
    (["run", "sample_counts", "--consultation", "nowhere", "--format", "csv"],
     "no consultation with slug 'nowhere'"),
    (["run", "nothing", "--consultation", "haven", "--format", "csv"],
     "unknown dataset 'nothing'"),
    (["run", "sample_counts", "--consultation", "haven", "--format", "pdf"],
     "unknown format 'pdf'"),
    (["list", "--consultation", "nowhere"], "no consultation with slug 'nowhere'"),
])
def test_unknown_names_are_usage_errors(app, tmp_path, args, message):
    result = run(app, *args, *(["--output", str(tmp_path / "x")] if args[0] == "run" else []))
    assert result.exit_code == 2 and message in result.output
    assert list(tmp_path.iterdir()) == []


def test_refused_when_the_plugin_is_switched_off(app, tmp_path):
    with app.app_context():
        plugin_registry().set_enabled("exports", False)
        plugin_registry().forget_state()
    result = run(app, "run", "sample_counts", "--consultation", "haven", "--format", "csv",
                 "--output", str(tmp_path / "x.csv"))
    assert result.exit_code == 1 and "switched off" in result.output
    assert list(tmp_path.iterdir()) == []
