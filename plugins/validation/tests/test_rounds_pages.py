"""The rounds' staff pages: the list with the new-round form, a round's page, its
settings, taking the agenda again, opening after a confirmation, closing; who may
do what (viewers read, 403 on POST), CSRF, and refusals as 4xx with a message."""

from __future__ import annotations

import pytest

from consultplatform.testing import (
    choose_consultation,
    csrf_from,
    factories,
    get_csrf,
    login,
    make_staff,
)
from consultplatform_validation.models import ValidationItem, ValidationRound, ValidationVoter
from consultplatform_validation.rounds import RoundInput, create_round


def staff(app, role: str, consultation):
    """A staff member's client, reading English (the tests check the English text)."""
    client = app.test_client()
    client.set_cookie("lang", "en")
    login(client, make_staff(role))
    choose_consultation(client, consultation)
    return client


def form_of(client, url: str) -> dict:
    html = client.get(url).get_data(as_text=True)
    return {"csrf_token": csrf_from(html)}


def new_round(client, **fields):
    data = {**form_of(client, "/admin/validation-rounds/"), "title": "Toetsing voorjaar",
            "sides": ["entrepreneur", "government"], "priority_points": "10",
            "open_question": "Wat mist er?", "reminder_hours": "24", **fields}
    return client.post("/admin/validation-rounds/new", data=data)


def test_an_admin_makes_opens_and_closes_a_round(app, world):
    client = staff(app, "admin", world["consultation"])
    page = client.get("/admin/validation-rounds/").get_data(as_text=True)
    assert "Make the round" in page and 'value="24"' in page  # the default reminder hours
    made = new_round(client, opens_at="2030-03-01T09:00", closes_at="2030-03-10T17:00")
    assert made.status_code == 303
    round_ = ValidationRound.get()
    assert (round_.title, round_.sides, round_.priority_points, round_.reminder_hours) == (
        "Toetsing voorjaar", ["entrepreneur", "government"], 10, 24)
    assert round_.closes_at.hour == 17 and round_.closes_at.day == 10
    page = client.get(f"/admin/validation-rounds/{round_.id}/").get_data(as_text=True)
    assert "Vakmensen opleiden" in page and "/admin/validation-results/" in page
    assert f"/admin/validation-presenter/{round_.id}/" in page
    confirm = client.get(f"/admin/validation-rounds/{round_.id}/open").get_data(as_text=True)
    assert "invites 11 people" in confirm
    round_.opens_at = None
    round_.save()
    opened = client.post(f"/admin/validation-rounds/{round_.id}/open",
                         data={"csrf_token": csrf_from(confirm)})
    assert opened.status_code == 303
    assert ValidationVoter.select().where(ValidationVoter.round == round_.id).count() == 11
    listing = client.get("/admin/validation-rounds/").get_data(as_text=True)
    assert "0 of 11 finished" in listing
    refreeze = client.post(f"/admin/validation-rounds/{round_.id}/agenda",
                           data={"csrf_token": csrf_from(confirm)})
    assert refreeze.status_code == 409  # the text voted on no longer changes
    assert client.get(f"/admin/validation-rounds/{round_.id}/open").status_code == 409
    closed = client.post(f"/admin/validation-rounds/{round_.id}/close",
                         data={"csrf_token": csrf_from(confirm)})
    assert closed.status_code == 303
    assert ValidationRound.get_by_id(round_.id).status == "closed"
    again = client.post(f"/admin/validation-rounds/{round_.id}/close",
                        data={"csrf_token": csrf_from(confirm)})
    assert again.status_code == 409 and "Only an open round" in again.get_data(as_text=True)
    edit = client.post(f"/admin/validation-rounds/{round_.id}/edit",
                       data={"csrf_token": csrf_from(confirm), "title": "x",
                             "sides": ["entrepreneur"]})
    assert edit.status_code == 409
    assert client.get(f"/admin/validation-rounds/{round_.id}/edit").status_code == 409


def test_errors_show_at_their_fields_and_keep_what_was_typed(app, world):
    client = staff(app, "admin", world["consultation"])
    refused = new_round(client, title="", sides=[], opens_at="2030-03-10T09:00",
                        closes_at="2030-03-01T09:00", open_question="Blijft staan")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'id="title-error"' in page and "Blijft staan" in page
    refused = new_round(client, opens_at="2030-03-10T09:00", closes_at="2030-03-01T09:00")
    assert refused.status_code == 400
    assert 'id="closes_at-error"' in refused.get_data(as_text=True)
    for bad in ({"opens_at": "morgen"}, {"priority_points": "-3"}, {"sides": ["king"]},
                {"reminder_hours": "9999"}, {"title": "a\x00b"}, {"title": "x" * 201}):
        answer = new_round(client, **bad)
        assert 400 <= answer.status_code < 500, bad
    assert ValidationRound.select().count() == 0


def test_the_agenda_is_taken_again_while_the_round_is_prepared(app, world):
    client = staff(app, "admin", world["consultation"])
    round_ = create_round(world["consultation"].id, RoundInput(title="Toetsing"))
    from consultplatform.api import AgendaItemInput, create_agenda_item

    create_agenda_item(world["consultation"].id, AgendaItemInput(title="Energie", text="t"))
    token = form_of(client, f"/admin/validation-rounds/{round_.id}/")
    assert client.post(f"/admin/validation-rounds/{round_.id}/agenda",
                       data=token).status_code == 303
    assert ValidationItem.select().where(ValidationItem.round == round_.id).count() == 4


def test_viewers_read_and_may_not_change(app, world):
    round_ = create_round(world["consultation"].id, RoundInput(title="Toetsing"))
    viewer = staff(app, "viewer", world["consultation"])
    assert viewer.get("/admin/validation-rounds/").status_code == 200
    page = viewer.get(f"/admin/validation-rounds/{round_.id}/")
    assert page.status_code == 200 and "Close the round" not in page.get_data(as_text=True)
    token = {"csrf_token": get_csrf(viewer, "/admin/")}
    for url in ("new", f"{round_.id}/open", f"{round_.id}/close", f"{round_.id}/agenda",
                f"{round_.id}/edit"):
        assert viewer.post(f"/admin/validation-rounds/{url}", data=token).status_code == 403
    assert viewer.get(f"/admin/validation-rounds/{round_.id}/open").status_code == 403
    assert ValidationRound.get_by_id(round_.id).status == "draft"


def test_csrf_and_other_consultations(app, world):
    round_ = create_round(world["consultation"].id, RoundInput(title="Toetsing"))
    client = staff(app, "admin", world["consultation"])
    assert client.post(f"/admin/validation-rounds/{round_.id}/close").status_code == 400
    other = factories.consultation()
    elsewhere = staff(app, "admin", other)
    assert elsewhere.get(f"/admin/validation-rounds/{round_.id}/").status_code == 404
    assert client.get("/admin/validation-rounds/999999999/").status_code == 404
    assert client.get("/admin/validation-rounds/abc/").status_code == 404


@pytest.mark.parametrize("role", ["moderator"])
def test_a_moderator_of_the_consultation_may_change(app, world, role):
    moderator = make_staff(role)
    world["session"].moderator = moderator
    world["session"].save()
    client = app.test_client()
    login(client, moderator)
    choose_consultation(client, world["consultation"])
    assert new_round(client).status_code == 303
