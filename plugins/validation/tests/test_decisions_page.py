"""Deciding after validation, over HTTP: the page only once the round has closed,
the result beside each item, decisions recorded through the core (with the new
wording as the item's next version), who may decide, and every refusal a 4xx with
the message at its field and what was typed kept."""

from __future__ import annotations

import pytest

from consultplatform.api import (
    AgendaDecision,
    AgendaItem,
    AgendaItemVersion,
    ConsultationSession,
)
from consultplatform.testing import choose_consultation, csrf_from, factories, make_staff
from consultplatform_validation.models import ValidationRound
from consultplatform_validation.rounds import close_round

from . import results_world


@pytest.fixture
def made(app):
    return results_world.build(app)


@pytest.fixture
def closed(app, made):
    with app.test_request_context():
        close_round(made["round"].id)
    return made


def page_url(made) -> str:
    return f"/admin/validation-decisions/{made['round'].id}/"


def post_decision(client, made, item, data: dict, *, token: str | None = None):
    if token is None:
        token = csrf_from(client.get(page_url(made)).get_data(as_text=True))
    prefix = f"item-{item.id}-"
    return client.post(f"{page_url(made)}item/{item.id}",
                       data={"csrf_token": token, **{prefix + k: v for k, v in data.items()}})


def test_not_before_the_round_has_closed(app, made):
    client = results_world.staff_client(app, made["consultation"])
    response = client.get(page_url(made))
    assert response.status_code == 409
    assert "once the round has closed" in response.get_data(as_text=True)
    token = csrf_from(client.get("/admin/validation-results/").get_data(as_text=True))
    item = made["items"][0]
    assert post_decision(client, made, item, {"decision": "adopted"},
                         token=token).status_code == 409
    assert AgendaDecision.select().where(AgendaDecision.decision != "proposed").count() == 0


def test_the_page_shows_the_result_beside_each_item(app, closed):
    client = results_world.staff_client(app, closed["consultation"])
    page = client.get(page_url(closed)).get_data(as_text=True)
    for item in closed["items"]:
        assert f'id="item-{item.id}-title"' in page
        assert f'action="/admin/validation-decisions/{closed["round"].id}/item/{item.id}"' in page
    assert "Divergent sectors" in page and "Consensus in every sector" in page
    assert "Vakmensen opleiden en behouden" in page  # the suggested wording
    assert "Tell everyone who took part" in page and "Sent so far to 0 people." in page


