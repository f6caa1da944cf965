"""The results on a hand-made round (results_world.py): every count, share, merged
and hidden group and flag written out, worked out by hand from the verdicts there.

Item 1: farming (4) and retail (3) are shown; care (2) and building (1) are merged
into "other sectors" (3). The lone public voter in farming is too few on their own,
and would show by subtraction if hidden: the side's smallest group (government and
education without a sector, 3) joins them into the public side's "other sectors"
(4). Farming agrees (3 of 4 opinions = 75 % >= 70 %), the merged group mostly
disagrees (2 of 3): divergent, no consensus. Item 2: care's single verdict joins the
smallest entrepreneur group (retail, 3) into "other sectors" (4); every entrepreneur
group agrees: consensus; the public side's two small groups (2 + 1) are merged and
shown. Item 3: two verdicts in all, both hidden."""

from __future__ import annotations

import json

import pytest
from flask import g

from consultplatform.api import AgendaItemInput, create_agenda_item
from consultplatform.testing import count_queries
from consultplatform_validation.ballots import set_open_answer, set_priorities
from consultplatform_validation.models import ValidationBallot, ValidationRound
from consultplatform_validation.results import compute, group_map
from consultplatform_validation.rounds import close_round

from . import results_world
from . import world as worlds
from .world import vote

pytestmark = pytest.mark.usefixtures("in_request")


def counts(agree=0, changes=0, disagree=0, no_opinion=0) -> dict:
    return {"agree": agree, "agree_changes": changes, "disagree": disagree,
            "no_opinion": no_opinion}


def shares(agree, changes, disagree, no_opinion) -> dict:
    return {"agree": agree, "agree_changes": changes, "disagree": disagree,
            "no_opinion": no_opinion}


def group(key, side, sector_id, sector, merged=False) -> dict:
    return {"key": key, "side": side, "sector_id": sector_id, "sector": sector,
            "merged": merged}


@pytest.fixture
def made(app):
    return results_world.build(app)


