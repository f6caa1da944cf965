"""The workshop board over HTTP, on the real database: who may open it, every form
on it doing what it says (303 back to the board, filters kept), and every kind of
bad input answered with a 4xx and a clear message, never a 500."""

from __future__ import annotations

import pytest

from consultplatform.api import Action, ActionInput, AuditLog, InsightAction, close_session
from consultplatform.testing import csrf_from, login, make_staff
from consultplatform_workshops import board_services as services
from consultplatform_workshops.models import WorkshopsDot, WorkshopsWorkshop

from . import helpers


@pytest.fixture(autouse=True)
def english(setting):
    """The messages checked are the English msgids (the Dutch come with the catalogue)."""
    english_client(setting["client"])


def english_client(client):
    client.set_cookie("lang", "en")
    return client


def board_url(setting, suffix: str = "") -> str:
    return f"/admin/workshop-board/{setting['workshop'].id}/{suffix}"


def post(setting, suffix: str, data: dict | None = None, client=None):
    client = client or setting["client"]
    token = csrf_from(client.get(board_url(setting)).get_data(as_text=True))
    return client.post(board_url(setting, suffix), data={"csrf_token": token, **(data or {})})


def draft(setting, title: str = "Banenloket", insights=(0, 2), **fields) -> int:
    ids = [str(setting["insights"][n].id) for n in insights]
    response = post(setting, "draft", {"title": title, "kind": "action", "owner": "municipality",
                                       "horizon": "short", "insight": ids, **fields})
    assert response.status_code == 303, response.get_data(as_text=True)
    made = Action.select().order_by(Action.id.desc()).first()
    assert response.headers["Location"].endswith(f"#action-{made.id}")
    return made.id


def links_of(action_id: int) -> list[tuple[int, str]]:
    return sorted(InsightAction.select(InsightAction.insight, InsightAction.kind)
                  .where(InsightAction.action == action_id).tuples())


def test_a_stranger_gets_404_or_403_and_a_member_can_work(app, setting):
    stranger = english_client(app.test_client())
    login(stranger, make_staff("moderator"))
    for url in (board_url(setting), board_url(setting, "state")):
        assert stranger.get(url).status_code == 404
    # A write is refused with a 403 and an audit row, as everywhere in the admin, for
    # this board as for one that does not exist (nothing learnt about it either way).
    token = csrf_from(stranger.get("/admin/").get_data(as_text=True))
    for url in (board_url(setting, "draft"), "/admin/workshop-board/999999/draft"):
        refused = stranger.post(url, data={"csrf_token": token, "title": "X",
                                           "insight": [str(setting["insights"][0].id)]})
        assert refused.status_code == 403
    assert Action.select().count() == 0
    denied = AuditLog.select().where(AuditLog.result == "denied").count()
    assert denied == 2
    # An administrator may work on every board: for them a missing one is a 404.
    admin = english_client(app.test_client())
    login(admin, make_staff("admin"))
    token = csrf_from(admin.get(board_url(setting)).get_data(as_text=True))
    assert admin.post("/admin/workshop-board/999999/draft",
                      data={"csrf_token": token, "title": "X"}).status_code == 404
    member = english_client(app.test_client())
    login(member, setting["member"])
    page = member.get(board_url(setting))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Te weinig vakmensen" in html and 'form="selection"' in html
    response = post(setting, "draft", {"title": "Van een lid", "kind": "action",
                                       "owner": "municipality", "horizon": "short",
                                       "insight": [str(setting["insights"][1].id)]},
                    client=member)
    assert response.status_code == 303
    assert Action.get(Action.title == "Van een lid").created_by_id == setting["member"].id
    assert member.get("/admin/workshop-board/999999/").status_code == 404
    assert member.get("/admin/workshop-board/abc/").status_code == 404


