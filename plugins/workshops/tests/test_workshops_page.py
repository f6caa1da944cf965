"""The Workshops page and a workshop's preparation, through HTTP on the real database:
what the list shows, what preparing stores, what it refuses (a 4xx with the message
at the field and everything typed kept), and who may prepare."""

from __future__ import annotations

import re

import pytest

from consultplatform.api import ActionInput, Theme, close_session
from consultplatform.testing import choose_consultation, csrf_from, login, make_staff
from consultplatform_workshops import board_services as board
from consultplatform_workshops.models import WorkshopsMember, WorkshopsScope, WorkshopsWorkshop

from . import helpers

LIST = "/admin/workshops/"


def prepare_url(session) -> str:
    return f"/admin/workshops/{session.id}/voorbereiden"


def english(client):
    client.set_cookie("lang", "en")
    return client


def post_plan(client, session, **values):
    token = csrf_from(client.get(prepare_url(session)).get_data(as_text=True))
    return client.post(prepare_url(session), data={"csrf_token": token, **values})


def post_plan_as(client, session, **values):
    """A POST by ``client`` with its own token (read on a page it may see)."""
    token = csrf_from(client.get(LIST).get_data(as_text=True))
    return client.post(prepare_url(session), data={"csrf_token": token, **values})


def checked(page: str, name: str) -> set[str]:
    """The values of the ticked checkboxes called ``name``."""
    return set(re.findall(rf'name="{name}"[^>]*value="([^"]+)" checked', page))


def test_without_a_chosen_consultation_the_list_says_how_to_choose(setting):
    client = english(setting["client"])
    page = client.get(LIST).get_data(as_text=True)
    assert "Choose a consultation in the header" in page
    assert "Werkplaats arbeidsmarkt" not in page


def test_the_list_shows_each_workshop_with_its_counts(app, setting):
    client = english(setting["client"])
    ws = setting["workshop"]
    other = helpers.workshop(helpers.consultation(), title="Werkplaats elders")
    with app.test_request_context():
        board.draft_action(ws.id, ActionInput(title="Banenloket"), [setting["insights"][0].id])
    choose_consultation(client, setting["consultation"])
    page = client.get(LIST).get_data(as_text=True)
    row = re.search(r"<tr>\s*<th scope=\"row\">Werkplaats arbeidsmarkt.*?</tr>", page, re.S)
    assert row, page
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)
    assert cells[0].strip() == "Test moderator"  # the facilitator
    assert cells[2].strip() == "Open"
    assert (cells[3].strip(), cells[4].strip()) == ("1", "4")  # actions, insights in scope
    assert f'href="{prepare_url(ws)}"' in row.group(0)
    assert other.title not in page  # of another consultation
    # The scope narrows the count: only the housing insights (two of four).
    with app.test_request_context():
        from consultplatform_workshops.workshops import WorkshopPlan, prepare_workshop

        prepare_workshop(ws.id, WorkshopPlan(theme_ids=[setting["housing"].id]))
    page = client.get(LIST).get_data(as_text=True)
    row = re.search(r"<tr>\s*<th scope=\"row\">Werkplaats arbeidsmarkt.*?</tr>", page, re.S)
    assert re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)[4].strip() == "2"


def test_a_member_sees_the_workshop_but_not_the_prepare_link(app, setting):
    client = english(app.test_client())
    login(client, setting["member"])
    choose_consultation(client, setting["consultation"])
    page = client.get(LIST).get_data(as_text=True)
    assert "Werkplaats arbeidsmarkt" in page
    assert prepare_url(setting["workshop"]) not in page


def test_prepare_shows_the_consultations_choices_and_stores_the_plan(setting):
    client, ws = english(setting["client"]), setting["workshop"]
    page = client.get(prepare_url(ws)).get_data(as_text=True)
    for text in ("Arbeidsmarkt", "Huisvesting", "Landbouw", "Detailhandel", "Arena landbouw",
                 "Arena detailhandel", setting["member"].name):
        assert text in page
    assert ws.title not in re.findall(r'name="arenas"[^>]*>\s*<label[^>]*>([^<]*)', page)
    farm_arena = setting["arenas"][0]
    response = post_plan(client, ws, question="Wat doen we aan de krapte?",
                         themes=[str(setting["labour"].id)], sectors=[str(setting["farm"].id)],
                         categories=["barrieres"], arenas=[str(farm_arena.id)],
                         members=[str(setting["member"].id)])
    assert response.status_code == 303
    assert response.headers["Location"].endswith(prepare_url(ws))
    assert WorkshopsWorkshop.get(WorkshopsWorkshop.session == ws.id).question == \
        "Wat doen we aan de krapte?"
    assert sorted(WorkshopsScope.select(WorkshopsScope.kind, WorkshopsScope.value)
                  .where(WorkshopsScope.session == ws.id).tuples()) == sorted([
        ("theme", str(setting["labour"].id)), ("sector", str(setting["farm"].id)),
        ("category", "barrieres"), ("arena", str(farm_arena.id))])
    assert [m.staff_id for m in WorkshopsMember.select()] == [setting["member"].id]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The workshop is prepared" in page
    assert checked(page, "themes") == {str(setting["labour"].id)}
    assert checked(page, "members") == {str(setting["member"].id)}