def test_adopt_amend_drop(app, closed):
    client = results_world.staff_client(app, closed["consultation"])
    first, second, third = closed["items"]
    revision = ValidationRound.get_by_id(closed["round"].id).revision
    response = post_decision(client, closed, first, {"decision": "adopted", "reason": ""})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#item-{first.id}")
    assert AgendaItem.get_by_id(first.agenda_item_id).decision == "adopted"
    # The round's revision moved: the cached public page renews.
    assert ValidationRound.get_by_id(closed["round"].id).revision == revision + 1

    response = post_decision(client, closed, second, {
        "decision": "amended", "reason": "Starters genoemd",
        "new_title": "Woningen voor werknemers en starters", "new_text": "Ook voor starters."})
    assert response.status_code == 303
    agenda = AgendaItem.get_by_id(second.agenda_item_id)
    assert (agenda.decision, agenda.version, agenda.title) == (
        "amended", 2, "Woningen voor werknemers en starters")
    versions = [(v.version, v.title, v.note) for v in AgendaItemVersion.select()
                .where(AgendaItemVersion.item == agenda.id).order_by(AgendaItemVersion.version)]
    assert versions == [(1, "Woningen voor werknemers", ""),
                        (2, "Woningen voor werknemers en starters", "Starters genoemd")]

    response = post_decision(client, closed, third, {"decision": "dropped",
                                                     "reason": "Regionaal geregeld"})
    assert response.status_code == 303
    decisions = [(d.decision, d.reason, d.version) for d in AgendaDecision.select()
                 .where(AgendaDecision.item == third.agenda_item_id).order_by(AgendaDecision.id)]
    assert decisions == [("proposed", "", 1), ("dropped", "Regionaal geregeld", 1)]

    page = client.get(page_url(closed)).get_data(as_text=True)
    assert "Now on the agenda as: Woningen voor werknemers en starters" in page
    assert "Regionaal geregeld" in page and "2 versions of the text" in page
    # The form shows the wording as it is now.
    assert 'value="Woningen voor werknemers en starters"' in page


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"decision": "amended", "reason": "", "new_title": "Anders"}, "reason", "Say why"),
    ({"decision": "dropped", "reason": "  "}, "reason", "Say why"),
    ({"decision": "amended", "reason": "Zo", "new_title": "Vakmensen opleiden",
      "new_text": "Vakmensen opleiden: tekst"}, "new_text", "new wording"),
    ({"decision": "amended", "reason": "Zo", "new_title": ""}, "new_title", "new title"),
    ({"decision": "proposed"}, "decision", "Choose one of the options"),
    ({"decision": ""}, "decision", "Choose a decision"),
    ({"decision": "dropped", "reason": "a\x00b"}, "reason", "control characters"),
    ({"decision": "dropped", "reason": "x" * 5001}, "reason", "5000"),
    ({"decision": "amended", "reason": "Zo", "new_title": "a\nb"}, "new_title", "line breaks"),
])
def test_refusals_at_their_field_with_what_was_typed_kept(app, closed, data, field, message):
    client = results_world.staff_client(app, closed["consultation"])
    item = closed["items"][0]
    response = post_decision(client, closed, item, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="item-{item.id}-{field}-error"' in page
    error = page[page.index(f'id="item-{item.id}-{field}-error"'):][:400]
    assert message in error
    if data.get("reason", "").strip() and "\x00" not in data["reason"] and len(
            data["reason"]) < 100:
        assert data["reason"] in page
    assert AgendaItem.get_by_id(item.agenda_item_id).decision == "proposed"


def test_csrf_roles_and_strangers(app, closed):
    item = closed["items"][0]
    admin = results_world.staff_client(app, closed["consultation"])
    response = admin.post(f"{page_url(closed)}item/{item.id}",
                          data={f"item-{item.id}-decision": "adopted"})
    assert response.status_code == 400  # no CSRF token
    viewer = results_world.staff_client(app, closed["consultation"], "viewer")
    page = viewer.get(page_url(closed)).get_data(as_text=True)
    assert "Record the decision" not in page and "Your role can read this page" in page
    assert post_decision(viewer, closed, item, {"decision": "adopted"}).status_code == 403
    assert viewer.post(f"{page_url(closed)}mail", data={
        "csrf_token": csrf_from(page), "confirm": "y"}).status_code == 403
    # A moderator of one of the consultation's sessions may decide.
    moderator = make_staff("moderator")
    stranger = results_world.staff_client(app, closed["consultation"], staff=moderator)
    assert stranger.get(page_url(closed)).status_code == 404  # not their consultation
    ConsultationSession.update(moderator=moderator.id).where(
        ConsultationSession.consultation == closed["consultation"].id).execute()
    moderator_client = results_world.staff_client(app, closed["consultation"], staff=moderator)
    assert post_decision(moderator_client, closed, item, {"decision": "adopted"}).status_code \
        == 303
    # Another round's item, unknown ids, another consultation: 404.
    other = results_world.build(app)
    assert post_decision(admin, closed, other["items"][0],
                         {"decision": "adopted"}).status_code == 404
    assert admin.get("/admin/validation-decisions/98765/").status_code == 404
    assert admin.get("/admin/validation-decisions/").status_code == 404
    choose_consultation(admin, factories.consultation())
    assert admin.get(page_url(closed)).status_code == 404
