"""Every Expertarena page runs as many SQL statements with many rows as with few.

Each GET page of the plugin is requested cold in a small consultation, the data
grows (arenas, sectors, themes, proposals, insights, people, co-moderators) and
the page is requested again: the counts must be equal. A page added to the plugin
without an entry here fails :func:`test_every_page_has_a_statement_count_test`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from consultplatform.api import ConsultationSession, Insight, StaffUser, Theme
from consultplatform.testing import assert_flat_statements, factories, login, make_staff
from consultplatform.testing.pages import assert_all_covered
from consultplatform_expertarena.models import ExpertarenaThemeProposal

from . import helpers

_seq = itertools.count(1)


@dataclass
class World:
    consultation: object
    arena: ConsultationSession
    insight: Insight
    proposal: ExpertarenaThemeProposal
    moderator: StaffUser


def build() -> World:
    parent = helpers.consultation(slug="arena-tellen")
    farm = factories.sector(parent, "Landbouw")
    moderator = make_staff("moderator")
    arena = helpers.arena(parent, moderator=moderator, sectors=(farm,), capacity=40)
    (labour,) = helpers.themes(parent, "Arbeidsmarkt")
    insight = helpers.insight(arena, farm, "ambities", [labour], quote="Wij zoeken mensen.")
    factories.registration(factories.participant(parent, sector=farm), arena)
    proposal = _proposal(parent, arena, moderator)
    helpers.consultation()  # a second one: the analysis index lists them, not redirects
    return World(parent, arena, insight, proposal, moderator)


def _proposal(parent, arena, moderator) -> ExpertarenaThemeProposal:
    theme = Theme.create(consultation=parent, name=f"Voorstel {next(_seq)}", position=90)
    return ExpertarenaThemeProposal.create(theme=theme, session=arena, proposed_by=moderator)


def grow(world: World, count: int = 4) -> None:
    """More of everything a page might loop over, in this arena and in others."""
    parent = world.consultation
    sectors = [factories.sector(parent, f"Sector {next(_seq)}") for _ in range(count)]
    themes = helpers.themes(parent, *(f"Thema {next(_seq)}" for _ in range(count)))
    co_moderators = tuple(make_staff("moderator") for _ in range(2))
    arenas = [world.arena, *(helpers.arena(parent, moderator=world.moderator,
                                           sectors=tuple(sectors[n:n + 2]),
                                           co_moderators=co_moderators)
                             for n in range(count - 1))]
    for n, arena in enumerate(arenas):
        for m in range(count):
            sector = sectors[(n + m) % count]
            helpers.insight(arena, sector, ("ambities", "barrieres")[m % 2],
                            themes[: 1 + m % 3], weight=1 + m % 3, quote=f"Citaat {m}")
            helpers.insight(arena, None, "ontwikkelingen")
            person = factories.participant(parent, sector=sector,
                                           side=("entrepreneur", "government")[m % 2])
            factories.registration(person, arena,
                                   attendance=("attended", "no_show", None)[m % 3])
        _proposal(parent, arena, world.moderator)
    helpers.consultation()  # another consultation, with nothing in it


PAGES: dict[str, Callable[[World], str]] = {
    "expertarena.arena_page": lambda w: f"/expertarena/{w.arena.id}",
    "expertarena_analysis.index": lambda w: "/admin/expertarena-analyse/",
    "expertarena_analysis.consultation":
        lambda w: f"/admin/expertarena-analyse/c/{w.consultation.id}/",
    "expertarena_analysis.consultation_heatmap":
        lambda w: f"/admin/expertarena-analyse/c/{w.consultation.id}/heatmap.svg",
    "expertarena_analysis.consultation_heatmap_png":
        lambda w: f"/admin/expertarena-analyse/c/{w.consultation.id}/heatmap.png",
    "expertarena_analysis.arena": lambda w: f"/admin/expertarena-analyse/arena/{w.arena.id}/",
    "expertarena_analysis.arena_heatmap":
        lambda w: f"/admin/expertarena-analyse/arena/{w.arena.id}/heatmap.svg",
    "expertarena_analysis.arena_heatmap_png":
        lambda w: f"/admin/expertarena-analyse/arena/{w.arena.id}/heatmap.png",
    "expertarena_arenas.index": lambda w: "/admin/expertarena/",
    "expertarena_arenas.capture": lambda w: f"/admin/expertarena/{w.arena.id}/",
    "expertarena_arenas.attendance": lambda w: f"/admin/expertarena/{w.arena.id}/aanwezigheid",
    "expertarena_arenas.invite": lambda w: f"/admin/expertarena/{w.arena.id}/uitnodigen",
    "expertarena_arenas.setup": lambda w: f"/admin/expertarena/{w.arena.id}/instellingen",
}
for _view, _ident in (("expertarena_insight", lambda w: w.insight.id),
                      ("expertarena_proposal", lambda w: w.proposal.id)):
    PAGES.update({
        f"{_view}.index_view": lambda w, v=_view: f"/admin/{v}/",
        f"{_view}.details_view": lambda w, v=_view, i=_ident: f"/admin/{v}/details/?id={i(w)}",
        f"{_view}.edit_view": lambda w, v=_view, i=_ident: f"/admin/{v}/edit/?id={i(w)}",
        f"{_view}.create_view": lambda w, v=_view: f"/admin/{v}/new/",
        f"{_view}.ajax_lookup": lambda w, v=_view: f"/admin/{v}/ajax/lookup/?name=x&query=a",
        f"{_view}.export": lambda w, v=_view: f"/admin/{v}/export/csv/",
    })
# No lookup fields and no export on these views (404), and insights and proposals are
# changed on the capture page and through the review actions, not in a form (403).
STATUS = {f"{view}.{page}": code for view in ("expertarena_insight", "expertarena_proposal")
          for page, code in (("ajax_lookup", 404), ("export", 404), ("create_view", 403),
                             ("edit_view", 403))}
# What the moderator of the arena sees (the capture page, attendance, their arenas).
MODERATOR_PAGES = ("expertarena_arenas.index", "expertarena_arenas.capture",
                   "expertarena_arenas.attendance", "expertarena_analysis.arena")


def test_every_page_has_a_statement_count_test(app):
    assert_all_covered(app, set(PAGES), "expertarena")


@pytest.mark.parametrize("endpoint", sorted(PAGES))
def test_page_statements_do_not_grow_with_the_data(app, admin_client, endpoint):
    world = build()
    client = app.test_client() if endpoint == "expertarena.arena_page" else admin_client
    assert_flat_statements(client, PAGES[endpoint](world), lambda: grow(world),
                           status=STATUS.get(endpoint, 200))


@pytest.mark.parametrize("endpoint", MODERATOR_PAGES)
def test_a_moderators_pages_do_not_grow_either(app, endpoint):
    world = build()
    client = app.test_client()
    login(client, world.moderator)
    assert_flat_statements(client, PAGES[endpoint](world), lambda: grow(world))
