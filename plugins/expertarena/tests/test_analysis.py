"""The sector x theme matrix, the leading themes and the top insights per sector,
on a hand-made fixture whose counts are written out here; and the analysis page's
query count, the same for 10 and for 1,000 insights."""

from __future__ import annotations

import itertools

import pytest

from consultplatform.api import Insight, InsightTheme, db, utcnow
from consultplatform.testing import factories, login, make_staff, statements_of
from consultplatform_expertarena.analysis import (
    Scope,
    leading_themes,
    load_matrix,
    participation,
    required_sectors,
    top_by_sector,
)

from . import helpers


@pytest.fixture
def fixture(app):
    """Four sectors (D stays silent), four themes, eight insights; plus a second
    consultation whose insights must never be counted.

        insight  sector  category         themes   weight
        i1       A       ambities         T1 T2    1
        i2       A       barrieres        T1       1
        i3       A       belevingswereld  -        1
        i4       B       ambities         T1       2
        i5       B       barrieres        T2 T3    2
        i6       C       ontwikkelingen   T1       1
        i7       C       barrieres        T3       3
        i8       -       barrieres        T4       1
    """
    parent = helpers.consultation()
    a, b, c, d = (factories.sector(parent, name, position=i) for i, name in enumerate("ABCD"))
    t1, t2, t3, t4 = helpers.themes(parent, "T1", "T2", "T3", "T4")
    first = helpers.arena(parent, sectors=(a, b))
    second = helpers.arena(parent, sectors=(c,))
    rows = {
        "i1": helpers.insight(first, a, "ambities", [t1, t2], text="Ambitie A"),
        "i2": helpers.insight(first, a, "barrieres", [t1], text="Barriere A"),
        "i3": helpers.insight(first, a, "belevingswereld", [], text="Beleving A"),
        "i4": helpers.insight(first, b, "ambities", [t1], 2, text="Ambitie B"),
        "i5": helpers.insight(first, b, "barrieres", [t2, t3], 2, text="Barriere B"),
        "i6": helpers.insight(second, c, "ontwikkelingen", [t1], text="Ontwikkeling C"),
        "i7": helpers.insight(second, c, "barrieres", [t3], 3, text="Barriere C", quote="Zo is het"),
        "i8": helpers.insight(second, None, "barrieres", [t4], text="Barriere zonder sector"),
    }
    other = helpers.consultation()
    elsewhere = factories.sector(other, "A")
    (foreign,) = helpers.themes(other, "T1")
    helpers.insight(helpers.arena(other, sectors=(elsewhere,)), elsewhere, "ambities", [foreign])
    return {"consultation": parent, "sectors": (a, b, c, d), "themes": (t1, t2, t3, t4),
            "arenas": (first, second), "insights": rows}


def test_the_matrix_counts_insights_per_sector_and_theme(fixture):
    a, b, c, d = (s.id for s in fixture["sectors"])
    t1, t2, t3, t4 = (t.id for t in fixture["themes"])
    matrix = load_matrix(Scope(fixture["consultation"]))
    expected = {  # sector: [T1, T2, T3, T4]
        a: [2, 1, 0, 0],
        b: [1, 1, 1, 0],
        c: [1, 0, 1, 0],
        d: [0, 0, 0, 0],
        None: [0, 0, 0, 1],
    }
    assert matrix.row_keys() == [a, b, c, d, None]
    assert [t.name for t in matrix.themes] == ["T1", "T2", "T3", "T4"]
    assert matrix.grid() == [expected[key] for key in matrix.row_keys()]
    assert [matrix.row_total(key) for key in matrix.row_keys()] == [3, 2, 2, 0, 1]
    assert [matrix.column_total(theme) for theme in (t1, t2, t3, t4)] == [4, 2, 2, 1]
    assert matrix.without_theme(a) == 1 and matrix.total_without_theme() == 1
    assert matrix.total() == 8
    # Split by category.
    assert matrix.cell(a, t1, "ambities") == 1 and matrix.cell(a, t1, "barrieres") == 1
    assert matrix.column_total(t1, "ambities") == 2
    assert matrix.column_total(t3, "barrieres") == 2
    assert matrix.total("barrieres") == 4
    assert matrix.row_total(c, "ontwikkelingen") == 1
    assert matrix.weights == {t1: 5, t2: 3, t3: 5, t4: 1}
    assert matrix.contributing_sectors() == [a, b, c]


