"""A hand-made closed round for the contributions' tests (datasets, memo, dashboard,
personal data), on the shared world (tests/world.py): four entrepreneurs in
Landbouw and four in Detailhandel, three people of the municipality without a
sector, three items. Every verdict is written out here, so the tests can write out
what they expect.

    item 1 "Vakmensen opleiden":       Landbouw agree 3, with changes 1;
                                       Detailhandel agree 2; government agree 1,
                                       no opinion 1                     -> consensus
    item 2 "Woningen voor werknemers": Landbouw agree 2; Detailhandel disagree 2;
                                       government with changes 3        -> neither
    item 3 "Bereikbaarheid":           Landbouw agree 4;
                                       Detailhandel disagree 3          -> divergent

After closing: item 1 adopted, item 3 amended with new wording; item 2 was adopted
before the round closed, which does not count as a decision after it.
"""

from __future__ import annotations

from consultplatform.api import record_decision
from consultplatform_validation.rounds import close_round

from .world import open_round_for, vote

# (voter index, item index, verdict, reason, suggestion, channel); voters by id: 0-3
# Landbouw, 4-7 Detailhandel, 8-10 government.
VOTES = [
    (0, 0, "agree", "", "", "online"), (1, 0, "agree", "", "", "online"),
    (2, 0, "agree", "", "", "room"),
    (3, 0, "agree_changes", "Ook zij-instromers", "Vakmensen opleiden en omscholen", "paper"),
    (4, 0, "agree", "", "", "online"), (5, 0, "agree", "", "", "online"),
    (8, 0, "agree", "", "", "online"), (9, 0, "no_opinion", "", "", "online"),
    (0, 1, "agree", "", "", "online"), (1, 1, "agree", "", "", "online"),
    (4, 1, "disagree", "Eerst starters", "", "online"),
    (5, 1, "disagree", "Te duur", "", "room"),
    (8, 1, "agree_changes", "Met omwonenden", "", "online"),
    (9, 1, "agree_changes", "Sneller", "", "online"),
    (10, 1, "agree_changes", "Ook tijdelijk", "", "paper"),
    (0, 2, "agree", "", "", "online"), (1, 2, "agree", "", "", "online"),
    (2, 2, "agree", "", "", "online"), (3, 2, "agree", "", "", "online"),
    (4, 2, "disagree", "Winkels vergeten", "", "room"),
    (5, 2, "disagree", "Parkeren ontbreekt", "", "room"),
    (6, 2, "disagree", "Alleen woon-werkverkeer", "", "room"),
]
AMENDED_TITLE = "Bereikbaarheid voor werk en winkels"
AMENDED_REASON = "De detailhandel miste de winkels; die staan er nu in."


def cast(opened: dict, votes=VOTES) -> None:
    for voter, item, verdict, reason, suggestion, channel in votes:
        vote(opened["voters"][voter], opened["items"][item], verdict, reason=reason,
             suggestion=suggestion, channel=channel)


def closed_round(app, world) -> dict:
    """The round of the module docstring, closed, with its decisions (made in a
    context of their own, so a test may use a client afterwards)."""
    opened = {**world, **open_round_for(app, world)}
    items = opened["items"]
    with app.test_request_context():
        cast(opened)
        record_decision(items[1].agenda_item_id, "adopted")
        close_round(opened["round"].id)
        record_decision(items[0].agenda_item_id, "adopted", "Brede steun.")
        record_decision(items[2].agenda_item_id, "amended", AMENDED_REASON,
                        new_title=AMENDED_TITLE)
    opened["round"] = type(opened["round"]).get_by_id(opened["round"].id)
    return opened
