"""The draft agenda's, an item's provenance and the coverage pages run as many SQL
statements with 10,000 insights as with 100 (and with more of everything else:
sectors, themes, arenas, people, actions, items). Every GET page of these two
views is listed; one added without an entry fails the first test."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from consultplatform.api import ConsultationSession, Insight, InsightAction, Registration
from consultplatform.testing import (
    assert_flat_statements,
    choose_consultation,
    factories,
    login,
    make_staff,
)
from consultplatform.testing.pages import page_endpoints

from . import agenda_world, helpers

_seq = itertools.count(1)
SMALL, LARGE = 100, 10_000

PAGES: dict[str, Callable[[agenda_world.World], str]] = {
    "workshops_agenda.index": lambda w: "/admin/draft-agenda/",
    "workshops_agenda.item": lambda w: f"/admin/draft-agenda/item/{w.items['work'].id}/",
    "workshops_agenda.edit": lambda w: f"/admin/draft-agenda/item/{w.items['work'].id}/edit",
    "workshops_coverage.index": lambda w: "/admin/coverage/",
}
# The open list narrowed to a cell, too.
EXTRA = {"coverage, one cell": lambda w: (f"/admin/coverage/?theme={w.themes['labour'].id}"
                                          f"&sector={w.sectors['farm'].id}")}


def add_insights(world: agenda_world.World, count: int) -> None:
    """``count`` more insights in a new arena with people, most of them linked to the
    item's actions (so the provenance grows), some set aside, the rest open."""
    parent = world.consultation
    sector = factories.sector(parent, f"Sector {next(_seq)}")
    theme = helpers.themes(parent, f"Thema {next(_seq)}")[0]
    arena = helpers.arena(parent, sector, title=f"Arena {next(_seq)}")
    before = Insight.select(Insight.id).where(Insight.session == arena.id)
    helpers.many_insights(arena, sector, [theme, world.themes["labour"]], count)
    made = [row.id for row in Insight.select(Insight.id).where(Insight.session == arena.id)
            .where(Insight.id.not_in(before)).order_by(Insight.id)]
    jobs, homes = world.actions["jobs"].id, world.actions["homes"].id
    links = [{"insight": ident, "action": (jobs, homes)[n % 2], "kind": "answers"}
             for n, ident in enumerate(made[: count * 8 // 10])]
    for first in range(0, len(links), 500):
        InsightAction.insert_many(links[first:first + 500]).execute()
    Insight.update(set_aside_reason="already_done").where(
        Insight.id.in_(made[count * 8 // 10: count * 9 // 10])).execute()
    for n in range(4):
        person = factories.participant(parent, sector=sector,
                                       side=("entrepreneur", "government")[n % 2])
        factories.registration(person, arena, attendance=("attended", None)[n % 2])
    helpers.workshop(parent)
    helpers.themes(parent, f"Leeg {next(_seq)}")
    assert Registration.select().count()


def build(app) -> agenda_world.World:
    with app.test_request_context():
        world = agenda_world.build()
    add_insights(world, SMALL - len(world.insights))
    return world


def grow(app, world: agenda_world.World) -> None:
    add_insights(world, LARGE - SMALL)
    with app.test_request_context():
        agenda_world.build()  # another consultation, with its own agenda


def test_every_page_has_a_statement_count_test(app):
    pages = page_endpoints(app, "workshops")
    mine = {page for page in pages if page.split(".")[0] in ("workshops_agenda",
                                                             "workshops_coverage")}
    assert mine == set(PAGES)


@pytest.mark.parametrize("name", sorted(PAGES) + sorted(EXTRA))
@pytest.mark.parametrize("role", ["admin", "moderator"])
def test_page_statements_do_not_grow_with_the_data(app, name, role):
    world = build(app)
    client = app.test_client()
    staff = make_staff(role)
    if role == "moderator":
        helpers.workshop(world.consultation, staff)
    login(client, staff)
    choose_consultation(client, world.consultation)
    url = {**PAGES, **EXTRA}[name](world)
    count = assert_flat_statements(client, url, lambda: grow(app, world))
    assert Insight.select().join(ConsultationSession).where(
        ConsultationSession.consultation == world.consultation.id).count() == LARGE
    assert count < 40
