"""An agenda item's provenance on the hand-made world (agenda_world.py): the
expected counts written out, and the same numbers recomputed from the tables
row by row in Python (no GROUP BY), so the read model's queries are checked
against the rule, not against themselves."""

from __future__ import annotations

import pytest

from consultplatform.api import (
    AgendaItemAction,
    Insight,
    InsightAction,
    Participant,
    Registration,
)
from consultplatform.testing import choose_consultation, login, make_staff
from consultplatform_workshops.provenance import load_provenance

from . import agenda_world


@pytest.fixture
def world(app):
    with app.test_request_context():
        return agenda_world.build()


def test_provenance_counts_written_out(app, world):
    s = {k: v.id for k, v in world.sectors.items()}
    a = {k: v.id for k, v in world.arenas.items()}
    i = {k: v.id for k, v in world.insights.items()}
    with app.test_request_context():
        found = load_provenance(world.items["work"])
    assert [entry.action.title for entry in found.actions] == ["Banenloket", "Huisvesting"]
    jobs, homes = found.actions
    assert jobs.kinds == {"answers": 2, "merges": 1}  # i7 came with the merged Stageplan
    assert [(x.id, x.kind) for x in jobs.insights] == [(i["i1"], "answers"),
                                                       (i["i7"], "merges"),
                                                       (i["i3"], "answers")]
    assert homes.kinds == {"answers": 2}
    assert found.insights == 5
    assert {arena.id: dict(arena.insights.numbers) for arena in found.arenas} == {
        a["farm"]: {s["farm"]: 2}, a["shop"]: {s["shop"]: 2}, a["mixed"]: {s["care"]: 1}}
    assert {row.key: row.total for row in found.insight_sectors} == {
        s["farm"]: 2, s["shop"]: 2, s["care"]: 1}
    # People: p2 did not come, p4 cancelled, p5 waits, p10 was in another arena.
    assert {row.key: dict(row.numbers) for row in found.people} == {
        s["farm"]: {"entrepreneur": 1, "government": 1},  # p1, p3
        s["shop"]: {"entrepreneur": 1, "education": 1},  # p6, p7
        s["care"]: {"entrepreneur": 1},  # p8
        None: {"other": 1},  # p9
    }
    assert found.people_total == 6
    assert found.side_total("entrepreneur") == 3  # p1 (in two arenas, once), p6, p8
    assert {arena.id: arena.people.total for arena in found.arenas} == {
        a["farm"]: 2, a["shop"]: 3, a["mixed"]: 2}  # p1 in farm and shop


def test_an_item_without_insights(app, world):
    with app.test_request_context():
        found = load_provenance(world.items["reach"])
    assert [entry.action.title for entry in found.actions] == ["Bus"]
    assert (found.insights, found.arenas, found.people, found.people_total) == (0, [], [], 0)


def recomputed(item_id: int) -> dict:
    """The provenance's numbers from the rows themselves."""
    actions = {row.action_id for row in AgendaItemAction.select()
               .where(AgendaItemAction.item == item_id)}
    insight_ids = {row.insight_id for row in InsightAction.select()
                   if row.action_id in actions}
    insights = [row for row in Insight.select() if row.id in insight_ids]
    per_arena: dict = {}
    for insight in insights:
        key = (insight.session_id, insight.sector_id)
        per_arena[key] = per_arena.get(key, 0) + 1
    sessions = {insight.session_id for insight in insights}
    people: dict = {}
    per_session: dict = {}
    for registration in Registration.select():
        if registration.session_id not in sessions or registration.status != "confirmed" \
                or registration.attendance == "no_show":
            continue
        person = Participant.get_by_id(registration.participant_id)
        people.setdefault((person.sector_id, person.side), set()).add(person.id)
        per_session.setdefault(registration.session_id, set()).add(person.id)
    return {"insights": len(insights), "per_arena": per_arena,
            "people": {key: len(ids) for key, ids in people.items()},
            "per_session": {key: len(ids) for key, ids in per_session.items()}}


@pytest.mark.parametrize("name", ["work", "reach"])
def test_provenance_equals_the_tables(app, world, name):
    item = world.items[name]
    with app.test_request_context():
        found = load_provenance(item)
    expected = recomputed(item.id)
    assert found.insights == expected["insights"]
    assert {(arena.id, sector): n for arena in found.arenas
            for sector, n in arena.insights.numbers.items()} == expected["per_arena"]
    assert {(row.key, side): n for row in found.people
            for side, n in row.numbers.items()} == expected["people"]
    assert {arena.id: arena.people.total for arena in found.arenas
            if arena.people.total} == expected["per_session"]
    # The tables add up: sectors to the total, sides to the total, arenas to the total.
    assert sum(row.total for row in found.people) == found.people_total \
        == sum(found.side_total(side) for side in ("entrepreneur", "government", "education",
                                                    "other"))
    assert sum(row.total for row in found.insight_sectors) == found.insights


def test_the_provenance_page_counts_and_never_names(app, world):
    client = app.test_client()
    login(client, make_staff("viewer"))
    choose_consultation(client, world.consultation)
    response = client.get(f"/admin/draft-agenda/item/{world.items['work'].id}/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in ("Banenloket", "Zorgpersoneel", "Arena gemengd", "Landbouw"):
        assert text in html
    for person in Participant.select():
        assert person.name not in html and person.email not in html
    assert "Change this item" not in html  # a viewer reads only


def test_an_item_of_another_consultation_is_404(app, world):
    client = app.test_client()
    login(client, make_staff("viewer"))
    choose_consultation(client, world.consultation)
    with app.test_request_context():
        elsewhere = agenda_world.build()
    for url in (f"/admin/draft-agenda/item/{elsewhere.items['work'].id}/",
                "/admin/draft-agenda/item/999999/"):
        response = client.get(url)
        assert response.status_code == 404
        # The error page speaks the visitor's language (this one's browser asks none).
        text = response.get_data(as_text=True)
        assert ("hoort niet bij de consultatie waaraan u werkt" in text
                or "not in the consultation you work on" in text)
    for junk in ("abc", "-1", "9223372036854775807", "99999999999999999999999", "1%00"):
        assert client.get(f"/admin/draft-agenda/item/{junk}/").status_code == 404
