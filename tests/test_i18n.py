"""The message catalogues: every source string has a complete Dutch translation,
placeholders survive translation, and both languages render."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "consultplatform" / "translations"
NL_PO = TRANSLATIONS / "nl" / "LC_MESSAGES" / "messages.po"
EN_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
# Flask-Admin's own strings (domain "admin", consultplatform/admin/wording.py).
ADMIN_NL_PO = TRANSLATIONS / "nl" / "LC_MESSAGES" / "admin.po"
ADMIN_EN_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "admin.po"

# The same extraction as the Makefile's ``catalog`` target.
EXTRACT_ARGS = ["extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext",
                "--no-location", "--sort-output", "--omit-header"]

# printf-style placeholders: %(name)s, %(num)d, %s, %.2f ... ("%%" is a literal percent).
PLACEHOLDER_RE = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<type>[diouxXeEfFgGcrsa%])")


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _entries(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def _key(message: Message) -> tuple:
    ident = message.id if isinstance(message.id, str) else tuple(message.id)
    return ident, message.context


def _forms(value: str | tuple | list | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def placeholders(text: str) -> Counter:
    found = Counter()
    for match in PLACEHOLDER_RE.finditer(text):
        if match.group("type") == "%":
            continue
        found[f"%({match.group('name')}){match.group('type')}" if match.group("name") is not None
              else f"%{match.group('type')}"] += 1
    return found


@pytest.fixture(scope="module")
def nl_catalog() -> Catalog:
    assert NL_PO.is_file(), f"{NL_PO.relative_to(ROOT)} is missing"
    return _read(NL_PO, "nl")


@pytest.fixture(scope="module")
def source_catalog(tmp_path_factory) -> Catalog:
    """The catalogue as extracted from the sources right now."""
    output = tmp_path_factory.mktemp("i18n") / "messages.pot"
    result = subprocess.run([sys.executable, "-m", "babel.messages.frontend", *EXTRACT_ARGS,
                             "-o", str(output), "."],
                            cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    catalog = _read(output)
    assert len(_entries(catalog)) > 50, "extraction found suspiciously few messages"
    return catalog


def test_every_source_string_is_in_the_dutch_catalogue(source_catalog, nl_catalog):
    known = {_key(message) for message in _entries(nl_catalog)}
    missing = sorted((_key(m) for m in _entries(source_catalog) if _key(m) not in known), key=str)
    assert not missing, (
        f"{len(missing)} message(s) in the sources have no entry in {NL_PO.relative_to(ROOT)}; "
        "run `make catalog`, translate them and run `make translations`:\n"
        + "\n".join(repr(ident) for ident, _ in missing))


def test_dutch_catalogue_header(nl_catalog):
    assert not nl_catalog.fuzzy, "the nl catalogue is marked fuzzy (pybabel compile would skip it)"
    assert str(nl_catalog.locale) == "nl"
    headers = dict(nl_catalog.mime_headers)
    assert headers.get("Language") == "nl"
    assert headers.get("Plural-Forms") == "nplurals=2; plural=(n != 1);"
    # Dutch is the default language: its catalogue must declare its header itself,
    # not rely on the directory name.
    text = NL_PO.read_text(encoding="utf-8")
    assert '"Language: nl\\n"' in text
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in text


def test_english_catalogue_exists():
    assert EN_PO.is_file(), "without an en catalogue Flask-Babel does not offer English"
    catalog = _read(EN_PO, "en")
    assert str(catalog.locale) == "en"
    assert not any(message.fuzzy for message in _entries(catalog) if message.string)


@pytest.fixture(scope="module")
def admin_nl_catalog() -> Catalog:
    assert ADMIN_NL_PO.is_file(), f"{ADMIN_NL_PO.relative_to(ROOT)} is missing"
    return _read(ADMIN_NL_PO, "nl")


@pytest.fixture(scope="module")
def admin_source_catalog(tmp_path_factory) -> Catalog:
    """Flask-Admin's strings as the Makefile's ``catalog`` target extracts them from
    the installed Flask-Admin."""
    import flask_admin

    output = tmp_path_factory.mktemp("i18n") / "admin.pot"
    result = subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract",
                             "-F", "babel-admin.cfg", "-k", "_gettext", "-k", "_ngettext:1,2",
                             "-k", "lazy_gettext", "--no-location", "--omit-header",
                             "-o", str(output), str(Path(flask_admin.__file__).parent)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    catalog = _read(output)
    assert len(_entries(catalog)) > 80, "extraction found suspiciously few messages"
    return catalog


def test_every_flask_admin_string_has_our_dutch(admin_source_catalog, admin_nl_catalog):
    """Flask-Admin's own Dutch is stilted or missing: ours covers every string it has."""
    known = {_key(message) for message in _entries(admin_nl_catalog) if message.string}
    missing = sorted((_key(m) for m in _entries(admin_source_catalog) if _key(m) not in known),
                     key=str)
    assert not missing, (
        f"{len(missing)} Flask-Admin string(s) have no entry in "
        f"{ADMIN_NL_PO.relative_to(ROOT)}; run `make catalog`, translate them and run "
        "`make translations`:\n" + "\n".join(repr(ident) for ident, _ in missing))
    english = _read(ADMIN_EN_PO, "en")
    assert str(english.locale) == "en" and len(_entries(english)) == len(_entries(
        admin_nl_catalog))


