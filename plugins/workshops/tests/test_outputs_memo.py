"""The memo's "What we do with it" on the hand-made board (tests/outputs_world.py):
counts only, in the memo's language, nothing for a consultation without workshops."""

from __future__ import annotations

from flask_babel import force_locale

from consultplatform.api import MemoSection, StaffUser, plugin_registry
from consultplatform_workshops.outputs import memo_sections

from . import helpers, outputs_world


def section(app, consultation) -> MemoSection:
    with app.test_request_context(), force_locale("en"):
        (found,) = memo_sections(consultation)
        return MemoSection(found.key, str(found.title), found.order, list(found.paragraphs),
                           [[str(cell) for cell in row] for row in found.table or []])


def test_the_actions_per_theme_and_owner_and_the_fates_in_counts(app, setting):
    world = outputs_world.build(app, setting)
    memo = section(app, setting["consultation"])
    assert (memo.key, memo.title, memo.order) == ("workshops", "What we do with it", 50)
    assert memo.paragraphs == [
        "1 workshop was held with municipal and education staff. They drafted 3 actions.",
        "Per kind: Action 2; Proposal 1.",
        "Of the 6 insights, 3 are taken up by an action, 1 were set aside and 2 are still open.",
        "Set aside, per reason: Out of scope 1.",
        "The draft agenda has 1 item."]
    # Under the themes of the insights each action takes up; "Leeg" takes up none.
    assert memo.table == [["Theme", "Municipality", "Education", "Total"],
                          ["Arbeidsmarkt", "1", "0", "1"],
                          ["Huisvesting", "0", "1", "1"],
                          ["Without a theme", "1", "0", "1"],
                          ["Actions (each once)", "2", "1", "3"]]
    text = " ".join(memo.paragraphs) + str(memo.table)
    for staff in StaffUser.select():
        assert staff.name not in text and staff.email not in text
    assert "Banenloket" not in text  # counts, not the working texts
    assert world.jobs


def test_merged_and_dropped_actions_are_not_counted(app, setting):
    from consultplatform_workshops import board_services as board

    world = outputs_world.build(app, setting)
    with app.test_request_context():
        board.merge(setting["workshop"].id, world.jobs, world.rooms)
    memo = section(app, setting["consultation"])
    assert "They drafted 2 actions." in memo.paragraphs[0]
    # "Banenloket" now takes up insights of both themes.
    assert memo.table == [["Theme", "Municipality", "Total"], ["Arbeidsmarkt", "1", "1"],
                          ["Huisvesting", "1", "1"], ["Without a theme", "1", "1"],
                          ["Actions (each once)", "2", "2"]]


def test_the_hook_places_it_after_what_entrepreneurs_said(app, setting):
    outputs_world.build(app, setting)
    with app.test_request_context():
        found = {s.key: s.order for _plugin, sections in plugin_registry().results(
            "cp_memo_sections", consultation=setting["consultation"]) for s in sections}
    assert found["workshops"] == 50  # the Expertarena's section is 40, who took part 80


def test_nothing_without_workshops_or_without_results(app, setting):
    assert section_or_none(app, helpers.factories.consultation(formats=["general"])) == []
    assert section_or_none(app, setting["consultation"]) == []  # nothing done yet


def section_or_none(app, consultation) -> list:
    with app.test_request_context():
        return memo_sections(consultation)
