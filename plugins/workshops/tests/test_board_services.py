"""The board's services on the real database: drafting, editing with a version,
linking, merging, splitting, setting aside and dots, and what they refuse."""

from __future__ import annotations

import pytest

from consultplatform.api import (
    Action,
    ActionInput,
    InsightAction,
    StaleActionError,
    close_session,
)
from consultplatform_workshops import board_services as board
from consultplatform_workshops.board import BoardFilters, load_board
from consultplatform_workshops.models import WorkshopsDot
from consultplatform_workshops.workshops import WorkshopError, WorkshopPlan, prepare_workshop


def test_draft_edit_merge_split_keep_every_link(app, setting):
    one, two, three, four = (i.id for i in setting["insights"])
    ws = setting["workshop"].id
    with app.test_request_context():
        first = board.draft_action(ws, ActionInput(title="Banenloket"), [one, three])
        second = board.draft_action(ws, ActionInput(title="Huisvesting", kind="proposal"), [two])
        board.save_action(ws, first, ActionInput(title="Banenloket regio",
                                                 department="Economische zaken"), 1)
        with pytest.raises(StaleActionError):
            board.save_action(ws, first, ActionInput(title="Oud"), 1)
        board.merge(ws, first, second)
        links = sorted(InsightAction.select(InsightAction.insight, InsightAction.kind)
                       .where(InsightAction.action == first).tuples())
        assert links == [(one, "answers"), (two, "merges"), (three, "answers")]
        merged = Action.get_by_id(second)
        assert (merged.status, merged.merged_into_id) == ("merged", first)
        parts = board.split(ws, first, [board.SplitPart("Loket", [one, two]),
                                        board.SplitPart("Stages", [two, three])])
        assert len(parts) == 2
        assert sorted(InsightAction.select(InsightAction.insight, InsightAction.kind)
                      .where(InsightAction.action == parts[1]).tuples()) == [
            (two, "splits"), (three, "answers")]
        board.set_insight_aside(ws, four, "already_done")
        shown = load_board(setting["workshop"], BoardFilters(), None)
        states = {card.id: card.state for column in shown.columns for card in column.cards}
        assert states == {one: "answered", two: "answered", three: "answered",
                          four: "set_aside"}


def test_dots_keep_both_limits(app, setting):
    ws = setting["workshop"].id
    voter = setting["member"].id
    with app.test_request_context():
        first = board.draft_action(ws, ActionInput(title="A"), [setting["insights"][0].id])
        second = board.draft_action(ws, ActionInput(title="B"), [setting["insights"][1].id])
        for _ in range(3):
            board.add_dot(ws, voter, first)
        with pytest.raises(WorkshopError) as refused:
            board.add_dot(ws, voter, first)
        assert refused.value.status == 409
        board.add_dot(ws, voter, second)
        board.add_dot(ws, voter, second)
        with pytest.raises(WorkshopError):
            board.add_dot(ws, voter, second)  # five used
        assert board.remove_dot(ws, voter, first) == 2
        assert sum(d.dots for d in WorkshopsDot.select()) == 4


def test_refuses_what_is_not_on_the_board(app, setting):
    ws = setting["workshop"].id
    from . import helpers

    stranger_parent = helpers.consultation()
    stranger = helpers.insight(helpers.arena(stranger_parent), None)
    with app.test_request_context():
        with pytest.raises(WorkshopError) as refused:
            board.draft_action(ws, ActionInput(title="X"), [stranger.id])
        assert refused.value.field == "insights"
        prepare_workshop(ws, WorkshopPlan(question="Wat doen we aan de krapte?",
                                          theme_ids=[setting["housing"].id]))
        with pytest.raises(WorkshopError):  # labour only: out of scope now
            board.draft_action(ws, ActionInput(title="X"), [setting["insights"][0].id])
        with pytest.raises(WorkshopError) as refused:
            board.set_insight_aside(ws, setting["insights"][1].id, "nonsense")
        assert refused.value.field == "reason"
        close_session(ws)
        with pytest.raises(WorkshopError) as refused:
            board.draft_action(ws, ActionInput(title="X"), [setting["insights"][1].id])
        assert refused.value.status == 409
