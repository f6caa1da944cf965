"""Switching the workshops plugin off on the admin's Plugins page removes its session
format, its pages and its admin views at once (404s, the format no longer offered);
its results are the core's actions and links, which stay, and its pages show them
again when it is switched back on."""

from __future__ import annotations

import re

from consultplatform.api import Action, ActionInput, AuditLog, InsightAction, plugin_registry
from consultplatform.testing import choose_consultation, csrf_from, login, make_staff
from consultplatform_workshops import board_services as board
from consultplatform_workshops.models import WorkshopsAction, WorkshopsScope
from consultplatform_workshops.workshops import WorkshopPlan, prepare_workshop

PAGES = ["/admin/workshops/", "/admin/workshop-board/", "/admin/draft-agenda/",
         "/admin/coverage/"]


def toggle(client, enabled: bool):
    token = csrf_from(client.get("/admin/plugins/").get_data(as_text=True))
    return client.post("/admin/plugins/toggle", data={
        "csrf_token": token, "name": "workshops", "enabled": "1" if enabled else "0"})


def actions_cell(page: str) -> str:
    row = re.search(r"<tr>\s*<th scope=\"row\">Werkplaats arbeidsmarkt.*?</tr>", page, re.S)
    assert row, page
    return re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)[3].strip()


def test_disabling_hides_everything_and_enabling_brings_it_back(app, setting):
    ws = setting["workshop"]
    one, two = setting["insights"][0].id, setting["insights"][1].id
    with app.test_request_context():
        action = board.draft_action(ws.id, ActionInput(title="Banenloket"), [one, two])
        prepare_workshop(ws.id, WorkshopPlan(question="Wat doen we aan de krapte?",
                                             member_ids=[setting["member"].id]))
    admin = app.test_client()
    admin.set_cookie("lang", "en")
    login(admin, make_staff("admin"))
    choose_consultation(admin, setting["consultation"])
    prepare = f"/admin/workshops/{ws.id}/voorbereiden"
    # The board itself, once its pages are in the build.
    has_board = "workshops_board.board" in app.view_functions
    own_board = [f"/admin/workshop-board/{ws.id}/"] if has_board else []
    for url in own_board:
        assert "Banenloket" in admin.get(url).get_data(as_text=True)
    assert admin.get("/admin/workshops/").status_code == 200
    assert admin.get(prepare).status_code == 200
    assert actions_cell(admin.get("/admin/workshops/").get_data(as_text=True)) == "1"
    assert 'value="workshop"' in admin.get("/admin/session/new/").get_data(as_text=True)
    assert 'href="/admin/workshops/"' in admin.get("/admin/").get_data(as_text=True)
    links = sorted(InsightAction.select(InsightAction.insight, InsightAction.kind)
                   .where(InsightAction.action == action).tuples())

    assert toggle(admin, False).status_code == 303
    assert AuditLog.select().where(AuditLog.action == "disable").count() == 1
    for url in [*PAGES, prepare, *own_board]:
        assert admin.get(url).status_code == 404, url
    token = csrf_from(admin.get("/admin/").get_data(as_text=True))
    assert admin.post(prepare, data={"csrf_token": token, "question": "Uit"}).status_code == 404
    assert 'href="/admin/workshops/"' not in admin.get("/admin/").get_data(as_text=True)
    assert 'value="workshop"' not in admin.get("/admin/session/new/").get_data(as_text=True)
    with app.test_request_context():
        assert "workshop" not in plugin_registry().formats()
        assert "workshop" in plugin_registry().formats(only_enabled=False)
    # The facilitator, too, finds nothing.
    facilitator = setting["client"]
    for url in [*PAGES, prepare, *own_board]:
        assert facilitator.get(url).status_code == 404, url
    if has_board:
        drafted = facilitator.post(f"/admin/workshop-board/{ws.id}/draft", data={
            "csrf_token": csrf_from(facilitator.get("/admin/").get_data(as_text=True)),
            "title": "Uit", "insight": str(one)})
        assert drafted.status_code == 404
    # The results stay in the core's tables, untouched.
    stored = Action.get_by_id(action)
    assert (stored.title, stored.status) == ("Banenloket", "draft")
    assert sorted(InsightAction.select(InsightAction.insight, InsightAction.kind)
                  .where(InsightAction.action == action).tuples()) == links
    assert Action.select().count() == 1
    assert WorkshopsAction.select().count() == 1
    assert WorkshopsScope.select().count() == 0

    assert toggle(admin, True).status_code == 303
    assert admin.get("/admin/workshops/").status_code == 200
    assert actions_cell(admin.get("/admin/workshops/").get_data(as_text=True)) == "1"
    for url in own_board:
        assert "Banenloket" in admin.get(url).get_data(as_text=True)
    page = admin.get(prepare).get_data(as_text=True)
    assert "Wat doen we aan de krapte?" in page
    assert re.search(rf'name="members"[^>]*value="{setting["member"].id}" checked', page)
    assert 'value="workshop"' in admin.get("/admin/session/new/").get_data(as_text=True)
    with app.test_request_context():
        assert "workshop" in plugin_registry().formats()
        # The board works on the same action again.
        board.link(ws.id, action, [setting["insights"][2].id])
    assert InsightAction.select().where(InsightAction.action == action).count() == 3