def test_one_arena_is_a_scope_of_its_own(fixture):
    first, second = fixture["arenas"]
    a, b, c, _d = fixture["sectors"]
    matrix = load_matrix(Scope(fixture["consultation"], second))
    assert [s.name for s in matrix.sectors] == ["C"]
    assert matrix.row_keys() == [c.id, None]
    assert matrix.total() == 3
    matrix = load_matrix(Scope(fixture["consultation"], first))
    assert [s.name for s in matrix.sectors] == ["A", "B"]
    assert matrix.total() == 5


@pytest.mark.parametrize(("threshold", "required", "leading"), [
    (100, 3, ["T1"]),
    (67, 3, ["T1"]),              # just over two thirds: all three sectors
    (66, 2, ["T1", "T3", "T2"]),  # two of three: T2 and T3 exactly at the bar
    (34, 2, ["T1", "T3", "T2"]),
    (33, 1, ["T1", "T3", "T2"]),  # one sector is enough, but T4 has none (no sector)
    (1, 1, ["T1", "T3", "T2"]),
])
def test_leading_themes_at_the_threshold(fixture, threshold, required, leading):
    result = leading_themes(load_matrix(Scope(fixture["consultation"])), threshold)
    assert result.contributing == 3
    assert result.required == required
    assert [row.theme.name for row in result.leading] == leading


def test_leading_themes_are_ranked_by_sectors_then_insights_then_weight(fixture):
    result = leading_themes(load_matrix(Scope(fixture["consultation"])), 100)
    # T2 and T3: two sectors and two insights each; T3 weighs 5 against T2's 3.
    assert [(r.theme.name, r.sectors, r.insights, r.weight, r.leading) for r in result.ranking] == [
        ("T1", 3, 4, 5, True), ("T3", 2, 2, 5, False), ("T2", 2, 2, 3, False),
        ("T4", 0, 1, 1, False)]


@pytest.mark.parametrize(("contributing", "threshold", "required"), [
    (25, 28, 7),   # 0.28 * 25 is 7.000000000000001 in floating point: ceil would say 8
    (5, 80, 4), (7, 100, 7), (7, 85, 6), (7, 86, 7), (1, 1, 1), (0, 100, 1),
])
def test_required_sectors_in_whole_numbers(contributing, threshold, required):
    assert required_sectors(contributing, threshold) == required


def test_no_insights_no_leading_theme(app):
    parent = helpers.consultation()
    helpers.themes(parent, "T1")
    result = leading_themes(load_matrix(Scope(parent)), 100)
    assert result.contributing == 0 and result.leading == []


def test_top_ambitions_and_barriers_per_sector(fixture):
    a, b, c, _d = fixture["sectors"]
    rows = fixture["insights"]
    scope = Scope(fixture["consultation"])
    top = top_by_sector(scope, ["ambities", "barrieres"], 1)
    assert {key: [i.id for i in found] for key, found in top.items()} == {
        (a.id, "ambities"): [rows["i1"].id], (a.id, "barrieres"): [rows["i2"].id],
        (b.id, "ambities"): [rows["i4"].id], (b.id, "barrieres"): [rows["i5"].id],
        (c.id, "barrieres"): [rows["i7"].id], (None, "barrieres"): [rows["i8"].id]}
    quotes = top_by_sector(scope, [], 2, quotes=True)
    assert {key: [i.quote for i in found] for key, found in quotes.items()} == {
        (c.id, ""): ["Zo is het"]}


def test_the_strongest_insights_come_first(app):
    parent = helpers.consultation()
    sector = factories.sector(parent)
    session = helpers.arena(parent, sectors=(sector,))
    weak = helpers.insight(session, sector, "ambities", weight=1)
    strong = helpers.insight(session, sector, "ambities", weight=3)
    middle = helpers.insight(session, sector, "ambities", weight=2)
    top = top_by_sector(Scope(parent), ["ambities"], 2)
    assert [i.id for i in top[(sector.id, "ambities")]] == [strong.id, middle.id]
    assert weak.id not in [i.id for i in top[(sector.id, "ambities")]]


