"""``make lint``'s vulnerability audit of the Python packages installed in the venv.

1. pip-audit asks PyPI's vulnerability service about every installed package at its
   installed version; our own packages (installed editable) are left out.
2. A package pip-audit could not check (the service gave no answer for that version: a
   mirror or proxy that serves only a project's page, or a network hiccup) is checked
   against its project page on the same index (``/pypi/<name>/json``), which lists the
   known vulnerabilities of the newest release: those of the installed version when it
   is the newest.
3. A package neither could check is named in a warning nobody can miss; with
   ``AUDIT_STRICT=1`` (a CI that reaches the full service) it fails the audit instead.

A known vulnerability fails the audit unless ``tools/audit-ignore.txt`` lists its id
with an expiry date and the reason; an expired entry fails it again.

Exit status: 0 clean, 1 a known vulnerability (or an expired ignore), 2 packages left
unchecked in strict mode.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

IGNORE_FILE = Path(__file__).with_name("audit-ignore.txt")
INDEX_JSON = os.environ.get("AUDIT_INDEX_JSON", "https://pypi.org/pypi").rstrip("/")
# Seconds: per request of pip-audit, for pip-audit's whole run, per project page (16 at
# a time). Bounded so that an index that does not answer cannot hold up `make lint`.
TIMEOUT, PIP_AUDIT_DEADLINE, PAGE_TIMEOUT, PAGES_AT_ONCE = 10, 30, 5, 16
EDITABLE = "distribution marked as editable"


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    ident: str
    fixed_in: tuple[str, ...]
    source: str

    def line(self) -> str:
        fix = ", ".join(self.fixed_in) or "no fixed release yet"
        return f"  {self.package} {self.version}: {self.ident} (fixed in: {fix}) [{self.source}]"


def installed() -> dict[str, str]:
    """Canonical name -> version of every package in this interpreter's environment but
    our own (installed editable: ``make install``; a source tree on the path can show
    the same name once more, as an egg-info without the mark)."""
    dists = [(canonicalize_name(d.metadata["Name"]), d) for d in metadata.distributions()
             if d.metadata["Name"]]
    own = {name for name, dist in dists if is_editable(dist)}
    return {name: dist.version for name, dist in dists if name not in own}


def is_editable(dist: metadata.Distribution) -> bool:
    try:
        origin = json.loads(dist.read_text("direct_url.json") or "{}")
    except ValueError:
        return False
    return bool(origin.get("dir_info", {}).get("editable"))


def run_pip_audit() -> tuple[list[Finding], set[str], str | None]:
    """pip-audit's findings, the packages it did not check, and why it failed (if so)."""
    command = [sys.executable, "-m", "pip_audit", "--local", "--skip-editable",
               "--progress-spinner", "off", "--format", "json", "--timeout", str(TIMEOUT)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False,  # noqa: S603
                              timeout=PIP_AUDIT_DEADLINE)
    except subprocess.TimeoutExpired:
        return [], set(installed()), f"no result within {PIP_AUDIT_DEADLINE} s"
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        why = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return [], set(installed()), why
    findings, unchecked = [], set()
    for dep in report.get("dependencies", []):
        name = canonicalize_name(dep["name"])
        reason = dep.get("skip_reason")
        if reason:
            if reason != EDITABLE:
                unchecked.add(name)
            continue
        for vuln in dep.get("vulns", []):
            findings.append(Finding(name, dep.get("version", ""), vuln["id"],
                                    tuple(vuln.get("fix_versions", [])), "pip-audit"))
    return findings, unchecked, None


def check_project_page(name: str, version: str) -> tuple[list[Finding], str | None]:
    """The newest release's vulnerabilities from the project's page, if ``version`` is
    the newest; otherwise (or without an answer) why the package stays unchecked."""
    url = f"{INDEX_JSON}/{name}/json"
    if not url.startswith("https://"):
        return [], "AUDIT_INDEX_JSON must be an https address"
    try:
        with urllib.request.urlopen(url, timeout=PAGE_TIMEOUT) as answer:  # noqa: S310 (https only)
            page = json.load(answer)
    except (OSError, ValueError) as exc:
        return [], f"no answer from {INDEX_JSON} ({exc.__class__.__name__})"
    newest = page.get("info", {}).get("version", "")
    try:
        same = Version(newest) == Version(version)
    except InvalidVersion:
        same = False
    if not same:
        return [], f"{version} installed, {newest or '?'} is the newest: no answer for {version}"
    return [Finding(name, version, vuln["id"], tuple(vuln.get("fixed_in") or ()), "project page")
            for vuln in page.get("vulnerabilities") or () if not vuln.get("withdrawn")], None


def read_ignores(today: dt.date) -> tuple[dict[str, str], list[str]]:
    """Ignored ids with their reasons, and the problems of the file (expired entries)."""
    ignores, problems = {}, []
    if not IGNORE_FILE.exists():
        return ignores, problems
    for number, raw in enumerate(IGNORE_FILE.read_text().splitlines(), 1):
        text = raw.split("#", 1)[0].strip()
        if not text:
            continue
        parts = text.split(None, 2)
        try:
            ident, expires, reason = parts[0], dt.date.fromisoformat(parts[1]), parts[2]
        except (IndexError, ValueError):
            problems.append(f"{IGNORE_FILE.name}:{number}: want 'ID YYYY-MM-DD reason'")
            continue
        if expires < today:
            problems.append(f"{IGNORE_FILE.name}:{number}: the ignore of {ident} expired on "
                            f"{expires}: upgrade, or renew it with a reason")
        else:
            ignores[ident] = reason
    return ignores, problems


def main() -> int:
    strict = os.environ.get("AUDIT_STRICT", "") not in ("", "0")
    versions = installed()
    findings, unchecked, failure = run_pip_audit()
    if failure:
        print(f"dependency audit: pip-audit did not finish ({failure})")
    left: dict[str, str] = {}
    with ThreadPoolExecutor(max_workers=PAGES_AT_ONCE) as pool:
        names = sorted(unchecked & versions.keys())
        for name, (found, reason) in zip(names, pool.map(
                lambda n: check_project_page(n, versions[n]), names), strict=True):
            findings += found
            if reason:
                left[name] = reason
    ignores, problems = read_ignores(dt.date.today())
    real = sorted({f for f in findings if f.ident not in ignores}, key=lambda f: f.line())
    checked = len(versions) - len(left)
    print(f"dependency audit: {checked} of {len(versions)} installed packages checked "
          f"({len(unchecked) - len(left)} of them through their project page), "
          f"{len(real)} known vulnerabilities")
    for finding in sorted({f for f in findings if f.ident in ignores}, key=lambda f: f.line()):
        print(f"{finding.line()} ignored: {ignores[finding.ident]}")
    if left:
        print("!" * 78)
        print(f"WARNING: {len(left)} packages were NOT checked for vulnerabilities:")
        for name, reason in sorted(left.items()):
            print(f"  {name}: {reason}")
        print("Run `make lint` again when the index answers; AUDIT_STRICT=1 makes this fail.")
        print("!" * 78)
    for problem in problems:
        print(problem)
    if real:
        print("Known vulnerabilities in installed packages (upgrade the pin in pyproject.toml,")
        print("or list the id in tools/audit-ignore.txt with an expiry date and the reason):")
        for finding in real:
            print(finding.line())
    if real or problems:
        return 1
    return 2 if left and strict else 0


if __name__ == "__main__":
    sys.exit(main())
