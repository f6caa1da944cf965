"""The draft agenda on the hand-made world (agenda_world.py): the leading themes
first, adding and changing items through the page (POST, CSRF, 303), moving
actions, decisions, who may change it, and bad input (4xx with a message, the
typed text kept, never a 500)."""

from __future__ import annotations

import pytest

from consultplatform.api import AgendaItem, AgendaItemAction, AgendaItemVersion
from consultplatform.testing import choose_consultation, get_csrf, login, make_staff
from consultplatform_workshops import agenda as services
from consultplatform_workshops.draft_agenda import load_agenda
from consultplatform_workshops.leading import ranked_themes

from . import agenda_world, helpers

PAGE = "/admin/draft-agenda/"


@pytest.fixture
def world(app):
    with app.test_request_context():
        return agenda_world.build()


def client_of(app, world, role: str = "moderator"):
    """A logged-in client working on the world's consultation; a moderator
    facilitates a workshop of it (else the consultation would not be theirs)."""
    client = app.test_client()
    staff = make_staff(role)
    if role == "moderator":
        helpers.workshop(world.consultation, staff)
    login(client, staff)
    client.set_cookie("lang", "en")  # the messages below are English
    choose_consultation(client, world.consultation)
    return client


def order(item_id: int) -> list[int]:
    return [row.action_id for row in AgendaItemAction.select()
            .where(AgendaItemAction.item == item_id).order_by(AgendaItemAction.position)]


def test_leading_themes_by_distinct_sectors(app, world):
    # labour: farm, shop, care; housing: farm, shop; mobility: care.
    ranked = ranked_themes(world.consultation.id)
    assert [(t.name, t.sectors, t.insights, t.leading) for t in ranked] == [
        ("Arbeidsmarkt", 3, 4, True), ("Huisvesting", 2, 2, True), ("Mobiliteit", 1, 1, True)]
    # Six themes in one sector each, in position order after the ranking; five lead.
    extra = helpers.themes(world.consultation, *(f"Extra {n}" for n in range(6)))
    for n, theme in enumerate(extra):
        theme.position = 10 + n
        theme.save()
        helpers.insight(world.arenas["farm"], world.sectors["farm"], linked=[theme])
    ranked = ranked_themes(world.consultation.id)
    assert [t.name for t in ranked if t.leading] == [
        "Arbeidsmarkt", "Huisvesting", "Mobiliteit", "Extra 0", "Extra 1"]
    assert [t.name for t in ranked][-1] == "Extra 5"


def test_agenda_groups_leading_themes_first(app, world):
    agenda = load_agenda(world.consultation.id)
    assert [(g.theme.name if g.theme else None, [e.item.title for e in g.entries])
            for g in agenda.groups] == [("Arbeidsmarkt", ["Werk"]), ("Huisvesting", []),
                                        ("Mobiliteit", ["Bereikbaarheid"])]
    work = agenda.groups[0].entries[0]
    assert [a.title for a in work.actions] == ["Banenloket", "Huisvesting"]
    assert (work.insights, work.sessions) == (5, 3)


def test_the_page_for_a_viewer_and_without_consultation(app, world):
    client = app.test_client()
    login(client, make_staff("viewer"))
    assert "Kies een consultatie" in client.get(PAGE).get_data(as_text=True)
    choose_consultation(client, world.consultation)
    html = client.get(PAGE).get_data(as_text=True)
    assert html.index("Arbeidsmarkt") < html.index("Mobiliteit")
    assert "Werk" in html and "Banenloket" in html and "New agenda item" not in html
    token = get_csrf(client, "/admin/")
    response = client.post(PAGE + "items", data={"csrf_token": token, "title": "Nee"})
    assert response.status_code == 403
    assert not AgendaItem.select().where(AgendaItem.title == "Nee").exists()
    assert client.get(f"{PAGE}item/{world.items['work'].id}/edit").status_code == 403
    for url in (f"{PAGE}item/{world.items['work'].id}/move",
                f"{PAGE}item/{world.items['work'].id}/decision"):
        assert client.post(url, data={"csrf_token": token, "action": "1",
                                      "direction": "up", "decision": "adopted"}).status_code == 403
    assert AgendaItem.get_by_id(world.items["work"].id).decision == "proposed"


