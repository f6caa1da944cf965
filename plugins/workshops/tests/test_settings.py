"""The workshops' settings on the admin's Plugins page: the ``code | Nederlands |
English`` lists are checked line by line, the dots on one action may not exceed the
dots per person, a consultation's own values win over the install's, and the action
services take exactly the kinds and owners configured (hook cp_action_vocabulary)."""

from __future__ import annotations

import pytest

from consultplatform.api import (
    Action,
    ActionError,
    ActionInput,
    PluginSetting,
    action_vocabulary,
    create_action,
    default_settings,
    update_action,
)
from consultplatform.testing import csrf_from
from consultplatform_workshops import board_services as board
from consultplatform_workshops.settings import WorkshopsSettings, workshop_settings

from . import helpers

URL = "/admin/plugins/settings/workshops"


def form_values(**changes) -> dict[str, str]:
    values = {k: str(v) for k, v in default_settings(WorkshopsSettings).items()}
    values.update({k: str(v) for k, v in changes.items()})
    return values


def save(client, url: str = URL, **changes):
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **form_values(**changes)})


@pytest.fixture
def admin(admin_client):
    admin_client.set_cookie("lang", "en")
    return admin_client


@pytest.mark.parametrize(("field", "text", "message"), [
    ("action_kinds", "action | Actie | Action\nstudy", "Line 2: write code | Dutch label"),
    ("action_owners", "Gemeente | Gemeente | Municipality", "Line 1: the code may only hold"),
    ("action_horizons", "short | Kort | Short\nshort | Ook kort | Also short",
     "Line 2: the code short is used twice"),
    ("set_aside_reasons", "   \n  ", "Give at least one line"),
    ("action_kinds", "action | " + "x" * 121 + " | Action", "at most 120 characters"),
])
def test_bad_lines_get_a_clear_message(app, admin, field, text, message):
    response = save(admin, **{field: text})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert PluginSetting.select().count() == 0


def test_dots_per_action_may_not_exceed_dots_per_person(app, admin):
    response = save(admin, dots_per_person=3, dots_per_action=4)
    assert response.status_code == 422
    assert "At most the dots per person." in response.get_data(as_text=True)
    for bad in ({"dots_per_person": 0}, {"dots_per_person": 51}, {"dots_per_action": "veel"}):
        assert save(admin, **bad).status_code == 422, bad
    assert PluginSetting.select().count() == 0
    assert save(admin, dots_per_person=4, dots_per_action=4).status_code == 303
    with app.test_request_context():
        found = workshop_settings()
    assert (found.dots_per_person, found.dots_per_action) == (4, 4)


def test_a_consultations_own_values_win(app, admin):
    first, second = helpers.consultation(), helpers.consultation()
    assert save(admin, dots_per_person=8, dots_per_action=2).status_code == 303
    own = f"{URL}?consultation={first.id}"
    assert save(admin, own, dots_per_person=2, dots_per_action=1,
                action_owners="municipality | Gemeente | Municipality\n"
                              "province | Provincie | Province").status_code == 303
    with app.test_request_context():
        mine, other, install = (workshop_settings(first), workshop_settings(second),
                                workshop_settings())
        assert (mine.dots_per_person, mine.dots_per_action) == (2, 1)
        assert (other.dots_per_person, other.dots_per_action) == (8, 2)
        assert (install.dots_per_person, install.dots_per_action) == (8, 2)
        assert [c.code for c in mine.owners] == ["municipality", "province"]
        assert [c.code for c in other.owners] == ["municipality", "education",
                                                  "entrepreneurs", "together"]
        assert action_vocabulary(first).codes("owner") == {"municipality", "province"}
        assert mine.owners[1].label("nl") == "Provincie"
        assert mine.owners[1].label("en") == "Province"


def test_a_stored_value_that_no_longer_validates_falls_back(app):
    parent = helpers.consultation()
    PluginSetting.create(plugin="workshops", consultation=parent,
                         data={"action_kinds": "not a list", "dots_per_person": 999,
                               "dots_per_action": 9})
    with app.test_request_context():
        found = workshop_settings(parent)
    assert [c.code for c in found.kinds] == ["action", "proposal", "governance"]
    assert found.dots_per_person == 5
    assert found.dots_per_action == 5  # never above the dots per person


def test_the_action_service_takes_the_configured_kinds_and_owners(app, admin, setting):
    parent = setting["consultation"]
    own = f"{URL}?consultation={parent.id}"
    assert save(admin, own, action_kinds="study | Onderzoek | Study\n"
                                         "action | Actie | Action",
                action_owners="region | Regio | Region").status_code == 303
    ws, insight = setting["workshop"].id, setting["insights"][0].id
    with app.test_request_context():
        ident = board.draft_action(ws, ActionInput(title="Onderzoek", kind="study",
                                                   owner="region"), [insight])
        stored = Action.get_by_id(ident)
        assert (stored.kind, stored.owner) == ("study", "region")
        for refused_field, data in (
                ("kind", ActionInput(title="Voorstel", kind="proposal", owner="region")),
                ("owner", ActionInput(title="Gemeente", kind="action", owner="municipality"))):
            with pytest.raises(ActionError) as refused:
                board.draft_action(ws, data, [insight])
            assert refused.value.field == refused_field
            with pytest.raises(ActionError) as refused:
                update_action(ident, data)
            assert refused.value.field == refused_field
        # Another consultation keeps the default lists.
        elsewhere = helpers.consultation()
        made = create_action(elsewhere.id, ActionInput(title="Gewoon", kind="proposal",
                                                       owner="municipality"))
        assert made.kind == "proposal"
        with pytest.raises(ActionError):
            create_action(elsewhere.id, ActionInput(title="Regio", owner="region"))
    assert Action.select().count() == 2
