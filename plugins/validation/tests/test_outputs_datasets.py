"""The validation's export datasets on the hand-made round (tests/contrib_world.py):
every row written out, small groups merged or left out, the ballots pseudonymised
by the export (different in every export, never a number of ours), offered by the
export page in every format, and read in a fixed number of statements."""

from __future__ import annotations

import csv
import io
import json
import re

import openpyxl
import pytest
from flask_babel import force_locale

from consultplatform.api import AGGREGATE, PSEUDONYMOUS, ExportScope, Participant
from consultplatform.testing import choose_consultation, count_queries
from consultplatform_exports import runner
from consultplatform_exports.catalogue import Offer, datasets_of, exporters
from consultplatform_validation.outputs_datasets import export_datasets
from consultplatform_validation.personal_data import holders
from consultplatform_validation.rounds import close_round

from . import contrib_world
from .world import consultation_with_people, open_round_for, vote

KEYS = ["validation_ballots", "validation_results"]


@pytest.fixture
def closed(app, world):
    return contrib_world.closed_round(app, world)


def dataset(app, consultation, key: str):
    with app.test_request_context():
        return {d.key: d for d in export_datasets(consultation)}[key]


def rows_of(app, consultation, key: str) -> tuple[list[list], int]:
    with app.test_request_context(), force_locale("en"):
        found = {d.key: d for d in export_datasets(consultation)}[key]
        rows = [list(row) for row in found.rows(ExportScope())]
        assert all(len(row) == len(found.columns) for row in rows)
        return rows, found.count(ExportScope())


def test_two_datasets_with_their_sensitivity(app, world):
    found = [dataset(app, world["consultation"], key) for key in KEYS]
    assert [d.sensitivity for d in found] == [PSEUDONYMOUS, AGGREGATE]
    assert [c.kind for c in found[0].columns] == ["pseudonym"] + ["text"] * 3 + [
        "integer", "text", "integer", "text", "text", "text"]
    with app.test_request_context(), force_locale("en"):
        assert all(str(column.label) for d in found for column in d.columns)


def test_a_row_per_ballot_with_the_person_as_an_internal_key(app, closed):
    rows, count = rows_of(app, closed["consultation"], "validation_ballots")
    assert count == len(rows) == len(contrib_world.VOTES)
    voters, items, round_ = closed["voters"], closed["items"], closed["round"]
    first = rows[0]  # Landbouw 0 on item 1, online
    assert first == [f"p{voters[0].participant_id}", "Landbouw", "Entrepreneur", "Online",
                     round_.id, "Toetsing", 1, "Vakmensen opleiden", "Agree", ""]
    paper = rows[3]
    assert paper[1:4] == ["Landbouw", "Entrepreneur", "On paper"]
    assert paper[8:] == ["Agree with changes", "Ook zij-instromers"]
    government = [r for r in rows if r[2] == "Government"]
    assert len(government) == 5 and {r[1] for r in government} == {""}
    assert [r[6] for r in rows] == [items[i].position for _v, i, *_rest in contrib_world.VOTES]


def test_results_per_item_sector_and_side_with_small_groups_merged(app, closed):
    rows, count = rows_of(app, closed["consultation"], "validation_results")
    round_id = closed["round"].id
    head = [round_id, "Toetsing"]
    everyone = "All verdicts"
    assert rows == [
        # Item 1: Detailhandel (2) and the government side (2) are too small; with
        # Landbouw (4) they are one group of both sides: nothing told apart.
        [*head, 1, "Vakmensen opleiden", everyone, "", 8, 6, 1, 0, 1],
        [*head, 1, "Vakmensen opleiden", "both sides", "Other sectors", 8, 6, 1, 0, 1],
        # Item 2: Landbouw 2 + Detailhandel 2 merged into "other sectors".
        [*head, 2, "Woningen voor werknemers", everyone, "", 7, 2, 3, 2, 0],
        [*head, 2, "Woningen voor werknemers", "entrepreneurs", "Other sectors", 4, 2, 0, 2, 0],
        [*head, 2, "Woningen voor werknemers", "public side", "No sector", 3, 0, 3, 0, 0],
        [*head, 3, "Bereikbaarheid", everyone, "", 7, 4, 0, 3, 0],
        [*head, 3, "Bereikbaarheid", "entrepreneurs", "Detailhandel", 3, 0, 0, 3, 0],
        [*head, 3, "Bereikbaarheid", "entrepreneurs", "Landbouw", 4, 4, 0, 0, 0],
    ]
    assert count == 8
    # What the results page shows: the round's frozen results.
    frozen = closed["round"].results["items"]
    assert [row[6] for row in rows if row[4] == everyone] == [
        item["overall"]["total"] for item in frozen]


def test_results_only_of_closed_rounds(app, world, in_request):
    opened = {**world, **open_round_for(app, world)}
    contrib_world.cast(opened)
    rows, count = rows_of(app, world["consultation"], "validation_results")
    assert rows == [] and count == 0
    ballots, _count = rows_of(app, world["consultation"], "validation_ballots")
    assert len(ballots) == len(contrib_world.VOTES)  # staff see the ballots as they come