def test_add_change_move_and_decide_through_the_page(app, world):
    client = client_of(app, world)
    jobs, homes, bus = (world.actions[k].id for k in ("jobs", "homes", "bus"))
    token = get_csrf(client, PAGE)
    response = client.post(PAGE + "items", data={
        "csrf_token": token, "title": "  Samen  werken ", "text": "Tekst", "position": "2",
        "theme": str(world.themes["housing"].id), "actions": [str(homes), str(jobs)]})
    assert response.status_code == 303
    item = AgendaItem.get(AgendaItem.title == "Samen werken")
    assert (item.theme_id, item.position, order(item.id)) == (
        world.themes["housing"].id, 2, [homes, jobs])
    # Change: a new action comes after those kept, in their order.
    edit = client.get(f"{PAGE}item/{item.id}/edit").get_data(as_text=True)
    seen_value = services.stamp(AgendaItem.get_by_id(item.id))
    assert f'value="{seen_value}"' in edit  # the form remembers the item it was opened on
    response = client.post(f"{PAGE}item/{item.id}/edit", data={
        "csrf_token": token, "title": "Samen werken", "text": "Nieuwe tekst", "position": "2",
        "theme": str(world.themes["housing"].id), "actions": [str(bus), str(jobs), str(homes)],
        "seen": seen_value})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    assert order(item.id) == [homes, jobs, bus]
    assert AgendaItemVersion.select().where(AgendaItemVersion.item == item.id).count() == 2
    response = client.post(f"{PAGE}item/{item.id}/move", data={
        "csrf_token": token, "action": str(bus), "direction": "up"})
    assert response.status_code == 303
    assert order(item.id) == [homes, bus, jobs]
    client.post(f"{PAGE}item/{item.id}/move", data={
        "csrf_token": token, "action": str(homes), "direction": "up"})  # first: stays
    assert order(item.id) == [homes, bus, jobs]
    response = client.post(f"{PAGE}item/{item.id}/decision", data={
        "csrf_token": token, "decision": "dropped", "reason": ""})
    assert response.status_code == 422
    assert "Say why" in response.get_data(as_text=True)
    response = client.post(f"{PAGE}item/{item.id}/decision", data={
        "csrf_token": token, "decision": "adopted"})
    assert response.status_code == 303
    assert AgendaItem.get_by_id(item.id).decision == "adopted"


def test_a_stale_form_keeps_what_was_typed(app, world):
    client = client_of(app, world, "admin")
    item = world.items["work"]
    token = get_csrf(client, PAGE)
    old = services.stamp(AgendaItem.get_by_id(item.id))
    with app.test_request_context():
        services.save_item(world.consultation.id, item.id, services.ItemInput(
            title="Werk", text="Iemand anders", theme_id=world.themes["labour"].id,
            action_ids=order(item.id)), old)
    response = client.post(f"{PAGE}item/{item.id}/edit", data={
        "csrf_token": token, "title": "Werk", "text": "Mijn lange tekst", "position": "0",
        "theme": str(world.themes["labour"].id), "seen": old})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed this item" in html
    assert "Mijn lange tekst" in html and "Iemand anders" in html
    assert AgendaItem.get_by_id(item.id).text == "Iemand anders"


