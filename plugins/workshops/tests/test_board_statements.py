"""The board page, its region (what the script swaps in) and its state endpoint run
as many SQL statements with 10,000 insights as with 100: the columns come from one
windowed query, the actions' links and dots from one query each, never a query per
card or per action."""

from __future__ import annotations

import pytest

from consultplatform.api import ActionInput
from consultplatform.testing import assert_flat_statements
from consultplatform_workshops import board_services as services

from . import helpers


@pytest.fixture
def hundred(app, setting):
    """The setting's four insights and 96 more, two actions with links and dots."""
    farm_arena = setting["arenas"][0]
    themes = [setting["labour"], setting["housing"]]
    helpers.many_insights(farm_arena, setting["farm"], themes, 96)
    ws = setting["workshop"].id
    ids = [insight.id for insight in setting["insights"]]
    with app.test_request_context():
        first = services.draft_action(ws, ActionInput(title="Loket"), ids[:2])
        services.draft_action(ws, ActionInput(title="Kamers"), ids[2:])
        services.add_dot(ws, setting["facilitator"].id, first)
    return setting


def grow(setting):
    def more() -> None:
        helpers.many_insights(setting["arenas"][1], setting["shop"],
                              [setting["labour"], setting["housing"]], 9_900)
    return more


@pytest.mark.parametrize("query", ["", "?state=open", "?category=barrieres"])
def test_the_board_is_flat(hundred, query):
    url = f"/admin/workshop-board/{hundred['workshop'].id}/{query}"
    assert_flat_statements(hundred["client"], url, grow(hundred))


def test_the_region_is_flat(hundred):
    url = f"/admin/workshop-board/{hundred['workshop'].id}/region?state=open"
    assert_flat_statements(hundred["client"], url, grow(hundred))


def test_the_state_is_flat(hundred):
    url = f"/admin/workshop-board/{hundred['workshop'].id}/state"
    count = assert_flat_statements(hundred["client"], url, grow(hundred))
    assert count <= 8
