"""The Workshops page and a workshop's preparation run as many SQL statements with
10,000 insights as with 100 (cold: caches emptied before each request), for an
administrator and for the facilitator, with a scope that narrows and without one."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from consultplatform.api import ActionInput, StaffUser
from consultplatform.testing import (
    assert_flat_statements,
    choose_consultation,
    factories,
    login,
    make_staff,
)
from consultplatform_workshops import board_services as board
from consultplatform_workshops.models import WorkshopsMember
from consultplatform_workshops.workshops import WorkshopPlan, prepare_workshop

from . import helpers

SMALL, LARGE = 100, 10_000

PAGES: dict[str, Callable[[dict], str]] = {
    "workshops_list.index": lambda w: "/admin/workshops/",
    "workshops_list.prepare": lambda w: f"/admin/workshops/{w['workshop'].id}/voorbereiden",
}


def build(app) -> dict:
    """A consultation with two arenas, 100 insights, two workshops (one with a scope,
    one action, dots and a member) and a workshop elsewhere."""
    parent = helpers.consultation()
    farm, shop = factories.sector(parent, "Landbouw"), factories.sector(parent, "Detailhandel")
    themes = helpers.themes(parent, "Arbeidsmarkt", "Huisvesting", "Onderwijs")
    facilitator: StaffUser = make_staff("moderator")
    arenas = [helpers.arena(parent, farm, title="Arena landbouw"),
              helpers.arena(parent, shop, title="Arena detailhandel")]
    helpers.many_insights(arenas[0], farm, themes, SMALL // 2)
    helpers.many_insights(arenas[1], shop, themes, SMALL // 2)
    workshop = helpers.workshop(parent, facilitator)
    helpers.workshop(parent, make_staff("moderator"), title="Werkplaats onderwijs")
    helpers.workshop(helpers.consultation(), facilitator, title="Werkplaats elders")
    member = make_staff("viewer")
    WorkshopsMember.create(session=workshop, staff=member)
    with app.test_request_context():
        prepare_workshop(workshop.id, WorkshopPlan(
            question="Wat doen we aan de krapte?", theme_ids=[themes[0].id],
            sector_ids=[farm.id, shop.id], categories=["barrieres"],
            arena_ids=[a.id for a in arenas], member_ids=[member.id]))
        first = helpers.insight(arenas[0], farm, "barrieres", [themes[0]])
        action = board.draft_action(workshop.id, ActionInput(title="Banenloket"), [first.id])
        board.add_dot(workshop.id, member.id, action)
    return {"consultation": parent, "workshop": workshop, "arenas": arenas,
            "sectors": [farm, shop], "themes": themes, "facilitator": facilitator}


def grow(world: dict) -> None:
    """From 100 to 10,000 insights, over both arenas, sectors and all themes."""
    rest = LARGE - SMALL
    helpers.many_insights(world["arenas"][0], world["sectors"][0], world["themes"], rest // 2)
    helpers.many_insights(world["arenas"][1], world["sectors"][1], world["themes"], rest // 2)


@pytest.mark.parametrize("endpoint", sorted(PAGES))
@pytest.mark.parametrize("who", ["admin", "facilitator"])
def test_statements_do_not_grow_with_the_insights(app, endpoint, who):
    world = build(app)
    client = app.test_client()
    login(client, make_staff("admin") if who == "admin" else world["facilitator"])
    choose_consultation(client, world["consultation"])
    count = assert_flat_statements(client, PAGES[endpoint](world), lambda: grow(world))
    assert count < 40, count


def test_without_a_scope_and_without_a_choice_too(app):
    world = build(app)
    with app.test_request_context():
        prepare_workshop(world["workshop"].id, WorkshopPlan())
    client = app.test_client()
    login(client, make_staff("admin"))
    assert_flat_statements(client, "/admin/workshops/", lambda: None)
    choose_consultation(client, world["consultation"])
    assert_flat_statements(client, "/admin/workshops/", lambda: grow(world))


def test_the_list_does_not_grow_with_the_workshops(app):
    """Two workshops or twelve, each with its own scope: the same statements (the
    insights in scope are counted for all workshops in one statement)."""
    world = build(app)
    client = app.test_client()
    login(client, make_staff("admin"))
    choose_consultation(client, world["consultation"])

    def more_workshops() -> None:
        with app.test_request_context():
            for n in range(10):
                extra = helpers.workshop(world["consultation"], title=f"Werkplaats {n}")
                prepare_workshop(extra.id, WorkshopPlan(
                    theme_ids=[world["themes"][n % 3].id],
                    sector_ids=[world["sectors"][n % 2].id]))

    assert_flat_statements(client, "/admin/workshops/", more_workshops)