def test_an_erased_voter_keeps_one_pseudonym_source_and_no_person(app, closed):
    person = closed["voters"][0].participant_id
    for holder in holders():
        holder.erase(person)
    rows, _count = rows_of(app, closed["consultation"], "validation_ballots")
    erased = [r for r in rows if r[0] == f"v{closed['voters'][0].id}"]
    assert len(erased) == 3 and all(r[9] == "" for r in erased)
    assert Participant.get_by_id(person).id == person


def records(key: str, data: bytes) -> list[list[str]]:
    """The data rows of a file in format ``key`` (the header left out)."""
    if key == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
        return [["" if v is None else str(v) for v in row]
                for row in sheet.iter_rows(min_row=2, values_only=True)]
    if key == "jsonl":
        return [[str(v) for v in json.loads(line).values()] for line in data.decode().splitlines()]
    text = data.decode("utf-8-sig")
    dialect = {"delimiter": ";"} if key == "csv-excel" else {}
    return list(csv.reader(io.StringIO(text, newline=""), **dialect))[1:]


def test_the_page_offers_both_datasets_in_every_streaming_format(app, closed, admin_client):
    consultation = closed["consultation"]
    choose_consultation(admin_client, consultation)
    html = admin_client.get("/admin/export/").get_data(as_text=True)
    with app.app_context():
        streaming = [key for key, exporter in exporters().items() if exporter.streams]
    assert streaming
    for key, count in (("validation_ballots", len(contrib_world.VOTES)),
                       ("validation_results", 8)):
        for fmt in streaming:
            link = f"/admin/export/{consultation.id}/{key}.{fmt}"
            assert f'href="{link}"' in html, link
            response = admin_client.get(link)
            assert response.status_code == 200, link
            assert len(records(fmt, response.get_data())) == count, link


def test_the_runner_writes_both_datasets_in_every_format(app, closed):
    with app.test_request_context():
        found = {d.key: d for _plugin, d in datasets_of(closed["consultation"])}
        formats = exporters()
        assert {"xlsx", "csv", "csv-excel", "jsonl"} <= set(formats)
        for key, count in (("validation_ballots", len(contrib_world.VOTES)),
                           ("validation_results", 8)):
            offer = Offer("validation", found[key], ExportScope(), needs_purpose=False)
            for fmt, exporter in formats.items():
                out = io.BytesIO()
                runner.write_dataset(offer, exporter, out, "en")
                assert len(records(fmt, out.getvalue())) == count, (key, fmt)


def test_pseudonyms_differ_between_exports_and_are_never_an_id(app, closed, admin_client):
    consultation = closed["consultation"]
    choose_consultation(admin_client, consultation)
    link = f"/admin/export/{consultation.id}/validation_ballots.csv"
    once = [row[0] for row in records("csv", admin_client.get(link).get_data())]
    again = [row[0] for row in records("csv", admin_client.get(link).get_data())]
    assert all(re.fullmatch(r"[0-9a-f]{12}", p) for p in once + again)
    # One pseudonym per person within an export: as many as people who voted.
    people = {v for v, *_rest in contrib_world.VOTES}
    assert len(set(once)) == len(set(again)) == len(people)
    by_voter = {}
    for (voter, *_rest), pseudonym in zip(contrib_world.VOTES, once, strict=True):
        by_voter.setdefault(voter, set()).add(pseudonym)
    assert all(len(found) == 1 for found in by_voter.values())
    assert not set(once) & set(again)
    ids = {str(v.id) for v in closed["voters"]} | {str(v.participant_id)
                                                    for v in closed["voters"]}
    assert not (set(once) | set(again)) & ids


def _statements(app, consultation, key: str) -> int:
    with app.test_request_context(), force_locale("en"):
        found = {d.key: d for d in export_datasets(consultation)}[key]
        with count_queries() as counted:
            rows = list(found.rows(ExportScope()))
            total = found.count(ExportScope())
        assert total == len(rows)
        return counted.count


def _closed_with(app, ballots: int, **people) -> object:
    """A new consultation whose closed round has ``ballots`` verdicts."""
    world = consultation_with_people(**people)
    opened = open_round_for(app, world)
    plan = [(voter, item) for item in opened["items"] for voter in opened["voters"]]
    for voter, item in plan[:ballots]:
        vote(voter, item, "disagree" if voter.id % 3 else "agree")
    close_round(opened["round"].id)
    return world["consultation"]


def test_statements_flat_from_ten_to_a_hundred_ballots(app, in_request):
    small = _closed_with(app, 10, per_sector=2, public=1)
    large = _closed_with(app, 110, per_sector=20, public=10)
    for key in KEYS:
        assert _statements(app, small, key) == _statements(app, large, key), key
    assert _statements(app, large, "validation_results") <= 10  # rows, then count(): 4 each
