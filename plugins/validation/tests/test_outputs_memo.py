"""The memo's "Toetsing van de agenda" on the hand-made round (tests/contrib_world.py):
who could vote, the turnout table, the result per item with its flag, and what was
decided after the round; aggregates only."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, format_date

from consultplatform.api import DATETIME, in_amsterdam
from consultplatform.testing import count_queries
from consultplatform_validation.outputs_memo import MEMO_ORDER, item_results, memo_sections
from consultplatform_validation.rounds import close_round

from . import contrib_world
from .world import consultation_with_people, open_round_for, vote


@pytest.fixture
def closed(app, world):
    return contrib_world.closed_round(app, world)


def section(app, consultation):
    with app.test_request_context(), force_locale("en"):
        found = memo_sections(consultation)
        assert len(found) <= 1
        if not found:
            return None
        memo = found[0]
        return (str(memo.title), memo.order, list(memo.paragraphs),
                [list(row) for row in memo.table or []])


def test_no_section_before_a_round_closed(app, world):
    assert section(app, world["consultation"]) is None
    open_round_for(app, world)
    assert section(app, world["consultation"]) is None


def test_the_section_in_words_and_table(app, closed):
    title, order, paragraphs, table = section(app, closed["consultation"])
    assert title == "Validation of the draft agenda"
    assert order == MEMO_ORDER and 50 < order < 80  # after the workshops', before who took part
    with app.test_request_context(), force_locale("en"):
        closed_on = format_date(in_amsterdam(closed["round"].closed_at, DATETIME).date(), "long")
    assert paragraphs == [
        "The draft agenda of 3 items was put to the people who took part in the consultation "
        "(all sides), online with a personal link and in the meeting. 11 people were invited; "
        "10 of them (91%) gave a verdict on at least one item. "
        f"The round closed on {closed_on}.",
        "22 verdicts in all: 15 online, 5 in the room, 2 on paper.",
        "1. Vakmensen opleiden: 100% agree (of 7 verdicts with an opinion); consensus.",
        "2. Woningen voor werknemers: 71% agree (of 7 verdicts with an opinion); no "
        "consensus.",
        "3. Bereikbaarheid: 57% agree (of 7 verdicts with an opinion); divergent: the "
        "sectors disagree.",
        "Decided after the round: 1 adopted, 1 amended, 0 dropped; 1 without a decision yet.",
        f"Amended: Bereikbaarheid (now: {contrib_world.AMENDED_TITLE}). "
        f"{contrib_world.AMENDED_REASON}",
        "Agreement counts “agree” and “agree with changes” among the verdicts with an "
        "opinion. Consensus: at least 70% agree in every group of entrepreneurs shown; "
        "divergent: one group agrees that much while another mostly disagrees. Groups of "
        "fewer than 3 people are merged into “other sectors”, so that nobody's verdict can "
        "be told apart.",
    ]
    assert table == [["Side", "Sector", "Invited", "Voted", "Turnout"],
                     ["Entrepreneurs", "Detailhandel", 4, 3, "75%"],
                     ["Entrepreneurs", "Landbouw", 4, 4, "100%"],
                     ["Public side", "No sector", 3, 3, "100%"],
                     ["Total", "", 11, 10, "91%"]]
    # Aggregates only: no name, address or reason typed by a voter.
    text = " ".join(paragraphs) + " ".join(str(cell) for row in table for cell in row)
    assert not any(person.name in text or person.email in text for person in closed["people"])
    assert "Winkels vergeten" not in text and "Te duur" not in text


def test_the_flags_per_item(app, closed):
    with app.test_request_context():
        results = item_results(closed["round"])
    assert [(r.consensus, r.divergent) for r in results] == [(True, False), (False, False),
                                                             (False, True)]
    assert [r.ballots for r in results] == [8, 7, 7]
    assert [r.opinions for r in results] == [7, 7, 7]
    # The same as the results page shows (frozen when the round closed).
    frozen = closed["round"].results["items"]
    assert [(i["consensus"], i["divergent"]) for i in frozen] == [
        (r.consensus, r.divergent) for r in results]


def test_a_small_sector_is_merged_or_left_out_in_the_turnout_table(app, in_request):
    world = consultation_with_people(per_sector=2, public=3)
    opened = open_round_for(app, world)
    close_round(opened["round"].id)
    with force_locale("en"):
        table = memo_sections(world["consultation"])[0].table
    # Two sectors of two: merged into four "other sectors".
    assert [list(row) for row in table[1:]] == [["Entrepreneurs", "Other sectors", 4, 0, "0%"],
                                                ["Public side", "No sector", 3, 0, "0%"],
                                                ["Total", "", 7, 0, "0%"]]


def test_statements_flat(app, in_request):
    counts = []
    for per_sector in (3, 30):
        world = consultation_with_people(per_sector=per_sector, public=3)
        opened = open_round_for(app, world)
        for n, voter in enumerate(opened["voters"]):
            for item in opened["items"]:
                vote(voter, item, ("agree", "disagree", "no_opinion")[n % 3],
                     channel=("online", "room", "paper")[n % 3])
        close_round(opened["round"].id)
        with count_queries() as counted:
            memo_sections(world["consultation"])
        counts.append(counted.count)
    assert counts[0] == counts[1]
