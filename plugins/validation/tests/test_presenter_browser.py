"""The presenter in a real browser (Debian's Chromium through Playwright): the
moderator advances to the first item by keyboard, a second staff tab opens voting
(the first screen follows by its poll), ballots cast meanwhile in the room show as
the live count within five seconds (one of them from a phone: a browser context of
its own, voting by the room's short address), and revealing shows the counts. And axe-core
finds no WCAG 2.1 A/AA violation on the rounds list, a round, the paper entry and
the presenter, in Dutch and English. Fixtures: tests/browser/conftest.py."""

from __future__ import annotations

import time

import pytest

from consultplatform.testing import make_staff
from consultplatform_validation.models import ValidationBallot, ValidationItem
from tests.browser.conftest import browser, live_server  # noqa: F401 - fixtures
from tests.browser.helpers import PASSWORD, Axe, keyboard_login, switch_language

from . import world as worlds

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser


def open_context(browser, live_server):  # noqa: F811 - the fixtures
    context = browser.new_context(base_url=live_server, bypass_csp=True)
    context.set_default_timeout(15_000)
    return context


def log_in(page, user, consultation) -> None:
    page.goto("/auth/login")
    keyboard_login(page, user.email, PASSWORD)
    page.wait_for_url("**/admin/**")
    page.select_option("#cp-workspace-choice", str(consultation.id))
    with page.expect_navigation():
        page.locator(".cp-workspace button[type=submit]").press("Enter")


def press(page, element_id: str) -> None:
    """A control of the screen, by keyboard: focus it, press Enter, wait for the page."""
    button = page.locator(f"#{element_id}")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def a_round(app):
    with app.test_request_context():
        world = worlds.consultation_with_people()
        made = worlds.open_round_for(app, world)
    return world, made


def test_the_presenter_advances_counts_live_and_reveals(app, browser, live_server):  # noqa: F811
    world, made = a_round(app)
    round_ = made["round"]
    lead_user, second_user = make_staff("admin", password=PASSWORD), make_staff(
        "moderator", password=PASSWORD)
    world["session"].moderator = second_user
    world["session"].save()
    url = f"/admin/validation-presenter/{round_.id}/"
    first_context, second_context = (open_context(browser, live_server),
                                      open_context(browser, live_server))
    phone = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844},
                                is_mobile=True, has_touch=True)
    phone.set_default_timeout(15_000)
    try:
        lead, second = first_context.new_page(), second_context.new_page()
        log_in(lead, lead_user, world["consultation"])
        log_in(second, second_user, world["consultation"])
        lead.goto(url)
        second.goto(url)
        expect(lead.locator(".presenter-code strong")).to_have_text(round_.room_code)
        expect(lead.locator(".presenter-qr-box svg")).to_have_count(1)
        press(lead, "presenter-next")
        expect(lead.locator("#presenter-title")).to_have_text("Vakmensen opleiden")
        # The second tab follows by its poll, and opens voting from there.
        expect(second.locator("#presenter-voting")).to_be_visible(timeout=5_000)
        press(second, "presenter-voting")
        expect(lead.locator("#presenter-reveal")).to_be_visible(timeout=5_000)
        # Ballots from phones in the room: two through the service, one from a phone
        # (a browser context of its own, known by its personal link, voting by the
        # room's short address); the live count follows within five seconds.
        item = ValidationItem.get(ValidationItem.round == round_.id, ValidationItem.position == 1)
        with app.app_context():
            for voter in made["voters"][:2]:
                worlds.vote(voter, item, "agree", reason="", channel="room")
        expect(lead.locator("#presenter-cast")).to_have_text("2", timeout=5_000)
        page = phone.new_page()
        page.goto(f"/toetsing/{made['voters'][2].token}")
        page.goto(f"/stem/{round_.room_code.lower()}")
        page.locator(f"#item{item.id}-verdict-2").check()  # disagree
        page.locator(f"#item{item.id}-reason").fill("te duur")
        with page.expect_navigation():
            page.locator("button.ballot-save").click()
        cast_at = time.monotonic()
        expect(lead.locator("#presenter-cast")).to_have_text("3", timeout=5_000)
        assert time.monotonic() - cast_at < 5
        expect(lead.locator("#presenter-chart")).to_have_count(0)  # no interim results
        press(lead, "presenter-reveal")
        chart = lead.locator("#presenter-chart")
        expect(chart.locator("tr[data-verdict=agree] .presenter-count")).to_have_text("2")
        expect(chart.locator("tr[data-verdict=disagree] .presenter-share")).to_have_text("33%")
        expect(second.locator("#presenter-chart")).to_be_visible(timeout=5_000)
        assert ValidationItem.get_by_id(item.id).state == "revealed"
        stored = ValidationBallot.get(ValidationBallot.item == item.id,
                                      ValidationBallot.voter == made["voters"][2].id)
        assert (stored.verdict, stored.channel) == ("disagree", "room")
    finally:
        first_context.close()
        second_context.close()
        phone.close()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_axe_violations(app, browser, live_server, lang):  # noqa: F811
    world, made = a_round(app)
    round_, voter, item = made["round"], made["voters"][0], made["items"][0]
    from consultplatform_validation.presenter import move_to, reveal, start_voting
    from consultplatform_validation.rounds import RoundInput, create_round

    with app.test_request_context():
        move_to(round_.id, 1)
        start_voting(round_.id)
        worlds.vote(voter, item, "agree", reason="", channel="room")
        reveal(round_.id)
        draft = create_round(world["consultation"].id, RoundInput(title="Later"))
    admin = make_staff("admin", password=PASSWORD)
    context = open_context(browser, live_server)
    try:
        page = context.new_page()
        log_in(page, admin, world["consultation"])
        if lang != "nl":
            switch_language(page, lang)
        axe = Axe(page, lang)
        base = "/admin/validation-rounds/"
        for label, url in (("rounds", base), ("round", f"{base}{round_.id}/"),
                           ("open a draft round", f"{base}{draft.id}/open"),
                           ("paper", f"{base}{round_.id}/paper?voter={voter.id}"),
                           ("presenter", f"/admin/validation-presenter/{round_.id}/")):
            response = page.goto(url)
            assert response is not None and response.status == 200, label
            axe.check(label)
        # Refused forms: errors at their fields.
        page.goto(f"{base}{round_.id}/paper?voter={voter.id}")
        page.locator(f"#verdict-{made['items'][1].id}-3").check()  # disagree, no reason
        with page.expect_navigation():
            page.locator("form[action*='/paper/'] button[type=submit]").press("Enter")
        expect(page.locator(f"#reason-{made['items'][1].id}-error")).to_be_visible()
        axe.check("paper, refused")
        page.goto(base)
        page.locator("#title").fill("")
        with page.expect_navigation():
            page.locator("form[action$='/new'] button[type=submit]").press("Enter")
        expect(page.locator("#title-error")).to_be_visible()
        axe.check("rounds, refused new round")
        axe.assert_clean()
    finally:
        context.close()
