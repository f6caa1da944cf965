"""The plugin skeleton (plugins/_template) copied to a new name, installed and run:
it loads, shows on the Plugins page with its admin view, and passes its own tests."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "plugins" / "_template"
BIN = pathlib.Path(sys.executable).parent


def copy_skeleton(target: pathlib.Path, name: str) -> pathlib.Path:
    """What docs/plugins.md tells a developer to do: copy the folder and replace the
    name everywhere (contents, file and folder names)."""
    shutil.copytree(TEMPLATE, target, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    for path in sorted(target.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if path.is_file() and path.suffix in {".py", ".toml", ".html", ".po", ".md"}:
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("myplugin", name).replace("Myplugin", name.title()),
                            encoding="utf-8")
        if "myplugin" in path.name:
            path.rename(path.with_name(path.name.replace("myplugin", name)))
    return target


def test_the_skeleton_copied_to_a_new_name_installs_and_passes_its_tests(tmp_path):
    source = copy_skeleton(tmp_path / "src" / "roundtable", "roundtable")
    package = source / "consultplatform_roundtable"
    assert (package / "models.py").read_text(encoding="utf-8").count("RoundtableNote") >= 1
    subprocess.run([BIN / "pybabel", "compile", "-d", package / "translations", "-D", "messages"],
                   check=True, capture_output=True)
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--no-build-isolation", "--target", site, source],
                   check=True, capture_output=True, timeout=300)
    assert list(site.glob("consultplatform_roundtable-*.dist-info"))
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "-p", "no:xdist", "tests"], cwd=source, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "4 passed" in result.stdout, result.stdout[-2000:]
