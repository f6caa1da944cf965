"""The workshop board in a real browser (Debian's Chromium through Playwright),
driven by the keyboard alone: a facilitator selects two insights and drafts an
action from them; a second participant, in another browser context, sees it
appear within five seconds without reloading (and what they are typing stays
when the board changes under them); both put a dot on it; the
facilitator merges another action into it, and the links of both survive.
And axe-core finds no WCAG 2.1 A/AA violation on the board, in Dutch and English.
The fixtures (browser, live server with the demo data) come from tests/browser/conftest.py."""

from __future__ import annotations

import time

import pytest

from consultplatform.api import (
    Action,
    ActionInput,
    Consultation,
    ConsultationSession,
    Insight,
    InsightAction,
)
from consultplatform.testing import make_staff
from consultplatform_workshops import board_services as services
from consultplatform_workshops.models import WorkshopsDot, WorkshopsMember
from tests.browser.conftest import browser, live_server  # noqa: F401 - fixtures
from tests.browser.helpers import PASSWORD, Axe, focused, keyboard_login, switch_language

from . import helpers

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser

# Tab presses allowed to reach an element (the board is long: two stops per card).
MAX_TABS = 600


def tab_to(page, wanted, *, backwards: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until ``wanted(focused element)`` holds."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        now = focused(page)
        if wanted(now):
            return now
    raise AssertionError(f"not reached by the keyboard; the focus is on {focused(page)}")


def tab_to_id(page, element_id: str) -> dict:
    return tab_to(page, lambda el: el["id"] == element_id)


def open_context(browser, live_server):  # noqa: F811 - the fixtures
    context = browser.new_context(base_url=live_server, bypass_csp=True)
    context.set_default_timeout(15_000)
    return context


def log_in(page, user) -> None:
    page.goto("/auth/login")
    keyboard_login(page, user.email, PASSWORD)
    page.wait_for_url("**/admin/**")


def a_workshop(facilitator, member) -> tuple[ConsultationSession, list[Insight], int]:
    """A workshop on the demo consultation (the board shows its insights), with one
    action already on it: the one the new action will be merged with."""
    demo = Consultation.select().order_by(Consultation.id).first()
    workshop = helpers.workshop(demo, facilitator, title="Werkplaats toets")
    WorkshopsMember.create(session=workshop, staff=member)
    insights = list(Insight.select().join(ConsultationSession)
                    .where(ConsultationSession.consultation == demo.id)
                    .order_by(Insight.id).limit(6))
    assert len(insights) >= 4, "the demo has insights"
    # The demo gives every insight a fate (answered or set aside): these start open again.
    ids = [insight.id for insight in insights]
    InsightAction.delete().where(InsightAction.insight.in_(ids)).execute()
    Insight.update(set_aside_reason="", set_aside_note="", set_aside_at=None,
                   set_aside_by=None).where(Insight.id.in_(ids)).execute()
    from flask import current_app

    with current_app.test_request_context():
        other = services.draft_action(workshop.id, ActionInput(title="Bestaande actie"),
                                      [insights[-1].id])
    return workshop, insights, other


def links_of(action_id: int) -> set[int]:
    return {row.insight_id for row in InsightAction.select().where(
        InsightAction.action == action_id)}


def test_two_people_work_on_one_board_by_keyboard(app, browser, live_server):  # noqa: F811
    facilitator = make_staff("moderator", password=PASSWORD)
    member = make_staff("viewer", password=PASSWORD)
    with app.app_context():
        workshop, _insights, other = a_workshop(facilitator, member)
    url = f"/admin/workshop-board/{workshop.id}/"
    first_context, second_context = (open_context(browser, live_server),
                                      open_context(browser, live_server))
    try:
        lead, second = first_context.new_page(), second_context.new_page()
        log_in(lead, facilitator)
        log_in(second, member)
        second.goto(url)
        lead.goto(url)
        # Two insights ticked with the space bar.
        picked = []
        for _ in range(2):
            box = tab_to(lead, lambda el: el["id"].startswith("pick-")
                         and el["value"] not in picked)
            lead.keyboard.press("Space")
            assert focused(lead)["checked"] is True
            picked.append(box["value"])
        # The draft form, reached through the board's own jump link.
        tab_to(lead, lambda el: el["href"] == "#selection-title", backwards=True)
        lead.keyboard.press("Enter")
        tab_to_id(lead, "selection-title-field")
        lead.keyboard.type("Samen een banenloket")
        lead.keyboard.press("Tab")
        assert focused(lead)["id"] == "selection-department"
        lead.keyboard.type("Economische zaken")
        with lead.expect_navigation():
            lead.keyboard.press("Enter")
        made = Action.get(Action.title == "Samen een banenloket")
        drafted_at = time.monotonic()
        assert links_of(made.id) == {int(value) for value in picked}
        assert lead.url.endswith(f"#action-{made.id}")
        assert focused(lead)["id"] == f"action-{made.id}"  # the keyboard goes on from there
        # The other participant sees it without reloading, within five seconds.
        expect(second.locator(f"#action-{made.id}")).to_be_visible(timeout=5_000)
        assert time.monotonic() - drafted_at < 5
        # The second participant starts editing the other action; the facilitator's dot
        # changes the board under them: what they typed and their focus stay.
        tab_to_id(second, f"edit-{other}-toggle")
        second.keyboard.press("Enter")
        tab_to_id(second, f"edit-{other}-title")
        second.keyboard.press("End")
        second.keyboard.type(" en meer")
        tab_to_id(lead, f"dot-add-{made.id}")
        with lead.expect_navigation():
            lead.keyboard.press("Enter")
        expect(second.locator(f"#dots-{made.id}")).to_contain_text("1", timeout=5_000)
        expect(second.locator("#board-live")).not_to_be_empty()
        assert focused(second)["id"] == f"edit-{other}-title"
        assert focused(second)["value"] == "Bestaande actie en meer"
        # Then they put their own dot on the new action.
        tab_to_id(second, f"dot-add-{made.id}")
        with second.expect_navigation():
            second.keyboard.press("Enter")
        dots = {(d.voter_id, d.dots) for d in WorkshopsDot.select().where(
            WorkshopsDot.action == made.id)}
        assert dots == {(facilitator.id, 1), (member.id, 1)}
        expect(lead.locator(f"#dots-{made.id}")).to_contain_text("2")
        # The second participant starts editing the other action again...
        tab_to_id(second, f"edit-{other}-toggle")
        second.keyboard.press("Enter")
        tab_to_id(second, f"edit-{other}-title")
        second.keyboard.type("Mijn ")
        # ...and the facilitator merges the other action into the new one.
        before = links_of(made.id) | links_of(other)
        tab_to_id(lead, f"merge-{made.id}-toggle")
        lead.keyboard.press("Enter")
        lead.keyboard.press("Tab")
        assert focused(lead)["id"] == f"merge-{made.id}-other"
        lead.keyboard.press("ArrowDown")
        assert focused(lead)["value"] == str(other)
        lead.keyboard.press("Tab")
        with lead.expect_navigation():
            lead.keyboard.press("Enter")
        assert links_of(made.id) == before
        kinds = {row.insight_id: row.kind for row in InsightAction.select().where(
            InsightAction.action == made.id)}
        assert {kinds[int(v)] for v in picked} == {"answers"}
        assert Action.get_by_id(other).status == "merged"
        # The second participant's board waits, says why, and keeps what they typed.
        gone = second.locator("#board-region").get_attribute("data-gone")
        expect(second.locator("#board-live")).to_have_text(gone, timeout=5_000)
        assert focused(second)["value"].startswith("Mijn ")
        # Once they leave (reload), the merged action is gone from their board.
        second.reload()
        expect(second.locator(f"#action-{other}")).to_have_count(0)
        expect(second.locator(f"#action-{made.id}")).to_be_visible()
    finally:
        first_context.close()
        second_context.close()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_board_has_no_axe_violations(app, browser, live_server, lang):  # noqa: F811
    facilitator = make_staff("moderator", password=PASSWORD)
    member = make_staff("viewer", password=PASSWORD)
    with app.app_context():
        workshop, insights, other = a_workshop(facilitator, member)
        from flask import current_app

        with current_app.test_request_context():
            services.set_insight_aside(workshop.id, insights[1].id, "other", "Landelijk")
            services.add_dot(workshop.id, facilitator.id, other)
    context = open_context(browser, live_server)
    try:
        page = context.new_page()
        log_in(page, facilitator)
        if lang != "nl":
            switch_language(page, lang)
        axe = Axe(page, lang)
        response = page.goto(f"/admin/workshop-board/{workshop.id}/")
        assert response is not None and response.status == 200
        axe.check("board")
        for toggle in (f"edit-{other}-toggle", f"split-{other}-toggle"):
            page.locator(f"#{toggle}").press("Enter")
        page.locator("summary[id^=aside-]").first.press("Enter")
        axe.check("board, forms open")
        # A form sent back with an error: the message at the field.
        page.locator("#draft-submit").press("Enter")
        page.wait_for_load_state()
        expect(page.locator("#selection-insight-error")).to_be_visible()
        axe.check("board, a refused draft")
        axe.assert_clean()
    finally:
        context.close()


def test_the_board_works_without_javascript(app, browser, live_server):  # noqa: F811
    """The same forms, sent by the keyboard with the script off: the page comes back
    with the message and the new action, the filters kept."""
    facilitator = make_staff("moderator", password=PASSWORD)
    member = make_staff("viewer", password=PASSWORD)
    with app.app_context():
        workshop, _insights, _other = a_workshop(facilitator, member)
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        log_in(page, facilitator)
        page.goto(f"/admin/workshop-board/{workshop.id}/?state=open")
        box = tab_to(page, lambda el: el["id"].startswith("pick-"))
        page.keyboard.press("Space")
        tab_to_id(page, "selection-title-field")
        page.keyboard.type("Zonder script")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        made = Action.get(Action.title == "Zonder script")
        assert links_of(made.id) == {int(box["value"])}
        assert "state=open" in page.url
        expect(page.locator(".cp-messages .alert-success")).to_have_count(1)
        expect(page.locator(f"#action-{made.id}")).to_be_visible()
        tab_to_id(page, f"dot-add-{made.id}")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.locator(f"#dots-{made.id}")).to_contain_text("1")
    finally:
        context.close()