def test_every_form_on_the_board_works(app, setting):
    one, two, three, four = (i.id for i in setting["insights"])
    first = draft(setting, "Banenloket", (0, 2), description="Een loket", department="EZ")
    assert links_of(first) == [(one, "answers"), (three, "answers")]
    page = setting["client"].get(board_url(setting)).get_data(as_text=True)
    assert "Banenloket" in page and "Een loket" in page and "EZ" in page
    assert "2 actions answer it" not in page and "1 action answers it" in page
    # Linking the selected insights to it, keeping the filters on the way back.
    response = post(setting, "link-selected?state=open",
                    {"target": str(first), "insight": [str(two)]})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"?state=open#action-{first}")
    assert (two, "answers") in links_of(first)
    response = post(setting, f"action/{first}/unlink", {"insight": str(two)})
    assert response.status_code == 303 and (two, "answers") not in links_of(first)
    # Editing with the version the form carried.
    version = Action.get_by_id(first).version
    response = post(setting, f"action/{first}/save", {
        "version": str(version), "title": "Banenloket regio", "description": "Nieuw",
        "kind": "proposal", "owner": "together", "horizon": "medium", "department": "EZ"})
    assert response.status_code == 303
    saved = Action.get_by_id(first)
    assert (saved.title, saved.kind, saved.owner, saved.horizon) == (
        "Banenloket regio", "proposal", "together", "medium")
    # A second action, merged into the first: the links of both stay, typed.
    second = draft(setting, "Kamers", (3,))
    page = setting["client"].get(board_url(setting)).get_data(as_text=True)
    merge_select = page.split(f'id="merge-{first}-other"')[1].split("</select>")[0]
    assert f'value="{second}"' in merge_select and f'value="{first}"' not in merge_select
    linking = setting["client"].get(board_url(setting, f"?link={second}")).get_data(as_text=True)
    assert f'<option value="{second}" selected>' in linking
    response = post(setting, f"action/{first}/merge", {"other": str(second)})
    assert response.status_code == 303
    assert links_of(first) == [(one, "answers"), (three, "answers"), (four, "merges")]
    assert Action.get_by_id(second).status == "merged"
    # Split in two parts, the insights chosen per part.
    version = Action.get_by_id(first).version
    response = post(setting, f"action/{first}/split", {
        "version": str(version), "part-1-title": "Loket", "part-1-insight": [str(one)],
        "part-2-title": "Kamers", "part-2-insight": [str(three), str(four)],
        "part-3-title": ""})
    assert response.status_code == 303
    assert links_of(first) == [(one, "answers")]
    part = Action.get(Action.title == "Kamers", Action.status != "merged")
    assert links_of(part.id) == [(three, "answers"), (four, "merges")]
    # Dots: one on, one back.
    assert post(setting, f"action/{first}/dot", {"op": "add"}).status_code == 303
    assert post(setting, f"action/{part.id}/dot", {"op": "add"}).status_code == 303
    assert post(setting, f"action/{part.id}/dot", {"op": "remove"}).status_code == 303
    assert [(d.action_id, d.dots) for d in WorkshopsDot.select()] == [(first, 1)]
    page = setting["client"].get(board_url(setting)).get_data(as_text=True)
    assert "You have used 1 of 5 dots" in page
    # Set aside with a reason and a note, and reopened.
    post(setting, f"action/{first}/unlink", {"insight": str(one)})
    response = post(setting, f"insight/{one}/aside", {"reason": "other", "note": "Landelijk"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#card-{one}")
    page = setting["client"].get(board_url(setting, "?state=set_aside")).get_data(as_text=True)
    assert "Landelijk" in page and "Other" in page
    assert post(setting, f"insight/{one}/reopen").status_code == 303
    page = setting["client"].get(board_url(setting, "?state=set_aside")).get_data(as_text=True)
    assert "Landelijk" not in page


def refused(response, status: int, message: str) -> str:
    html = response.get_data(as_text=True)
    assert response.status_code == status, html[-3000:]
    assert message in html, html[-3000:]
    return html


def test_bad_input_gets_a_4xx_and_a_message(app, setting):
    first = draft(setting)
    stranger_parent = helpers.consultation()
    foreign = helpers.insight(helpers.arena(stranger_parent), None, text="Elders")
    refused(post(setting, "draft", {"title": "Met vreemd inzicht", "kind": "action",
                                    "owner": "municipality", "horizon": "short",
                                    "insight": [str(foreign.id)]}),
            400, "Choose insights shown on this board only")
    html = refused(post(setting, "draft", {"title": "", "kind": "action", "owner": "municipality",
                                           "horizon": "short", "description": "Mijn uitleg",
                                           "insight": [str(setting["insights"][0].id)]}),
                   400, "Give a title")
    assert "Mijn uitleg" in html and 'aria-invalid="true"' in html
    refused(post(setting, "draft", {"title": "Leeg", "kind": "action", "owner": "municipality",
                                    "horizon": "short"}), 400, "Choose at least one insight")
    refused(post(setting, "draft", {"title": "Raar", "kind": "action", "owner": "municipality",
                                    "horizon": "short", "insight": ["1x"]}), 400,
            "not one of the options shown")
    # A digit Python's isdigit() takes and int() refuses: the form shown again, no 500.
    refused(post(setting, "draft", {"title": "Kwadraat", "kind": "action",
                                    "owner": "municipality", "horizon": "short",
                                    "insight": ["\u00b2"]}), 400,
            "not one of the options shown")
    refused(post(setting, "draft", {"title": "Soort", "kind": "nonsense", "owner": "municipality",
                                    "horizon": "short",
                                    "insight": [str(setting["insights"][0].id)]}),
            400, "Choose one of the options shown")
    refused(post(setting, "link-selected", {"target": "abc", "insight": ["1"]}), 400,
            "Choose the action to link the insights to")
    refused(post(setting, f"action/{first}/dot", {"op": "twice"}), 400, "Use the buttons")
    refused(post(setting, f"action/{first}/save", {"title": "Zonder versie"}), 400,
            "The form is incomplete")
    refused(post(setting, f"action/{first}/merge", {"other": str(first)}), 400,
            "Choose another action to merge with")
    refused(post(setting, f"insight/{setting['insights'][1].id}/aside", {"reason": "nope"}),
            400, "Choose a reason")
    refused(post(setting, f"insight/{setting['insights'][1].id}/aside", {"reason": "other"}),
            400, "Say what the other reason is")
    html = refused(post(setting, f"insight/{setting['insights'][1].id}/aside",
                        {"reason": "other", "note": "lang " * 1000}), 400, "Keep it to")
    assert "lang lang" in html  # the note as typed, in its form
    html = refused(post(setting, f"action/{first}/save", {
        "version": "2", "title": "t" * 300, "kind": "action", "owner": "municipality",
        "horizon": "short"}), 400, "Give a title (at most 200 characters)")
    assert "t" * 300 in html
    refused(post(setting, "draft", {"title": "x" * 20_000, "insight": ["1"]}), 400, "Keep it to")
    refused(post(setting, f"insight/{setting['insights'][0].id}/aside",
                 {"reason": "already_done"}), 409, "unlink it first")
    refused(post(setting, f"action/{first}/split", {"version": "1", "part-1-title": "Een"}), 400,
            "Split into two")
    assert setting["client"].get(board_url(setting, "?sector=abc")).status_code == 400
    assert setting["client"].get(board_url(setting, "?state=gone")).status_code == 400
    assert setting["client"].get(board_url(setting, "?category=zzz")).status_code == 400
    assert post(setting, "action/abc/dot", {"op": "add"}).status_code == 404
    assert post(setting, "action/999999/dot", {"op": "add"}).status_code == 404


def test_more_dots_than_allowed_is_a_409(app, setting):
    first = draft(setting)
    for _ in range(3):
        assert post(setting, f"action/{first}/dot", {"op": "add"}).status_code == 303
    refused(post(setting, f"action/{first}/dot", {"op": "add"}), 409,
            "At most 3 of your dots may go to one action")
    second = draft(setting, "Tweede", (1,))
    post(setting, f"action/{second}/dot", {"op": "add"})
    post(setting, f"action/{second}/dot", {"op": "add"})
    refused(post(setting, f"action/{second}/dot", {"op": "add"}), 409,
            "You have used all your 5 dots")
    refused(post(setting, f"action/{draft(setting, 'Derde', (3,))}/dot", {"op": "remove"}), 409,
            "You have no dot on this action")
    assert sum(d.dots for d in WorkshopsDot.select()) == 5


def test_a_deleted_or_merged_action_is_a_404(app, setting):
    first = draft(setting)
    second = draft(setting, "Tweede", (1,))
    assert post(setting, f"action/{first}/merge", {"other": str(second)}).status_code == 303
    refused(post(setting, "link-selected", {"target": str(second),
                                            "insight": [str(setting["insights"][3].id)]}),
            404, "may have been merged or removed")
    refused(post(setting, f"action/{second}/dot", {"op": "add"}), 404, "may have been merged")
    third = draft(setting, "Derde", (3,))
    Action.delete().where(Action.id == third).execute()
    response = post(setting, f"action/{third}/save", {"version": "1", "title": "Weg",
                                                      "kind": "action", "owner": "municipality",
                                                      "horizon": "short"})
    assert response.status_code == 404


def test_a_stale_save_is_a_409_with_both_versions_and_the_typed_text(app, setting):
    first = draft(setting)
    version = Action.get_by_id(first).version
    with app.test_request_context():
        services.save_action(setting["workshop"].id, first,
                             ActionInput(title="Hun titel", description="Hun uitleg"), version)
    html = refused(post(setting, f"action/{first}/save", {
        "version": str(version), "title": "Mijn titel", "description": "Mijn uitleg",
        "kind": "action", "owner": "municipality", "horizon": "short", "department": "Mijn afd"}),
        409, "Someone else changed this action")
    assert "Mijn titel" in html and "Mijn uitleg" in html and "Mijn afd" in html
    assert "Hun titel" in html and "Hun uitleg" in html
    assert f'name="version" value="{version + 1}"' in html  # saving again now is knowing
    assert Action.get_by_id(first).title == "Hun titel"


def test_a_closed_workshop_is_read_only(app, setting):
    first = draft(setting)
    with app.test_request_context():
        close_session(setting["workshop"].id)
    page = setting["client"].get(board_url(setting))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "This workshop is closed" in html and 'form="selection"' not in html
    for suffix, data in (("draft", {"title": "Te laat", "insight": ["1"]}),
                         (f"action/{first}/dot", {"op": "add"}),
                         (f"insight/{setting['insights'][1].id}/reopen", {})):
        refused(post(setting, suffix, data), 409, "This workshop is closed")


def test_the_region_is_the_board_without_the_page(app, setting):
    first = draft(setting, "Alleen het bord")
    region = setting["client"].get(board_url(setting, "region?state=answered"))
    html = region.get_data(as_text=True)
    assert region.status_code == 200
    assert html.lstrip().startswith("{#") is False and 'id="board-region"' in html
    assert f'id="action-{first}"' in html and "<html" not in html
    assert "Stages sluiten niet aan" in html and "Woningen voor" not in html  # the filter
    # The region takes no flashed message: the next page still shows it.
    post(setting, f"action/{first}/dot", {"op": "add"})
    setting["client"].get(board_url(setting, "region"))
    assert "Dot added." in setting["client"].get(board_url(setting)).get_data(as_text=True)


def test_the_state_has_an_etag_and_answers_304(app, setting):
    client = setting["client"]
    first = client.get(board_url(setting, "state"))
    assert first.status_code == 200 and first.json == {"revision": 1}
    tag = first.headers["ETag"]
    again = client.get(board_url(setting, "state"), headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.headers["ETag"] == tag
    draft(setting)
    moved = client.get(board_url(setting, "state"), headers={"If-None-Match": tag})
    assert moved.status_code == 200 and moved.json["revision"] > 1
    assert moved.headers["ETag"] != tag
    assert moved.json["revision"] == WorkshopsWorkshop.get(
        WorkshopsWorkshop.session == setting["workshop"].id).revision


@pytest.mark.parametrize("suffix", ["draft", "link-selected", "action/1/save", "action/1/split",
                                    "insight/1/aside"])
def test_posts_without_a_token_are_refused(app, setting, suffix):
    response = setting["client"].post(board_url(setting, suffix), data={"title": "x"})
    assert 400 <= response.status_code < 500


def test_a_column_shows_its_first_cards_and_all_on_asking(app, setting):
    labour = setting["labour"]
    helpers.many_insights(setting["arenas"][0], setting["farm"], [labour], 45)
    html = setting["client"].get(board_url(setting)).get_data(as_text=True)
    column = html.split(f'id="column-{labour.id}"')[1].split("</section>")[0]
    assert column.count('class="cp-card ') == 40
    assert f"expand={labour.id}" in column and "Show all 48" in column
    html = setting["client"].get(board_url(setting, f"?expand={labour.id}&state=open")) \
        .get_data(as_text=True)
    column = html.split(f'id="column-{labour.id}"')[1].split("</section>")[0]
    assert column.count('class="cp-card ') == 48 and "Show fewer" in column
    assert f'name="expand" value="{labour.id}"' in html  # the filter form keeps it
    # Filtered by sector: the shop's two insights only, in their columns.
    html = setting["client"].get(board_url(setting, f"?sector={setting['shop'].id}")) \
        .get_data(as_text=True)
    assert "Stages sluiten niet aan" in html and "Te weinig vakmensen" not in html
