"""Every GET page of the workshops plugin has a statement-count test at two sizes:
the board's in test_board_statements.py, the list's and preparation's in
test_workshops_statements.py, the agenda's, an item's and coverage in
test_agenda_statements.py. A new page without one fails here."""

from __future__ import annotations

from consultplatform.testing import assert_flat_statements
from consultplatform.testing.pages import assert_all_covered

from . import helpers

COUNTED = {
    # test_board_statements.py
    "workshops_board.board", "workshops_board.region", "workshops_board.state",
    # below: the board's root, which only says where the boards are (404)
    "workshops_board.index",
    # test_workshops_statements.py
    "workshops_list.index", "workshops_list.prepare",
    # test_agenda_statements.py
    "workshops_agenda.index", "workshops_agenda.item", "workshops_agenda.edit",
    "workshops_coverage.index",
}


def test_every_page_of_the_plugin_has_a_statement_count_test(app):
    assert_all_covered(app, COUNTED, "workshops")


def test_the_board_root_is_a_404_that_reads_nothing_more_with_more_data(setting):
    arena = setting["arenas"][0]
    assert_flat_statements(
        setting["client"], "/admin/workshop-board/",
        lambda: helpers.many_insights(arena, setting["farm"], [setting["labour"]], 9_900),
        status=404)
