"""A small hand-made consultation for the agenda, provenance and coverage tests;
the tests write out what they expect of it.

Sectors Landbouw (farm), Detailhandel (shop), Zorg (care); themes Arbeidsmarkt
(labour), Huisvesting (housing), Mobiliteit (mobility), in that position order.

    insight  arena   sector  themes            fate
    i1       farm    farm    labour            answered by "Banenloket"
    i2       farm    farm    housing           answered by "Huisvesting"
    i3       shop    shop    labour            answered by "Banenloket"
    i4       shop    shop    labour, housing   answered by "Huisvesting"
    i5       mixed   care    mobility          set aside (not_our_role)
    i6       mixed   -       -                 open
    i7       mixed   care    labour            "Stageplan", merged into "Banenloket"

Actions: Banenloket (municipality), Huisvesting (together), Stageplan (education,
merged into Banenloket), Bus (municipality, no insights). Agenda items:
"Werk" (theme labour: Banenloket, Huisvesting) and "Bereikbaarheid" (mobility: Bus).

Registrations (status, attendance) of the people, by sector and side:
    farm arena:  p1 farm/entrepreneur confirmed attended, p2 farm/entrepreneur
                 confirmed no_show, p3 farm/government confirmed -, p4
                 farm/entrepreneur cancelled, p5 shop/entrepreneur waitlisted
    shop arena:  p6 shop/entrepreneur confirmed -, p7 shop/education confirmed
                 attended, p1 again confirmed attended
    mixed arena: p8 care/entrepreneur confirmed attended, p9 -/other confirmed -
    other arena: p10 farm/entrepreneur confirmed (no insight of the item)
"""

from __future__ import annotations

from dataclasses import dataclass

from consultplatform.api import (
    Action,
    ActionInput,
    AgendaItem,
    AgendaItemInput,
    Consultation,
    Insight,
    Theme,
    create_action,
    create_agenda_item,
    merge_actions,
    set_aside,
)
from consultplatform.testing import factories

from . import helpers


@dataclass
class World:
    consultation: Consultation
    themes: dict[str, Theme]
    sectors: dict[str, object]
    insights: dict[str, Insight]
    actions: dict[str, Action]
    items: dict[str, AgendaItem]
    arenas: dict[str, object]


def build() -> World:
    """The world; call inside an app context (the services audit)."""
    parent = helpers.consultation()
    farm = factories.sector(parent, "Landbouw", position=0)
    shop = factories.sector(parent, "Detailhandel", position=1)
    care = factories.sector(parent, "Zorg", position=2)
    labour, housing, mobility = helpers.themes(parent, "Arbeidsmarkt", "Huisvesting",
                                               "Mobiliteit")
    a_farm = helpers.arena(parent, farm, title="Arena landbouw")
    a_shop = helpers.arena(parent, shop, title="Arena detailhandel")
    a_mixed = helpers.arena(parent, None, title="Arena gemengd")
    a_other = helpers.arena(parent, farm, title="Arena zonder agendapunt")
    i = {
        "i1": helpers.insight(a_farm, farm, "barrieres", [labour], 3, "Te weinig vakmensen"),
        "i2": helpers.insight(a_farm, farm, "ambities", [housing], 2, "Woningen voor werkers"),
        "i3": helpers.insight(a_shop, shop, "barrieres", [labour], 1, "Stages sluiten niet aan"),
        "i4": helpers.insight(a_shop, shop, "barrieres", [labour, housing], 2, "Geen kamers"),
        "i5": helpers.insight(a_mixed, care, "barrieres", [mobility], 1, "Geen busverbinding"),
        "i6": helpers.insight(a_mixed, None, "ontwikkelingen", [], 1, "Vergrijzing"),
        "i7": helpers.insight(a_mixed, care, "barrieres", [labour], 2, "Zorgpersoneel"),
    }
    jobs = create_action(parent.id, ActionInput(title="Banenloket"),
                         [i["i1"].id, i["i3"].id])
    homes = create_action(parent.id, ActionInput(title="Huisvesting", owner="together",
                                                 kind="proposal"), [i["i2"].id, i["i4"].id])
    stage = create_action(parent.id, ActionInput(title="Stageplan", owner="education"),
                          [i["i7"].id])
    bus = create_action(parent.id, ActionInput(title="Bus", owner="municipality"))
    merge_actions(jobs.id, stage.id)
    set_aside(i["i5"].id, "not_our_role", "De provincie gaat erover")
    work = create_agenda_item(parent.id, AgendaItemInput(
        title="Werk", text="Iedereen aan de slag.", theme_id=labour.id,
        action_ids=(jobs.id, homes.id)))
    reach = create_agenda_item(parent.id, AgendaItemInput(
        title="Bereikbaarheid", theme_id=mobility.id, action_ids=(bus.id,)))
    people = {f"p{n}": factories.participant(parent, sector=sector, side=side)
              for n, sector, side in [(1, farm, "entrepreneur"), (2, farm, "entrepreneur"),
                                      (3, farm, "government"), (4, farm, "entrepreneur"),
                                      (5, shop, "entrepreneur"), (6, shop, "entrepreneur"),
                                      (7, shop, "education"), (8, care, "entrepreneur"),
                                      (9, None, "other"), (10, farm, "entrepreneur")]}
    for person, arena, status, attendance in [
            ("p1", a_farm, "confirmed", "attended"), ("p2", a_farm, "confirmed", "no_show"),
            ("p3", a_farm, "confirmed", None), ("p4", a_farm, "cancelled", None),
            ("p5", a_farm, "waitlisted", None), ("p6", a_shop, "confirmed", None),
            ("p7", a_shop, "confirmed", "attended"), ("p1", a_shop, "confirmed", "attended"),
            ("p8", a_mixed, "confirmed", "attended"), ("p9", a_mixed, "confirmed", None),
            ("p10", a_other, "confirmed", "attended")]:
        factories.registration(people[person], arena, status=status, attendance=attendance)
    return World(parent, {"labour": labour, "housing": housing, "mobility": mobility},
                 {"farm": farm, "shop": shop, "care": care}, i,
                 {"jobs": Action.get_by_id(jobs.id), "homes": homes,
                  "stage": Action.get_by_id(stage.id), "bus": bus},
                 {"work": work, "reach": reach},
                 {"farm": a_farm, "shop": a_shop, "mixed": a_mixed, "other": a_other})