def test_the_hand_made_round(made):
    farm, shop = made["sectors"]["farm"].id, made["sectors"]["shop"].id
    first, second, third = (item.id for item in made["items"])
    results = compute(made["round"])
    items = {item["id"]: item for item in results["items"]}

    assert results["ballots"] == 27
    assert (results["min_group"], results["consensus_share"]) == (3, 0.7)

    one = items[first]
    assert one["overall"] == {
        "counts": counts(6, 1, 5, 2), "total": 14, "opinions": 12,
        "shares": shares(0.4286, 0.0714, 0.3571, 0.1429),
        "agreement": 0.5833, "disagreement": 0.4167}
    assert one["groups"] == [
        {**group(f"entrepreneur:{shop}", "entrepreneur", shop, "Detailhandel"),
         "counts": counts(2, 0, 0, 1), "total": 3, "opinions": 2,
         "shares": shares(0.6667, 0.0, 0.0, 0.3333), "agreement": 1.0, "disagreement": 0.0},
        {**group(f"entrepreneur:{farm}", "entrepreneur", farm, "Landbouw"),
         "counts": counts(2, 1, 1, 0), "total": 4, "opinions": 4,
         "shares": shares(0.5, 0.25, 0.25, 0.0), "agreement": 0.75, "disagreement": 0.25},
        {**group("entrepreneur:merged", "entrepreneur", None, None, merged=True),
         "counts": counts(1, 0, 2, 0), "total": 3, "opinions": 3,
         "shares": shares(0.3333, 0.0, 0.6667, 0.0), "agreement": 0.3333,
         "disagreement": 0.6667},
        {**group("public:merged", "public", None, None, merged=True),
         "counts": counts(1, 0, 2, 1), "total": 4, "opinions": 3,
         "shares": shares(0.25, 0.0, 0.5, 0.25), "agreement": 0.3333,
         "disagreement": 0.6667},
    ]
    assert one["hidden"] == 0
    assert (one["consensus"], one["divergent"]) == (False, True)
    assert one["reasons"] == {
        "agree": ["Goed plan"], "agree_changes": ["Meer stageplekken"],
        "disagree": ["al geregeld", "Geen draagvlak", "Niet haalbaar", "Te duur", "Te duur"]}
    assert one["suggestions"] == {"agree_changes": ["Vakmensen opleiden en behouden"]}
    assert one["comments"] == {"agree_changes": ["Samen met het mbo"]}
    assert (one["title"], one["position"], one["points"]) == ("Vakmensen opleiden", 1, 14)

    two = items[second]
    assert two["overall"] == {
        "counts": counts(9, 2, 0, 0), "total": 11, "opinions": 11,
        "shares": shares(0.8182, 0.1818, 0.0, 0.0), "agreement": 1.0, "disagreement": 0.0}
    assert two["groups"] == [
        {**group(f"entrepreneur:{farm}", "entrepreneur", farm, "Landbouw"),
         "counts": counts(3, 1, 0, 0), "total": 4, "opinions": 4,
         "shares": shares(0.75, 0.25, 0.0, 0.0), "agreement": 1.0, "disagreement": 0.0},
        {**group("entrepreneur:merged", "entrepreneur", None, None, merged=True),
         "counts": counts(4, 0, 0, 0), "total": 4, "opinions": 4,
         "shares": shares(1.0, 0.0, 0.0, 0.0), "agreement": 1.0, "disagreement": 0.0},
        {**group("public:merged", "public", None, None, merged=True),
         "counts": counts(2, 1, 0, 0), "total": 3, "opinions": 3,
         "shares": shares(0.6667, 0.3333, 0.0, 0.0), "agreement": 1.0, "disagreement": 0.0},
    ]
    assert two["hidden"] == 0
    assert (two["consensus"], two["divergent"]) == (True, False)
    assert two["reasons"] == {"agree_changes": ["Ook voor starters", "Sneller bouwen"]}
    assert (two["suggestions"], two["comments"]) == ({}, {})

    three = items[third]
    assert three["overall"] == {
        "counts": counts(0, 0, 1, 1), "total": 2, "opinions": 1,
        "shares": shares(0.0, 0.0, 0.5, 0.5), "agreement": 0.0, "disagreement": 1.0}
    assert three["groups"] == [] and three["hidden"] == 2
    assert (three["consensus"], three["divergent"]) == (False, False)

    assert results["turnout"] == {
        "invited": 15, "voted": 14, "hidden": {"invited": 0, "voted": 0},
        "groups": [
            {**group(f"entrepreneur:{shop}", "entrepreneur", shop, "Detailhandel"),
             "invited": 3, "voted": 3},
            {**group(f"entrepreneur:{farm}", "entrepreneur", farm, "Landbouw"),
             "invited": 5, "voted": 4},
            {**group("entrepreneur:merged", "entrepreneur", None, None, merged=True),
             "invited": 3, "voted": 3},
            {**group("public:merged", "public", None, None, merged=True), "invited": 4,
             "voted": 4},
        ]}
    assert results["priorities"] == {"points": 10, "voters": 3, "ranking": [
        {"item_id": first, "position": 1, "title": "Vakmensen opleiden", "points": 14,
         "rank": 1},
        {"item_id": second, "position": 2, "title": "Woningen voor werknemers", "points": 11,
         "rank": 2},
        {"item_id": third, "position": 3, "title": "Bereikbaarheid", "points": 5, "rank": 3}]}
    assert results["open_answers"] == {
        "question": "Wat mist er nog?",
        "answers": ["aandacht voor starters", "Snelle internetverbinding"]}


def test_nothing_in_the_results_tells_who(made):
    results = compute(made["round"])
    text = json.dumps(results)
    for voter in made["voters"].values():
        assert voter.token not in text
        assert voter.participant.name not in text and voter.participant.email not in text

    def keys(value) -> set[str]:
        if isinstance(value, dict):
            return set(value) | {k for inner in value.values() for k in keys(inner)}
        if isinstance(value, list):
            return {k for inner in value for k in keys(inner)}
        return set()

    found = keys(results)
    assert not found & {"voter", "voter_id", "participant", "participant_id", "token",
                        "name", "email", "channel"}


def test_closing_freezes_the_results_and_later_changes_do_not_move_them(made):
    closed = close_round(made["round"].id)
    frozen = ValidationRound.get_by_id(closed.id).results
    assert frozen == compute(closed) and frozen["ballots"] == 27
    ValidationBallot.delete().execute()  # what the stored results do not see
    assert ValidationRound.get_by_id(closed.id).results == frozen