@pytest.mark.parametrize("change, status, message", [
    ({"title": ""}, 422, "Give the item a title"),
    ({"theme": "abc"}, 422, "Choose one of the themes shown"),
    ({"theme": "999999"}, 422, "Choose a theme of this consultation"),
    ({"actions": ["abc"]}, 422, "Choose from the actions shown"),
    ({"actions": ["999999"]}, 400, "Choose actions of this consultation only"),
    ({"actions": ["9223372036854775807"]}, 400, "Choose actions of this consultation only"),
    ({"actions": ["99999999999999999999999"]}, 422, "Choose from the actions shown"),
    ({"theme": "9223372036854775807"}, 422, "Choose a theme of this consultation"),
    ({"position": "99999999999"}, 422, "Order within its theme"),
    ({"title": "Mijn\u202epunt"}, 422, "control characters"),
    ({"position": "-4"}, 422, "Order within its theme"),
    ({"position": "veel"}, 422, "Order within its theme"),
    ({"text": "x" * 20_001}, 422, "Field cannot be longer than 20000 characters"),
])
def test_bad_input_on_a_new_item(app, world, change, status, message):
    client = client_of(app, world)
    data = {"csrf_token": get_csrf(client, PAGE), "title": "Mijn punt", "text": "Getypt",
            **change}
    response = client.post(PAGE + "items", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == status, html[:3000]
    assert message in html
    assert "Getypt" in html or change.get("text")
    assert not AgendaItem.select().where(AgendaItem.title == "Mijn punt").exists()


def test_merged_and_foreign_actions_are_refused(app, world):
    client = client_of(app, world)
    token = get_csrf(client, PAGE)
    with app.test_request_context():
        elsewhere = agenda_world.build()
    response = client.post(PAGE + "items", data={
        "csrf_token": token, "title": "Punt", "actions": [str(world.actions["stage"].id)]})
    assert response.status_code == 409
    assert "has been merged into another action" in response.get_data(as_text=True)
    response = client.post(PAGE + "items", data={
        "csrf_token": token, "title": "Punt", "actions": [str(elsewhere.actions["jobs"].id)]})
    assert response.status_code == 400
    for url, data in [
            (f"{PAGE}item/{elsewhere.items['work'].id}/edit", {"title": "x"}),
            (f"{PAGE}item/{elsewhere.items['work'].id}/move",
             {"action": str(elsewhere.actions["jobs"].id), "direction": "up"}),
            (f"{PAGE}item/{elsewhere.items['work'].id}/decision", {"decision": "adopted"}),
            (f"{PAGE}item/999999/move", {"action": "1", "direction": "up"})]:
        response = client.post(url, data={"csrf_token": token, **data})
        assert response.status_code == 404, url
        assert "not in the consultation you work on" in response.get_data(as_text=True)
    assert AgendaItem.get_by_id(elsewhere.items["work"].id).decision == "proposed"


@pytest.mark.parametrize("data, status", [
    ({"action": "abc", "direction": "up"}, 400),
    ({"action": "", "direction": "up"}, 400),
    ({"action": "ACTION", "direction": "sideways"}, 400),
    ({"action": "OTHER", "direction": "up"}, 409),
])
def test_bad_moves(app, world, data, status):
    client = client_of(app, world)
    item = world.items["work"]
    values = {k: v.replace("ACTION", str(world.actions["jobs"].id))
              .replace("OTHER", str(world.actions["bus"].id)) for k, v in data.items()}
    response = client.post(f"{PAGE}item/{item.id}/move",
                           data={"csrf_token": get_csrf(client, PAGE), **values})
    assert response.status_code == status
    assert "action" in response.get_data(as_text=True).lower()


def test_a_post_without_csrf_or_without_consultation(app, world):
    client = app.test_client()
    login(client, make_staff("admin"))
    response = client.post(PAGE + "items", data={"title": "Zonder token"})
    assert response.status_code == 400
    response = client.post(PAGE + "items", data={"csrf_token": get_csrf(client, PAGE),
                                                 "title": "Zonder consultatie"})
    assert response.status_code == 400
    assert "consultatie in de keuzelijst" in response.get_data(as_text=True)
    assert client.get(f"{PAGE}item/{world.items['work'].id}/").status_code == 404


def test_switching_the_plugin_off_hides_the_pages_and_keeps_the_agenda(app, world):
    from consultplatform.api import plugin_registry

    client = client_of(app, world, "admin")
    urls = [PAGE, f"{PAGE}item/{world.items['work'].id}/", "/admin/coverage/"]
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
    with app.test_request_context():
        plugin_registry().set_enabled("workshops", False)
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    assert AgendaItem.select().where(AgendaItem.consultation == world.consultation).count() == 2
    with app.test_request_context():
        plugin_registry().set_enabled("workshops", True)
    assert "Banenloket" in client.get(PAGE).get_data(as_text=True)
