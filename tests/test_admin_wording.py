"""Issue 11, point 6: the admin in Dutch and English throughout. Every admin page
(list, create, edit and details of every core and Expertarena view, the dashboard, the
wizard, the plugin settings) is rendered with the demo data in Dutch and scanned for
English: any text a user sees that is (or holds as a whole phrase) an English msgid of
our catalogue or of Flask-Admin's "admin" domain whose Dutch differs. In English the
same pages must not show Flask-Admin's stock Dutch or ours."""

from __future__ import annotations

import json
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import flask_admin
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from consultplatform.demo import DEMO_SLUG, load_demo
from consultplatform.models import Consultation, Sector, StaffUser
from consultplatform.plugins import registry
from consultplatform.testing import choose_consultation as choose
from consultplatform.testing import csrf_from, factories, login, make_staff
from tests.test_i18n import PLACEHOLDER_RE
from tests.test_workspace import _pages

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "consultplatform" / "translations"
STOCK = Path(flask_admin.__file__).parent / "translations"
# Attributes whose text a user sees or hears.
SEEN_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}
BUTTON_TYPES = {"submit", "button", "reset"}
# Text that is neither: scripts, styles, and what a user typed.
SKIPPED_TAGS = {"script", "style", "template", "textarea"}


def _read(path: Path, locale: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _forms(value) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else [form for form in value if form]


@cache
def _pairs(domain: str = "", merged: bool = True) -> tuple[tuple[str, str], ...]:
    """(English, Dutch) of every message whose Dutch differs from its English, of one
    domain or both. Merged: ours over Flask-Admin's for the "admin" domain, as the app
    merges them; else the Dutch of both (Flask-Admin's stock wording too)."""
    pairs = []
    for name, catalogues in (("messages", [TRANSLATIONS / "nl/LC_MESSAGES/messages.po"]),
                             ("admin", [STOCK / "nl/LC_MESSAGES/admin.po",
                                        TRANSLATIONS / "nl/LC_MESSAGES/admin.po"])):
        if domain and name != domain:
            continue
        layers: list[dict] = [{}]
        for path in catalogues:
            for message in _read(path, "nl"):
                if message.id and _forms(message.string):
                    layers[-1][message.id] = message
            if not merged:
                layers.append({})
        for message in (m for layer in layers for m in layer.values()):
            for source, target in zip(_forms(message.id), _forms(message.string), strict=False):
                if source.strip() != target.strip():
                    pairs.append((source, target))
    return tuple(pairs)


@cache
def _english() -> frozenset[str]:
    """Every English text and word of the catalogues: msgids and English wording."""
    texts = {english for english, _dutch in _pairs(merged=False)}
    for name in ("messages", "admin"):
        texts |= {form for m in _read(TRANSLATIONS / f"en/LC_MESSAGES/{name}.po", "en")
                  for form in _forms(m.string)}
    return frozenset(texts | {word for text in texts for word in re.findall(r"[\w-]+", text)})


def _phrase(text: str) -> str | None:
    """A regex for ``text`` as a whole phrase, its placeholders standing for any text;
    None when too little of it is fixed text to tell it apart."""
    parts = PLACEHOLDER_RE.sub("\0", text).split("\0")
    if len(parts) > 1 and len("".join(parts).split()) < 2:
        return None  # "Open %(title)s": one word with a placeholder says nothing
    while parts and not parts[0].strip():
        parts.pop(0)
    while parts and not parts[-1].strip():
        parts.pop()
    if not parts or len(re.sub(r"\W", "", "".join(parts))) < 2:
        return None
    parts[0], parts[-1] = parts[0].lstrip(), parts[-1].rstrip()
    body = ".+?".join(re.escape(part) for part in parts)
    return rf"(?<![\w-]){body}(?![\w-])"


@cache
def _pattern(side: str) -> re.Pattern:
    """Every English phrase (side "en": to find in Dutch pages), or the Dutch of
    Flask-Admin's wording, stock and ours (side "nl": to find in English pages; not our
    own catalogue's, whose words the Dutch demo data shares), longest first. Dutch that
    is English too ("is", "Filter", "Start") is left out."""
    if side == "en":
        texts = {english for english, _dutch in _pairs()}
        phrases = {p for p in map(_phrase, texts) if p}
    else:
        texts = {dutch for _english, dutch in _pairs("admin", merged=False)} - _english()
        # One Dutch word ("leeg", "artikelen") only as the whole text: within a text it
        # is as likely a word of the Dutch data ("half leeg").
        phrases = {p if len(text.split()) > 1 else rf"^{re.escape(text.strip())}$"
                   for text in texts if (p := _phrase(text))}
    return re.compile("|".join(sorted(phrases, key=len, reverse=True)))


class SeenText(HTMLParser):
    """The text of a page a user sees or hears: text nodes outside scripts and styles,
    the attributes above, the labels of buttons, and the strings of the JSON data
    Flask-Admin's scripts show (filters, action confirmations). Not: what a user typed
    (form values, text areas) and parts marked as another language (``lang``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.lang = ""
        self._skip = 0
        self._other: list[list] = []  # [tag, depth] of an element in another language
        self._data: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = {key: value or "" for key, value in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        if self._other and self._other[-1][0] == tag:
            self._other[-1][1] += 1
        elif a.get("lang") and a["lang"] != self.lang:
            self._other.append([tag, 1])
        if tag in SKIPPED_TAGS:
            self._skip += 1
        if self._other:
            return
        if a.get("id", "").endswith("-data") and "d-none" in a.get("class", ""):
            self._data = []
        self.texts.extend(a[name] for name in SEEN_ATTRIBUTES if a.get(name))
        if tag in ("input", "button") and a.get("type", "").lower() in BUTTON_TYPES \
                and a.get("value"):
            self.texts.append(a["value"])

    def handle_endtag(self, tag):
        if self._other and self._other[-1][0] == tag:
            self._other[-1][1] -= 1
            if not self._other[-1][1]:
                self._other.pop()
        if tag in SKIPPED_TAGS:
            self._skip = max(0, self._skip - 1)
        if tag == "div" and self._data is not None:
            self.texts.extend(_strings(json.loads("".join(self._data) or "null")))
            self._data = None

    def handle_data(self, data):
        if self._data is not None:
            self._data.append(data)
        elif not self._skip and not self._other and data.strip():
            self.texts.append(" ".join(data.split()))


def _strings(value) -> list[str]:
    """The texts in Flask-Admin's JSON data: an option's label, not its value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() if key not in ("arg", "type")
                for s in [*_strings(key), *_strings(item)]]
    if isinstance(value, list):
        if len(value) == 2 and all(isinstance(item, str) for item in value):
            return [value[1]]  # [value, label]
        return [s for item in value for s in _strings(item)]
    return []


