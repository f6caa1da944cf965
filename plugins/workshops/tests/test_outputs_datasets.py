"""The workshops' export datasets on a hand-made board (tests/outputs_world.py):
every row and count written out, no names in them, only with the format."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from consultplatform.api import (
    AGGREGATE,
    PSEUDONYMOUS,
    Consultation,
    ExportScope,
    InsightAction,
    StaffUser,
)
from consultplatform_workshops.outputs import export_datasets

from . import helpers, outputs_world

KEYS = ["workshops_actions", "workshops_provenance", "workshops_coverage", "workshops_dots"]


@pytest.fixture
def world(app, setting):
    return outputs_world.build(app, setting)


def datasets(app, consultation: Consultation) -> dict:
    with app.test_request_context():
        return {d.key: d for d in export_datasets(consultation)}


def rows_of(app, consultation: Consultation, key: str) -> tuple[list[list], int]:
    with app.test_request_context(), force_locale("en"):
        dataset = {d.key: d for d in export_datasets(consultation)}[key]
        rows = [list(row) for row in dataset.rows(ExportScope())]
        assert all(len(row) == len(dataset.columns) for row in rows)
        return rows, dataset.count(ExportScope())


def test_four_datasets_only_for_a_consultation_with_workshops(app, setting):
    found = datasets(app, setting["consultation"])
    assert list(found) == KEYS
    assert [found[k].sensitivity for k in KEYS] == [PSEUDONYMOUS, PSEUDONYMOUS, AGGREGATE,
                                                    AGGREGATE]
    with app.test_request_context(), force_locale("en"):
        assert str(found["workshops_actions"].label).startswith("Workshops: actions")
        assert all(str(column.label) for d in found.values() for column in d.columns)
    assert datasets(app, helpers.factories.consultation(formats=["general"])) == {}


def test_actions_one_row_per_link(app, setting, world):
    rows, count = rows_of(app, setting["consultation"], "workshops_actions")
    one, two, three = world.insights[:3]
    assert [(r[0], r[1], r[8], r[9]) for r in rows] == [
        (world.jobs, "Banenloket", one, "Answers"), (world.jobs, "Banenloket", three, "Answers"),
        (world.rooms, "Kamers", two, "Answers"), (world.empty, "Leeg", None, "")]
    assert count == 4
    jobs = rows[0]
    assert jobs[2:8] == ["Action", "Municipality", "Economische Zaken", "Within a year",
                         "Draft", None]
    assert rows[2][2:6] == ["Proposal", "Education", "", "Longer than two years"]
    assert jobs[10] == InsightAction.get(InsightAction.insight == one).created_at
    assert rows[3][10] is None


def test_a_merged_action_says_where_it_went(app, setting, world):
    from consultplatform_workshops import board_services as board

    with app.test_request_context():
        board.merge(setting["workshop"].id, world.jobs, world.rooms)
    rows, count = rows_of(app, setting["consultation"], "workshops_actions")
    assert count == len(rows) == 5  # three links, the merged action, "Leeg"
    merged = [r for r in rows if r[0] == world.rooms]
    assert [(r[6], r[7], r[8]) for r in merged] == [("Merged into another action", world.jobs,
                                                     None)]
    assert sorted((r[8], r[9]) for r in rows if r[0] == world.jobs) == [
        (world.insights[0], "Answers"), (world.insights[1], "Merged (came with a merged action)"),
        (world.insights[2], "Answers")]


def test_provenance_rows_down_to_the_sector(app, setting, world):
    rows, count = rows_of(app, setting["consultation"], "workshops_provenance")
    farm_arena, shop_arena = setting["arenas"]
    one, _two, three = world.insights[:3]
    assert rows == [
        [world.item, "Werk", "Arbeidsmarkt", world.jobs, "Banenloket", one, farm_arena.id,
         "Arena landbouw", "Landbouw"],
        [world.item, "Werk", "Arbeidsmarkt", world.jobs, "Banenloket", three, shop_arena.id,
         "Arena detailhandel", "Detailhandel"],
        [world.item, "Werk", "Arbeidsmarkt", world.empty, "Leeg", None, None, "", ""]]
    assert count == 3


def test_coverage_per_theme_and_sector(app, setting, world):
    rows, count = rows_of(app, setting["consultation"], "workshops_coverage")
    assert {(r[0], r[1]): tuple(r[2:]) for r in rows} == {
        ("Arbeidsmarkt", "Landbouw"): (1, 0, 0),
        ("Arbeidsmarkt", "Detailhandel"): (1, 1, 0),
        ("Huisvesting", "Landbouw"): (1, 0, 0),
        ("Huisvesting", "Detailhandel"): (0, 1, 1),
        ("", ""): (0, 0, 1)}
    assert [r[0] for r in rows] == ["Arbeidsmarkt", "Arbeidsmarkt", "Huisvesting",
                                    "Huisvesting", ""]  # themes in their order, none last
    assert count == 5


def test_dots_are_counted_never_named(app, setting, world):
    rows, count = rows_of(app, setting["consultation"], "workshops_dots")
    ws = setting["workshop"]
    assert rows == [[ws.id, ws.title, world.jobs, "Banenloket", 3, 2],
                    [ws.id, ws.title, world.rooms, "Kamers", 2, 1]]
    assert count == 2
    names = {s.name for s in StaffUser.select()} | {s.email for s in StaffUser.select()}
    for key in KEYS:
        rows, _count = rows_of(app, setting["consultation"], key)
        assert not names & {str(value) for row in rows for value in row}


def test_another_consultations_actions_stay_out(app, setting, world):
    other = helpers.consultation()
    sector = helpers.factories.sector(other, "Zorg")
    arena = helpers.arena(other, sector)
    helpers.insight(arena, sector, "ambities", [], 1, "Elders")
    for key in KEYS:
        rows, count = rows_of(app, other, key)
        assert count == len(rows)
        assert all("Banenloket" not in row for row in rows)
