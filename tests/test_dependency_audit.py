"""`make lint`'s vulnerability audit (tools/audit_dependencies.py), without the network:
what fails, what is let through, and that a package left unchecked is never silent."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import json
import sys
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parents[1] / "tools" / "audit_dependencies.py"
spec = importlib.util.spec_from_file_location("audit_dependencies", PATH)
assert spec and spec.loader
audit_deps = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = audit_deps  # dataclasses look their module up
spec.loader.exec_module(audit_deps)
Finding = audit_deps.Finding


@pytest.fixture
def world(monkeypatch, tmp_path):
    """Two installed packages; pip-audit's answer and the project pages set per test."""
    state = {"pip_audit": ([], set(), None), "pages": {}}
    monkeypatch.setattr(audit_deps, "installed", lambda: {"flask": "3.1.3", "jinja2": "3.1.6"})
    monkeypatch.setattr(audit_deps, "run_pip_audit", lambda: state["pip_audit"])
    monkeypatch.setattr(audit_deps, "check_project_page",
                        lambda name, version: state["pages"].get(name, ([], None)))
    monkeypatch.setattr(audit_deps, "IGNORE_FILE", tmp_path / "audit-ignore.txt")
    monkeypatch.delenv("AUDIT_STRICT", raising=False)
    return state


VULN = Finding("jinja2", "3.1.6", "GHSA-xxxx-yyyy-zzzz", ("3.1.7",), "pip-audit")


def test_clean(world, capsys):
    assert audit_deps.main() == 0
    assert "2 of 2 installed packages checked" in capsys.readouterr().out


def test_a_known_vulnerability_fails_with_its_fix(world, capsys):
    world["pip_audit"] = ([VULN], set(), None)
    assert audit_deps.main() == 1
    assert "jinja2 3.1.6: GHSA-xxxx-yyyy-zzzz (fixed in: 3.1.7)" in capsys.readouterr().out


def test_an_ignore_holds_until_it_expires(world, capsys):
    world["pip_audit"] = ([VULN], set(), None)
    later = dt.date.today() + dt.timedelta(days=30)
    audit_deps.IGNORE_FILE.write_text(f"# comment\nGHSA-xxxx-yyyy-zzzz {later} not reachable\n")
    assert audit_deps.main() == 0
    assert "ignored: not reachable" in capsys.readouterr().out
    audit_deps.IGNORE_FILE.write_text("GHSA-xxxx-yyyy-zzzz 2020-01-01 not reachable\n")
    assert audit_deps.main() == 1
    assert "expired on 2020-01-01" in capsys.readouterr().out
    audit_deps.IGNORE_FILE.write_text("GHSA-xxxx-yyyy-zzzz soon\n")
    assert audit_deps.main() == 1


def test_what_pip_audit_skipped_is_checked_on_the_project_page(world, capsys):
    world["pip_audit"] = ([], {"flask"}, None)
    world["pages"]["flask"] = ([Finding("flask", "3.1.3", "PYSEC-1", (), "project page")], None)
    assert audit_deps.main() == 1
    assert "PYSEC-1 (fixed in: no fixed release yet) [project page]" in capsys.readouterr().out


@pytest.mark.parametrize(("strict", "status"), [("", 0), ("1", 2)])
def test_an_unchecked_package_is_a_loud_warning_or_in_strict_mode_a_failure(
        world, capsys, monkeypatch, strict, status):
    monkeypatch.setenv("AUDIT_STRICT", strict)
    world["pip_audit"] = ([], {"flask", "jinja2"}, "no result within 30 s")
    world["pages"]["flask"] = ([], "no answer from https://pypi.org/pypi (URLError)")
    assert audit_deps.main() == status
    out = capsys.readouterr().out
    assert "pip-audit did not finish (no result within 30 s)" in out
    assert "WARNING: 1 packages were NOT checked" in out
    assert "flask: no answer" in out


def page(version: str, vulns: list[dict]):
    return io.BytesIO(json.dumps({"info": {"version": version}, "vulnerabilities": vulns}).encode())


def test_the_project_page_answers_for_the_newest_release_only(monkeypatch):
    vulns = [{"id": "PYSEC-2", "fixed_in": ["2.0"]}, {"id": "OLD", "withdrawn": "2024-01-01"}]
    monkeypatch.setattr(audit_deps.urllib.request, "urlopen",
                        lambda url, timeout: page("1.5", vulns))
    found, reason = audit_deps.check_project_page("demo", "1.5")
    assert reason is None
    assert [(f.ident, f.fixed_in) for f in found] == [("PYSEC-2", ("2.0",))]
    found, reason = audit_deps.check_project_page("demo", "1.4")
    assert found == [] and reason == "1.4 installed, 1.5 is the newest: no answer for 1.4"


def test_our_own_editable_packages_are_not_audited():
    assert "consultplatform" not in audit_deps.installed()