def test_a_changed_verdict_counts_once_the_latest(made):
    farmer = made["voters"]["F3"]
    vote(farmer, made["items"][0], "agree", reason="")
    one = compute(made["round"])["items"][0]
    assert one["overall"]["counts"] == counts(7, 1, 4, 2)
    assert one["reasons"]["disagree"] == ["al geregeld", "Geen draagvlak", "Niet haalbaar",
                                          "Te duur"]


def test_small_groups_merge_so_that_none_shows_by_subtraction():
    sizes = {("entrepreneur", 1): 5, ("entrepreneur", 2): 1, ("entrepreneur", 3): 2,
             ("entrepreneur", None): 1, ("public", None): 2, ("public", 4): 3}
    # Public: 2 alone is too few, so the side's smallest shown group (3) joins it.
    assert group_map(sizes, 3) == {
        ("entrepreneur", 1): "entrepreneur:1", ("entrepreneur", 2): "entrepreneur:merged",
        ("entrepreneur", 3): "entrepreneur:merged", ("entrepreneur", None): "entrepreneur:merged",
        ("public", None): "public:merged", ("public", 4): "public:merged"}
    # At six, the public side (5) is too few as a whole: it merges with the other side.
    assert group_map(sizes, 6) == {raw: "mixed:merged" for raw in sizes}
    # A side too small as a whole joins the other side's smallest shown group only.
    sizes = {("entrepreneur", 1): 5, ("entrepreneur", 2): 3, ("public", None): 1}
    assert group_map(sizes, 3) == {("entrepreneur", 1): "entrepreneur:1",
                                   ("entrepreneur", 2): "mixed:merged",
                                   ("public", None): "mixed:merged"}
    # Fewer verdicts than the minimum in all: hidden, nothing to show them apart from.
    assert group_map({("entrepreneur", 1): 1, ("public", None): 1}, 3) == {
        ("entrepreneur", 1): None, ("public", None): None}


def test_equal_points_share_a_rank(made):
    items = made["items"]
    set_priorities(made["voters"]["G0"].id, {items[0].id: 2, items[2].id: 8})
    ranking = compute(made["round"])["priorities"]["ranking"]
    # item 1: 4 + 2, item 2: 6 + 5, item 3: 5 + 8
    assert [(row["position"], row["points"], row["rank"]) for row in ranking] == [
        (3, 13, 1), (2, 11, 2), (1, 6, 3)]
    set_priorities(made["voters"]["G0"].id, {items[0].id: 5, items[2].id: 1})
    ranking = compute(made["round"])["priorities"]["ranking"]
    assert [(row["position"], row["points"], row["rank"]) for row in ranking] == [
        (2, 11, 1), (1, 9, 2), (3, 6, 3)]
    set_priorities(made["voters"]["G0"].id, {items[0].id: 7, items[2].id: 1})
    ranking = compute(made["round"])["priorities"]["ranking"]
    assert [(row["position"], row["points"], row["rank"]) for row in ranking] == [
        (1, 11, 1), (2, 11, 1), (3, 6, 3)]


def _counted(round_) -> int:
    g.pop("cp_once_per_request", None)  # read afresh, as in a new request
    with count_queries() as counted:
        compute(round_)
    return counted.count


def test_one_compute_is_a_fixed_number_of_statements(app, made):
    small = _counted(made["round"])
    world = worlds.consultation_with_people(per_sector=20, public=15)
    for n in range(7):
        create_agenda_item(world["consultation"].id, AgendaItemInput(title=f"Punt {n}"))
    large_round = worlds.open_round_for(app, world, priority_points=10, open_question="En?")
    for n, voter in enumerate(large_round["voters"]):
        for item in large_round["items"]:
            vote(voter, item, ("agree", "disagree", "no_opinion")[n % 3], reason="Daarom")
        set_priorities(voter.id, {large_round["items"][n % 10].id: 3})
        set_open_answer(voter.id, f"Antwoord {n}")
    large = _counted(large_round["round"])
    assert compute(large_round["round"])["ballots"] == 55 * 10
    assert large == small <= 10
