"""The coverage read model and page on the hand-made world (agenda_world.py), the
expected counts written out; the open list's narrowing and its bad input."""

from __future__ import annotations

import pytest

from consultplatform.testing import choose_consultation, login, make_staff
from consultplatform_workshops.coverage import (
    ALL,
    NO_THEME,
    coverage_rows,
    load_coverage,
    open_insights,
)

from . import agenda_world


@pytest.fixture
def world(app):
    with app.test_request_context():
        return agenda_world.build()


def test_coverage_counts_per_theme_and_sector(app, world):
    t, s = ({k: v.id for k, v in world.themes.items()},
            {k: v.id for k, v in world.sectors.items()})
    with app.test_request_context():
        coverage = load_coverage(world.consultation.id)
    found = {key: (cell.answered, cell.set_aside, cell.open)
             for key, cell in coverage.cells.items()}
    assert found == {
        (t["labour"], s["farm"]): (1, 0, 0),
        (t["labour"], s["shop"]): (2, 0, 0),
        (t["labour"], s["care"]): (1, 0, 0),
        (t["housing"], s["farm"]): (1, 0, 0),
        (t["housing"], s["shop"]): (1, 0, 0),
        (t["mobility"], s["care"]): (0, 1, 0),
        (NO_THEME, None): (0, 0, 1),
        (ALL, s["farm"]): (2, 0, 0),
        (ALL, s["shop"]): (2, 0, 0),
        (ALL, s["care"]): (1, 1, 0),
        (ALL, None): (0, 0, 1),
    }
    everything = coverage.row_total(ALL)
    assert (everything.answered, everything.set_aside, everything.open) == (5, 1, 1)
    assert everything.total == 7  # each insight once
    labour = coverage.row_total(t["labour"])
    assert (labour.answered, labour.set_aside, labour.open) == (4, 0, 0)
    assert coverage.reasons == {"not_our_role": 1}
    assert [name for _key, name in coverage.sectors] == ["Landbouw", "Detailhandel", "Zorg", ""]
    # Stageplan (education) was merged into Banenloket: it counts nowhere.
    assert coverage.owners == {
        ("municipality", t["labour"]): 1, ("municipality", NO_THEME): 1,
        ("together", t["labour"]): 1, ("together", t["housing"]): 1,
        ("municipality", ALL): 2, ("together", ALL): 1,
    }


def test_open_list_is_limited_and_counted(app, world):
    with app.test_request_context():
        listed = open_insights(world.consultation.id)
        assert (listed.count, [i.text for i in listed.insights]) == (1, ["Vergrijzing"])
        assert open_insights(world.consultation.id, theme_id=world.themes["labour"].id).count == 0
        assert open_insights(world.consultation.id, theme_id=NO_THEME, no_sector=True).count == 1
        assert open_insights(world.consultation.id, limit=0).count == 1


def test_coverage_page(app, world):
    client = app.test_client()
    login(client, make_staff("viewer"))
    assert "Kies een consultatie" in client.get("/admin/coverage/").get_data(as_text=True)
    choose_consultation(client, world.consultation)
    html = client.get("/admin/coverage/").get_data(as_text=True)
    assert "Vergrijzing" in html and "(1)" in html
    assert "Geen rol voor de gemeente" in html  # the reason's label (nl), not its code
    narrowed = client.get("/admin/coverage/?theme=0&sector=none")
    assert narrowed.status_code == 200 and "Vergrijzing" in narrowed.get_data(as_text=True)


@pytest.mark.parametrize("query", ["theme=abc", "theme=999999", "sector=-1", "sector=99999",
                                   "theme=99999999999999999999999"])
def test_bad_filters_are_400_with_a_message(app, world, query):
    client = app.test_client()
    login(client, make_staff("viewer"))
    choose_consultation(client, world.consultation)
    response = client.get(f"/admin/coverage/?{query}")
    assert response.status_code == 400
    assert "van deze consultatie" in response.get_data(as_text=True)


def test_coverage_rows_for_an_export(app, world):
    with app.test_request_context():
        rows = coverage_rows(world.consultation.id)
    assert [(r.theme, r.sector, r.answered, r.set_aside, r.open) for r in rows] == [
        ("Arbeidsmarkt", "Landbouw", 1, 0, 0), ("Arbeidsmarkt", "Detailhandel", 2, 0, 0),
        ("Arbeidsmarkt", "Zorg", 1, 0, 0), ("Huisvesting", "Landbouw", 1, 0, 0),
        ("Huisvesting", "Detailhandel", 1, 0, 0), ("Mobiliteit", "Zorg", 0, 1, 0),
        ("", "", 0, 0, 1)]