def test_dutch_entries_are_complete(nl_catalog, admin_nl_catalog):
    problems = []
    for message in [*_entries(nl_catalog), *_entries(admin_nl_catalog)]:
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        forms = _forms(message.string)
        if message.pluralizable:
            if len(forms) != nl_catalog.num_plurals:
                problems.append(f"{len(forms)} of {nl_catalog.num_plurals} plural forms: "
                                f"{message.id!r}")
        elif len(forms) != 1:
            problems.append(f"not a single string: {message.id!r}")
        if not forms or any(not form.strip() for form in forms):
            problems.append(f"untranslated: {message.id!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", [NL_PO, ADMIN_NL_PO, ADMIN_EN_PO], ids=lambda p: p.name)
def test_placeholders_survive_translation(path):
    catalog = _read(path, path.parent.parent.name)
    problems = []
    for message in _entries(catalog):
        wanted = Counter()
        for source in _forms(message.id):
            wanted |= placeholders(source)
        for form in _forms(message.string):
            if form and placeholders(form) != wanted:
                problems.append(f"{message.id!r}: expected {sorted(wanted.elements())}, "
                                f"got {sorted(placeholders(form).elements())} in {form!r}")
    assert not problems, "\n".join(problems)
    errors = [(message.id, [str(e) for e in errs]) for message, errs in catalog.check()]
    assert not errors, errors


def test_placeholder_pattern():
    assert placeholders("%(num)d of %(name)s, 100%% and %s") == Counter(
        {"%(num)d": 1, "%(name)s": 1, "%s": 1})


def test_compiled_catalogue_is_current():
    for po in (NL_PO, EN_PO, ADMIN_NL_PO, ADMIN_EN_PO):
        mo = po.with_suffix(".mo")
        assert mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime, (
            f"{mo.relative_to(ROOT)} is missing or older than its .po; run `make translations`")


@pytest.mark.parametrize(("lang", "expected", "absent"), [
    ("nl", ["Naar de hoofdinhoud", "Denk mee", "Toegankelijkheidsverklaring",
            "Inloggen voor medewerkers"], "Skip to main content"),
    ("en", ["Skip to main content", "Have your say", "Accessibility statement", "Staff login"],
     "Naar de hoofdinhoud"),
])
def test_home_page_in_both_languages(client, lang, expected, absent):
    client.set_cookie("lang", lang)
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    for text in expected:
        assert text in html, (lang, text)
    assert absent not in html


def test_dutch_is_the_default(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="nl">' in html
    assert "Naar de hoofdinhoud" in html