def seen_text(html: str) -> list[str]:
    parser = SeenText()
    parser.feed(html)
    return parser.texts


def wrong_language(html: str, lang: str, *, names: tuple[str, ...] = (),
                   context: bool = False) -> list[str]:
    """Phrases of the other language in the text a user sees on the page, people's
    ``names`` left out ("Mila Moderator"); with ``context``: each in its text."""
    pattern = _pattern("en" if lang == "nl" else "nl")
    texts = seen_text(html)
    for name in names:
        texts = [text.replace(name, "") for text in texts]
    return sorted({f"{match.group(0)!r} in {text[:100]!r}" if context else match.group(0)
                   for text in texts for match in pattern.finditer(text)})


def test_the_scan_finds_english_in_a_dutch_page():
    """Guards the scan against finding nothing: stock wording, attributes, data."""
    page = ('<p>Met geselecteerd</p><input type="submit" value="Save and Add Another">'
            '<a title="Sort by Naam">x</a><div id="x-data" class="d-none">'
            '{"a": ["greater than"]}</div><script>var s = "Search";</script>'
            '<p>3 items</p><p>Delete Record</p><p>Expertarena Status</p>')
    assert wrong_language(page, "nl") == ["Delete Record", "Save and Add Another",
                                          "Sort by", "greater than", "items"]
    assert wrong_language("<p>Met geselecteerd</p><p>artikelen</p><p>Opslaan</p>"
                          "<p>half leeg</p>", "en") == ["Met geselecteerd", "Opslaan", "artikelen"]


