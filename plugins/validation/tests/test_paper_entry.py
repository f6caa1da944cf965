"""Paper entry: staff find a voter by name (a page at a time), enter their verdicts
as ballots with channel "paper"; the latest ballot counts across channels; errors
at their item, nothing saved and nothing typed lost; viewers may not; closed: 409."""

from __future__ import annotations

from consultplatform.testing import csrf_from, get_csrf
from consultplatform_validation.models import ValidationBallot
from consultplatform_validation.rounds import close_round
from consultplatform_validation.views.rounds_data import VOTERS_PER_PAGE

from .test_rounds_pages import staff
from .world import vote


def test_find_a_voter_and_enter_their_form(app, opened):
    round_, items = opened["round"], opened["items"]
    client = staff(app, "admin", opened["consultation"])
    base = f"/admin/validation-rounds/{round_.id}/paper"
    page = client.get(base + "?q=landbouw").get_data(as_text=True)
    assert "4 voters found" in page and "Landbouw 0" in page and "Detailhandel 0" not in page
    voter = next(v for v in opened["voters"] if v.participant.name == "Landbouw 1")
    with app.app_context():
        vote(voter, items[0], "agree", reason="", channel="online")
    form = client.get(f"{base}?q=landbouw&voter={voter.id}").get_data(as_text=True)
    assert "Verdicts of Landbouw 1" in form and "Bereikbaarheid" in form
    token = csrf_from(form)
    saved = client.post(f"{base}/{voter.id}", data={
        "csrf_token": token, f"verdict-{items[0].id}": "disagree",
        f"reason-{items[0].id}": "Te weinig geld", f"verdict-{items[1].id}": "agree",
        f"verdict-{items[2].id}": ""})
    assert saved.status_code == 303
    rows = {b.item_id: (b.verdict, b.reason, b.channel) for b in
            ValidationBallot.select().where(ValidationBallot.voter == voter.id)}
    assert rows == {items[0].id: ("disagree", "Te weinig geld", "paper"),
                    items[1].id: ("agree", "", "paper")}


def test_errors_at_their_item_and_nothing_lost(app, opened):
    round_, items, voter = opened["round"], opened["items"], opened["voters"][0]
    client = staff(app, "admin", opened["consultation"])
    base = f"/admin/validation-rounds/{round_.id}/paper"
    token = csrf_from(client.get(f"{base}?voter={voter.id}").get_data(as_text=True))
    refused = client.post(f"{base}/{voter.id}", data={
        "csrf_token": token, f"verdict-{items[0].id}": "disagree",
        f"comment-{items[0].id}": "Mijn opmerking", f"verdict-{items[1].id}": "maybe",
        f"verdict-{items[2].id}": "agree", f"suggestion-{items[2].id}": "x\x01y"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert f'id="reason-{items[0].id}-error"' in page and "Mijn opmerking" in page
    assert f'id="verdict-{items[1].id}-error"' in page
    assert ValidationBallot.select().count() == 0
    assert client.post(f"{base}/{voter.id}", data={"csrf_token": token}).status_code == 422
    assert client.post(f"{base}/{voter.id}", data={}).status_code == 400  # no CSRF
    assert client.post(f"{base}/999999", data={"csrf_token": token}).status_code == 404
    for bad in ("?page=0", "?page=x", "?voter=abc", "?q=" + "x" * 101, "?voter=999999"):
        answer = client.get(base + bad)
        assert 400 <= answer.status_code < 500, bad


def test_pages_of_voters(app, opened):
    client = staff(app, "admin", opened["consultation"])
    base = f"/admin/validation-rounds/{opened['round'].id}/paper"
    page = client.get(base).get_data(as_text=True)
    assert "11 voters found" in page and page.count('scope="row"') == min(11, VOTERS_PER_PAGE)
    assert client.get(base + "?page=2").status_code == 200


def test_viewers_may_not_and_a_closed_round_is_read_only(app, opened):
    round_, voter, item = opened["round"], opened["voters"][0], opened["items"][0]
    base = f"/admin/validation-rounds/{round_.id}/paper"
    viewer = staff(app, "viewer", opened["consultation"])
    assert viewer.get(base).status_code == 403
    assert viewer.post(f"{base}/{voter.id}", data={
        "csrf_token": get_csrf(viewer, "/admin/"), f"verdict-{item.id}": "agree"}
    ).status_code == 403
    client = staff(app, "admin", opened["consultation"])
    token = csrf_from(client.get(f"{base}?voter={voter.id}").get_data(as_text=True))
    with app.test_request_context():
        close_round(round_.id)
    closed = client.post(f"{base}/{voter.id}", data={"csrf_token": token,
                                                     f"verdict-{item.id}": "agree"})
    assert closed.status_code == 409 and ValidationBallot.select().count() == 0