@pytest.mark.parametrize(("field", "values", "status"), [
    ("themes", {"themes": ["OTHER"]}, 400),
    ("arenas", {"arenas": ["WORKSHOP"]}, 400),
    ("categories", {"categories": ["nonsense"]}, 400),
    ("members", {"members": ["99999"]}, 400),
    ("sectors", {"sectors": ["abc"]}, 422),
    ("sectors", {"sectors": ["\u00b2"]}, 422),
    ("question", {"question": "x" * 501}, 400),
    ("question", {"question": "Wat\u202edoen we?"}, 422),
])
def test_bad_input_is_refused_at_its_field_and_kept(setting, field, values, status):
    client, ws = english(setting["client"]), setting["workshop"]
    stranger = Theme.create(consultation=helpers.consultation(), name="Elders", position=0)
    replace = {"OTHER": str(stranger.id), "WORKSHOP": str(ws.id)}
    values = {k: [replace.get(v, v) for v in vs] if isinstance(vs, list) else vs
              for k, vs in values.items()}
    data = {"question": "Mijn getypte vraag", "sectors": [str(setting["shop"].id)],
            "members": [str(setting["member"].id)], **values}
    response = post_plan(client, ws, **data)
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    assert "There is a problem" in page
    if field != "question":
        assert "Mijn getypte vraag" in page  # what was typed is kept
    if field != "sectors":
        assert checked(page, "sectors") == {str(setting["shop"].id)}
    assert WorkshopsScope.select().count() == 0
    assert WorkshopsMember.select().count() == 1  # the fixture's member, untouched


def test_without_csrf_nothing_is_stored(setting):
    client, ws = setting["client"], setting["workshop"]
    response = client.post(prepare_url(ws), data={"question": "Zonder token"})
    assert response.status_code == 400
    assert not WorkshopsWorkshop.select().where(WorkshopsWorkshop.question == "Zonder token") \
        .exists()


def test_a_closed_workshop_cannot_be_prepared(app, setting):
    client, ws = english(setting["client"]), setting["workshop"]
    token = csrf_from(client.get(prepare_url(ws)).get_data(as_text=True))
    with app.test_request_context():
        close_session(ws.id)
    response = client.post(prepare_url(ws), data={"csrf_token": token, "question": "Later"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "This workshop is closed" in page and "Later" in page
    assert not WorkshopsWorkshop.select().where(WorkshopsWorkshop.question == "Later").exists()


def test_who_may_prepare(app, setting):
    ws = setting["workshop"]
    admin = app.test_client()
    login(admin, make_staff("admin"))
    assert admin.get(prepare_url(ws)).status_code == 200
    assert post_plan(admin, ws, question="Door de beheerder",
                     members=[str(setting["member"].id)]).status_code == 303
    member = app.test_client()
    login(member, setting["member"])  # a viewer: never prepares, whatever the workshop
    assert member.get(prepare_url(ws)).status_code == 403
    assert member.get("/admin/workshops/99999999/voorbereiden").status_code == 403
    assert post_plan_as(member, ws, question="x").status_code == 403
    co_member = app.test_client()
    moderator = make_staff("moderator")
    WorkshopsMember.create(session=ws, staff=moderator)
    login(co_member, moderator)  # a moderator on the board, not its facilitator
    assert co_member.get(prepare_url(ws)).status_code == 403
    stranger = app.test_client()
    login(stranger, make_staff("moderator"))
    assert stranger.get(prepare_url(ws)).status_code == 404
    anonymous = app.test_client()
    assert anonymous.get(prepare_url(ws)).status_code == 302
    # Not a workshop, or no session at all.
    arena = setting["arenas"][0]
    assert admin.get(prepare_url(arena)).status_code == 404
    assert admin.get("/admin/workshops/99999999/voorbereiden").status_code == 404
    assert WorkshopsWorkshop.get(WorkshopsWorkshop.session == ws.id).question == \
        "Door de beheerder"


def test_a_member_whose_account_was_switched_off_stays_listed(setting):
    client, ws, member = english(setting["client"]), setting["workshop"], setting["member"]
    member.active = False
    member.save()
    page = client.get(prepare_url(ws)).get_data(as_text=True)
    assert checked(page, "members") == {str(member.id)}
    assert post_plan(client, ws, members=[str(member.id)]).status_code == 303
    assert [m.staff_id for m in WorkshopsMember.select()] == [member.id]
