"""The presenter: its services (place, voting, reveal; revision and audit rows),
the counts in one grouped query, the screen with its QR code and room address, the
poll with its ETag, the controls (CSRF, roles, a second tab's stale press: 409)."""

from __future__ import annotations

import pytest

from consultplatform.api import AuditLog
from consultplatform.testing import count_queries, csrf_from, get_csrf
from consultplatform_validation.models import ValidationItem, ValidationRound
from consultplatform_validation.presenter import (
    item_counts,
    move_to,
    presenter_state,
    reveal,
    start_voting,
)
from consultplatform_validation.rounds import RoundError, close_round

from .test_rounds_pages import staff
from .world import vote


def test_the_services_walk_through_the_items(app, opened, in_request):
    round_id = opened["round"].id
    revision = ValidationRound.get_by_id(round_id).revision
    with pytest.raises(RoundError) as refused:
        start_voting(round_id)
    assert refused.value.status == 409  # no item shown yet
    move_to(round_id, 1)
    start_voting(round_id)
    first = opened["items"][0]
    assert ValidationItem.get_by_id(first.id).state == "voting"
    with pytest.raises(RoundError) as refused:
        start_voting(round_id)
    assert refused.value.status == 409
    voters = opened["voters"]
    for voter, verdict in zip(voters[:5], ["agree", "agree", "disagree", "no_opinion",
                                           "agree_changes"], strict=True):
        vote(voter, first, verdict, channel="room")
    vote(voters[0], first, "disagree", channel="paper")  # the latest counts
    assert item_counts(first.id) == {"agree": 1, "agree_changes": 1, "disagree": 2,
                                     "no_opinion": 1}
    state = presenter_state(round_id)
    assert (state.cast, state.position, state.item_state) == (5, 1, "voting")
    reveal(round_id)
    assert ValidationItem.get_by_id(first.id).state == "revealed"
    with pytest.raises(RoundError):
        reveal(round_id)
    with pytest.raises(RoundError) as refused:
        move_to(round_id, 9)
    assert refused.value.status == 404
    assert ValidationRound.get_by_id(round_id).revision == revision + 3
    steps = [row.details.get("presenter") for row in AuditLog.select()
             .where(AuditLog.object_type == "ValidationRound").order_by(AuditLog.id)]
    assert [s for s in steps if s] == ["move", "voting", "reveal"]
    close_round(round_id)
    with pytest.raises(RoundError) as refused:
        move_to(round_id, 2)
    assert refused.value.status == 409


def test_counts_are_one_grouped_query(opened, in_request):
    item = opened["items"][1]
    for voter in opened["voters"]:
        vote(voter, item, "agree", reason="")
    with count_queries() as counted:
        counts = item_counts(item.id)
    assert counts["agree"] == 11 and counted.count == 1
    with count_queries() as counted:
        presenter_state(opened["round"].id)
    assert counted.count == 1


def test_the_screen_its_poll_and_its_controls(app, opened):
    round_ = opened["round"]
    client = staff(app, "admin", opened["consultation"])
    url = f"/admin/validation-presenter/{round_.id}/"
    page = client.get(url).get_data(as_text=True)
    assert f"/stem/{round_.room_code}" in page and "<svg" in page and "QR code" in page
    assert round_.room_code in page and "First item" in page
    token = csrf_from(page)
    assert client.post(url + "move", data={"csrf_token": token, "position": "1"}).status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert "Vakmensen opleiden" in page and "Open voting" in page
    second_tab = staff(app, "moderator", opened["consultation"])  # not theirs: 404
    assert second_tab.get(url).status_code == 404
    assert client.post(url + "voting", data={"csrf_token": token, "position": "1"}).status_code == 303
    state = client.get(url + "state")
    assert state.status_code == 200 and state.json == {"revision": state.json["revision"],
                                                       "cast": 0}
    assert client.get(url + "state", headers={"If-None-Match": state.headers["ETag"]}
                      ).status_code == 304
    with app.app_context():
        vote(opened["voters"][0], opened["items"][0], "agree", reason="", channel="room")
    moved = client.get(url + "state", headers={"If-None-Match": state.headers["ETag"]})
    assert moved.status_code == 200 and moved.json["cast"] == 1 and "counts" not in moved.json
    # A stale press from another tab (it still shows item 2): refused, nothing changes.
    stale = client.post(url + "reveal", data={"csrf_token": token, "position": "2"})
    assert stale.status_code == 409
    assert client.post(url + "reveal", data={"csrf_token": token, "position": "1"}).status_code == 303
    again = client.post(url + "reveal", data={"csrf_token": token, "position": "1"})
    assert again.status_code == 409 and "Only an item" in again.get_data(as_text=True)
    shown = client.get(url + "state").json
    assert shown["counts"]["agree"] == 1 and shown["shares"]["agree"] == 100
    page = client.get(url).get_data(as_text=True)
    assert "Result for this item" in page and "100%" in page
    assert client.post(url + "move", data={"position": "2"}).status_code == 400  # no CSRF
    for bad in ("0", "-1", "x", "99999999999999999999"):
        answer = client.post(url + "move", data={"csrf_token": token, "position": bad})
        assert 400 <= answer.status_code < 500, bad
    viewer = staff(app, "viewer", opened["consultation"])
    seen = viewer.get(url)
    assert seen.status_code == 200 and "Next item" not in seen.get_data(as_text=True)
    own = get_csrf(viewer, "/admin/")
    assert viewer.post(url + "move", data={"csrf_token": own, "position": "2"}).status_code == 403
    assert client.get("/admin/validation-presenter/").status_code == 404


def test_interim_counts_only_when_the_round_shows_them(app, world):
    from .world import open_round_for

    made = open_round_for(app, world, show_interim=True)
    client = staff(app, "admin", world["consultation"])
    url = f"/admin/validation-presenter/{made['round'].id}/"
    token = csrf_from(client.get(url).get_data(as_text=True))
    client.post(url + "move", data={"csrf_token": token, "position": "1"})
    client.post(url + "voting", data={"csrf_token": token, "position": "1"})
    with app.app_context():
        vote(made["voters"][0], made["items"][0], "disagree", reason="te duur", channel="room")
    assert client.get(url + "state").json["counts"]["disagree"] == 1
    assert "Interim result" in client.get(url).get_data(as_text=True)
