"""The workshops' step on the dashboard: its state, figures and checks (open
insights, workshops without a facilitator or actions, actions off the agenda), on
the page, and as many statements for 10,000 insights as for 100."""

from __future__ import annotations

import re

from flask_babel import force_locale

from consultplatform.api import (
    AgendaItem,
    AgendaItemInput,
    ConsultationSession,
    Insight,
    edit_agenda_item,
)
from consultplatform.testing import assert_flat_statements, choose_consultation, factories
from consultplatform_workshops import board_services as board
from consultplatform_workshops.dashboard import workshops_steps

from . import helpers, outputs_world


def step(app, consultation) -> dict:
    with app.test_request_context(), force_locale("en"):
        (found,) = workshops_steps(consultation)
        return {"key": found.key, "order": found.order, "state": found.state,
                "url": found.url, "figures": {str(k): v for k, v in found.figures},
                "checks": [(str(c.text), c.url) for c in found.checks]}


def test_a_prepared_workshop_without_actions_is_not_started(app, setting):
    shown = step(app, setting["consultation"])
    ws = setting["workshop"]
    assert (shown["key"], shown["order"], shown["state"]) == ("workshops", 40, "not_started")
    assert shown["figures"] == {"Workshops": 1, "Actions and proposals": 0,
                                "Insights answered": 0, "Insights set aside": 0,
                                "Insights still open": 4}
    texts = [text for text, _url in shown["checks"]]
    assert texts == [f"Workshop without actions yet: {ws.title}", "4 insights still open"]
    assert all(url.startswith("/admin/") for _text, url in shown["checks"])


def test_the_checks_follow_the_work(app, setting):
    world = outputs_world.build(app, setting)
    shown = step(app, setting["consultation"])
    assert shown["state"] == "in_progress"
    assert shown["figures"] == {"Workshops": 1, "Actions and proposals": 3,
                                "Insights answered": 3, "Insights set aside": 1,
                                "Insights still open": 2}
    assert [text for text, _url in shown["checks"]] == [
        "2 insights still open", "1 action not on the draft agenda yet"]
    # Everything answered or set aside, on the agenda, the workshop closed: done.
    five, six = world.insights[4:]
    with app.test_request_context():
        board.set_insight_aside(setting["workshop"].id, five, "already_done")
        board.set_insight_aside(setting["workshop"].id, six, "other", "Te algemeen")
        edit_agenda_item(world.item, AgendaItemInput(
            title="Werk", theme_id=setting["labour"].id,
            action_ids=[world.jobs, world.empty, world.rooms]))
    ConsultationSession.update(status="closed").where(
        ConsultationSession.id == setting["workshop"].id).execute()
    shown = step(app, setting["consultation"])
    assert (shown["state"], shown["checks"]) == ("done", [])
    assert shown["figures"]["Insights still open"] == 0


def test_a_workshop_without_facilitator_and_actions_without_agenda(app, setting):
    outputs_world.build(app, setting)
    AgendaItem.delete().execute()
    lonely = helpers.workshop(setting["consultation"], None, title="Werkplaats zonder leiding")
    texts = [text for text, _url in step(app, setting["consultation"])["checks"]]
    assert texts == ["Workshop without a facilitator: Werkplaats zonder leiding",
                     "2 insights still open", "No items on the draft agenda yet"]
    url = dict(step(app, setting["consultation"])["checks"])[texts[0]]
    assert url == f"/admin/session/edit/?id={lonely.id}"


def test_no_step_without_the_format(app):
    with app.test_request_context():
        assert workshops_steps(factories.consultation(formats=["general"])) == []


def test_the_step_on_the_dashboard_and_its_statements(app, setting, admin_client):
    parent = setting["consultation"]
    themes = [setting["labour"], setting["housing"]]
    helpers.many_insights(setting["arenas"][1], setting["shop"], themes, 96)
    assert choose_consultation(admin_client, parent).status_code == 303
    html = admin_client.get("/admin/").get_data(as_text=True)
    assert re.search(r'id="stap-workshops"', html)

    def more() -> None:
        outputs_world.build(app, setting)
        helpers.many_insights(setting["arenas"][0], setting["farm"], themes, 9_900)
        for n in range(3):
            helpers.workshop(parent, None if n else setting["facilitator"],
                             title=f"Werkplaats {n}")
        assert Insight.select().count() >= 10_000

    assert_flat_statements(admin_client, "/admin/", more)
