"""Builders and readers for the export page's tests: real rows, real requests."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from flask import Flask

from consultplatform.api import (
    Consultation,
    ConsultationSession,
    Insight,
    Registration,
    Sector,
    StaffUser,
)
from consultplatform.testing import factories, fresh_app, make_staff

# The test-only plugin with a personal dataset (tests/personal_plugin.py).
PEOPLE_PLUGIN = "peopletest=plugins.exports.tests.personal_plugin"
PEOPLE = "peopletest_people"
PAGE = "/admin/export/"


@contextlib.contextmanager
def app_with_people(migrated: str, instance_dir: Any, config: Any) -> Iterator[Flask]:
    """The suite's app, with the test plugin that offers a personal dataset."""
    extra = [*config.getini("cp_plugins_extra"), PEOPLE_PLUGIN]
    with fresh_app(migrated, instance_dir, PLUGINS_EXTRA=extra) as application:
        yield application


@dataclass
class World:
    consultation: Consultation
    farm: Sector
    shop: Sector
    mine: ConsultationSession  # the arena of ``moderator``
    other: ConsultationSession  # an arena of someone else
    meeting: ConsultationSession  # a general session
    moderator: StaffUser
    registrations: list[Registration]


def build() -> World:
    """A consultation with two arenas (three insights), a meeting and three people."""
    parent = factories.consultation(formats=["general", "expertarena"], slug="exporteren")
    farm, shop = factories.sector(parent, "Landbouw"), factories.sector(parent, "Detailhandel")
    moderator = make_staff("moderator")
    mine = factories.session(parent, format_key="expertarena", moderator=moderator,
                             sector=farm, title="Arena landbouw")
    other = factories.session(parent, format_key="expertarena", moderator=make_staff("moderator"),
                              sector=shop, title="Arena detailhandel")
    meeting = factories.session(parent, title="Bijeenkomst", capacity=20)
    for n in (1, 2):
        Insight.create(session=mine, sector=farm, category="ambities", text=f"Eigen inzicht {n}")
    Insight.create(session=other, sector=shop, category="barrieres", text="Ander inzicht")
    registrations = [
        factories.registration(factories.participant(parent, sector=farm, name=f"Persoon {n}"),
                               session)
        for n, session in enumerate((mine, other, meeting), start=1)]
    return World(parent, farm, shop, mine, other, meeting, moderator, registrations)


def download_url(world: World, key: str, format_key: str = "tsv") -> str:
    return f"/admin/export/{world.consultation.id}/{key}.{format_key}"


class DatasetTable(HTMLParser):
    """The export page's dataset table: per row its label, sensitivity, row count and
    download links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[dict[str, Any]] = []
        self._in_table = False
        self._cell: list[str] | None = None
        self._cells: list[str] = []
        self._links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "table" and "cp-export-datasets" in (a.get("class") or ""):
            self._in_table = True
        elif not self._in_table:
            return
        elif tag == "tr":
            self._cells, self._links = [], []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "a":
            self._links.append(a.get("href") or "")
        elif tag in ("span", "small") and (self._skip or "sr-only" in (a.get("class") or "")):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if not self._in_table:
            return
        if tag == "table":
            self._in_table = False
        elif tag in ("span", "small") and self._skip:
            self._skip -= 1
        elif tag in ("td", "th") and self._cell is not None:
            self._cells.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and len(self._cells) == 4 and self._links is not None:
            label, contains, rows, _download = self._cells
            if rows.replace(".", "").replace(",", "").isdigit():
                self.rows.append({"label": label, "contains": contains,
                                  "rows": int(rows.replace(".", "").replace(",", "")),
                                  "links": list(self._links)})

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._skip:
            self._cell.append(data)


def dataset_rows(html: str) -> list[dict[str, Any]]:
    parser = DatasetTable()
    parser.feed(html)
    return parser.rows


def key_of(href: str, consultation_id: int) -> str | None:
    """The dataset a link of the table is about (a download or a purpose form)."""
    prefix = f"/admin/export/{consultation_id}/"
    if href.startswith(prefix):
        return href[len(prefix):].rsplit(".", 1)[0]
    if href.startswith("#purpose-"):
        return href[len("#purpose-"):]
    return None


def rows_by_key(html: str, consultation_id: int) -> dict[str, dict[str, Any]]:
    """The table's rows by dataset key."""
    found = {}
    for row in dataset_rows(html):
        keys = {key_of(href, consultation_id) for href in row["links"]} - {None}
        assert len(keys) == 1, row
        found[keys.pop()] = row
    return found


def keys_on(html: str, consultation_id: int) -> set[str]:
    return set(rows_by_key(html, consultation_id))


def files_under(folder: Any) -> set[str]:
    """Every file below ``folder`` (the instance folder: nothing may be written)."""
    return {str(path) for path in folder.rglob("*") if path.is_file()}