def test_participation_counts_places_and_people(app):
    parent = helpers.consultation()
    farm, shop = factories.sector(parent, "Landbouw"), factories.sector(parent, "Detailhandel")
    past = helpers.arena(parent, sectors=(farm,))
    past.starts_at = past.starts_at.replace(year=past.starts_at.year - 1)
    past.ends_at = past.ends_at.replace(year=past.ends_at.year - 1)
    past.save()
    future = helpers.arena(parent, sectors=(shop,))
    farmer = factories.participant(parent, sector=farm, side="entrepreneur")
    official = factories.participant(parent, side="government")
    absent = factories.participant(parent, sector=farm, side="entrepreneur")
    factories.registration(farmer, past, attendance="attended")
    factories.registration(official, past)
    factories.registration(absent, past, attendance="no_show")
    factories.registration(farmer, future)
    factories.registration(factories.participant(parent, sector=shop), future,
                           status="waitlisted")
    counts = participation(Scope(parent))
    assert counts.total("confirmed") == 4  # places: the farmer twice, no waiting list
    assert counts.total("attended") == 1 and counts.total("no_show") == 1
    assert counts.total("confirmed", sector=farm.id, side="entrepreneur") == 3
    # Took part: the arena has been held and they were not marked absent.
    assert counts.took_part == {(farm.id, "entrepreneur"): 1, (None, "government"): 1}


# --- the analysis page costs the same number of queries whatever the data size ---------------


def _add_insights(parent, session, sectors, themes, count: int) -> None:
    """``count`` insights with one or two themes each, inserted in bulk."""
    categories = itertools.cycle(["belevingswereld", "ontwikkelingen", "ambities", "barrieres"])
    now = utcnow()
    start = Insight.select().count()
    with db.atomic():
        Insight.insert_many([{
            "session": session.id, "text": f"Inzicht {start + n}", "category": next(categories),
            "sector": sectors[n % len(sectors)].id, "weight": 1 + n % 3, "quote": "",
            "actor": "", "created_at": now, "updated_at": now} for n in range(count)]).execute()
        ids = [i.id for i in Insight.select(Insight.id)
               .order_by(Insight.id).offset(start)]
        links = [{"insight": ident, "theme": themes[n % len(themes)].id}
                 for n, ident in enumerate(ids)]
        links += [{"insight": ident, "theme": themes[(n + 1) % len(themes)].id}
                  for n, ident in enumerate(ids) if n % 2]
        InsightTheme.insert_many(links).execute()


class QueryCounter:
    def __init__(self, monkeypatch):
        self.count = 0
        original = db.obj.execute_sql

        def counting(sql, params=None, *args, **kwargs):
            self.count += 1
            return original(sql, params, *args, **kwargs)

        monkeypatch.setattr(db.obj, "execute_sql", counting)

    def during(self, call) -> tuple[int, object]:
        before = self.count
        result = call()
        return self.count - before, result


def test_the_analysis_page_costs_the_same_queries_for_10_and_1000_insights(app, monkeypatch):
    parent = helpers.consultation()
    sectors = [factories.sector(parent, f"Sector {n}", position=n) for n in range(7)]
    themes = helpers.themes(parent, *(f"Thema {n}" for n in range(5)))
    session = helpers.arena(parent, sectors=(sectors[0],))
    for person in range(12):
        factories.registration(factories.participant(parent, sector=sectors[person % 7]),
                               session)
    client = app.test_client()
    login(client, make_staff("viewer"))
    pages = [f"/admin/expertarena-analyse/c/{parent.id}/",
             f"/admin/expertarena-analyse/c/{parent.id}/?per=categorie",
             f"/admin/expertarena-analyse/c/{parent.id}/heatmap.svg",
             f"/admin/expertarena-analyse/arena/{session.id}/"]
    _add_insights(parent, session, sectors, themes, 10)
    small = {url: len(statements_of(client, url)) for url in pages}
    _add_insights(parent, session, sectors, themes, 990)
    assert Insight.select().count() == 1000
    large = {url: len(statements_of(client, url)) for url in pages}
    assert small == large, (small, large)
    assert all(0 < n <= 25 for n in large.values()), large
    html = client.get(pages[0]).get_data(as_text=True)
    assert ">1000<" in html.replace(" ", "")  # the total, in the table's last cell