def _walk(app, lang: str) -> tuple[dict[str, list[str]], int]:
    with app.app_context():
        load_demo(registry())
    demo = Consultation.get(Consultation.slug == DEMO_SLUG)
    client = app.test_client()
    client.set_cookie("lang", lang)
    login(client, make_staff("admin"))
    assert choose(client, demo).status_code == 303
    # The test plugin's note view is English only on purpose (a plugin's own words).
    urls = [url for url in _pages(app, demo) if "fullhooks" not in url]
    urls += ["/admin/plugins/settings/expertarena", "/admin/session/?search=geen-zulke-sessie",
             "/admin/registration/?page_size=20"]
    names = tuple(user.name for user in StaffUser.select())
    found, checked = {}, 0
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        checked += 1
        html = response.get_data(as_text=True)
        assert f'<html lang="{lang}"' in html, url
        wrong = wrong_language(html, lang, names=names, context=True)
        if wrong:
            found[url] = wrong
    return found, checked


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_page_of_the_admin_speaks_the_other_language(app, lang):
    found, checked = _walk(app, lang)
    assert checked > 40
    assert not found, "\n".join(f"{url}: {words}" for url, words in found.items())


@pytest.mark.parametrize(("lang", "buttons", "created", "saved", "deleted"), [
    ("nl", {"Opslaan en nog een toevoegen", "Opslaan en verder bewerken"}, "Toegevoegd.",
     "Opgeslagen.", "1 rij verwijderd."),
    ("en", {"Save and add another", "Save and continue editing"}, "Added.", "Saved.",
     "1 row deleted."),
])
def test_flask_admins_messages_in_plain_words(app, lang, buttons, created, saved, deleted):
    """The form's buttons and the flashes after adding, saving and deleting."""
    parent = factories.consultation(title="Retailvisie Emmeloord")
    client = app.test_client()
    client.set_cookie("lang", lang)
    login(client, make_staff("admin"))
    page = client.get("/admin/sector/new/").get_data(as_text=True)
    assert buttons <= set(seen_text(page))
    # A form sent back with its errors speaks the language too.
    response = client.post("/admin/sector/new/", data={"csrf_token": csrf_from(page),
                                                       "position": "veel"})
    assert response.status_code == 422
    assert not wrong_language(response.get_data(as_text=True), lang)
    response = client.post("/admin/sector/new/", data={
        "csrf_token": csrf_from(page), "consultation": parent.id, "name": "Horeca",
        "position": 1}, follow_redirects=True)
    assert created in seen_text(response.get_data(as_text=True))
    sector = Sector.get(Sector.name == "Horeca")
    page = client.get(f"/admin/sector/edit/?id={sector.id}").get_data(as_text=True)
    response = client.post(f"/admin/sector/edit/?id={sector.id}", data={
        "csrf_token": csrf_from(page), "consultation": parent.id, "name": "Horeca en cafés",
        "position": 2}, follow_redirects=True)
    assert saved in seen_text(response.get_data(as_text=True))
    response = client.post("/admin/sector/delete/", data={
        "csrf_token": csrf_from(page), "id": sector.id, "url": "/admin/sector/"},
        follow_redirects=True)
    assert deleted in seen_text(response.get_data(as_text=True))
    assert not Sector.select().where(Sector.id == sector.id).exists()
