"""A hand-made board for the outputs' tests, every expected count written out.

Insights (the ``setting`` fixture's four, plus two):
  i1 Landbouw, Arbeidsmarkt        answered by "Banenloket"
  i2 Landbouw, Huisvesting         answered by "Kamers" (education)
  i3 Detailhandel, Arbeidsmarkt    answered by "Banenloket"
  i4 Detailhandel, Arb. + Huisv.   set aside: out of scope
  i5 Detailhandel, Huisvesting     open
  i6 no sector, no theme           open
"Leeg" has no link left; the agenda item "Werk" (Arbeidsmarkt) holds "Banenloket"
and "Leeg". Dots: the member 2 and the facilitator 1 on "Banenloket", the
facilitator 2 on "Kamers".
"""

from __future__ import annotations

from dataclasses import dataclass

from consultplatform.api import ActionInput, AgendaItemInput, create_agenda_item
from consultplatform_workshops import board_services as board

from . import helpers


@dataclass
class Outputs:
    insights: list[int]
    jobs: int  # "Banenloket"
    rooms: int  # "Kamers"
    empty: int  # "Leeg"
    item: int


def build(app, setting) -> Outputs:
    farm_arena, shop_arena = setting["arenas"]
    extra = [helpers.insight(shop_arena, setting["shop"], "ambities", [setting["housing"]],
                             1, "Meer huurkamers").id,
             helpers.insight(farm_arena, None, "ambities", [], 1, "Algemeen").id]
    one, two, three, four = (i.id for i in setting["insights"])
    ws = setting["workshop"].id
    member, facilitator = setting["member"].id, setting["facilitator"].id
    with app.test_request_context():
        jobs = board.draft_action(ws, ActionInput(title="Banenloket",
                                                  department="Economische Zaken"), [one, three])
        rooms = board.draft_action(ws, ActionInput(title="Kamers", kind="proposal",
                                                   owner="education", horizon="long"), [two])
        empty = board.draft_action(ws, ActionInput(title="Leeg"), [one])
        board.unlink(ws, empty, [one])
        board.set_insight_aside(ws, four, "out_of_scope")
        for voter, action in ((member, jobs), (member, jobs), (facilitator, jobs),
                              (facilitator, rooms), (facilitator, rooms)):
            board.add_dot(ws, voter, action)
        item = create_agenda_item(setting["consultation"].id, AgendaItemInput(
            title="Werk", theme_id=setting["labour"].id, action_ids=[jobs, empty]))
    return Outputs([one, two, three, four, *extra], jobs, rooms, empty, item.id)
