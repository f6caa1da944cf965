"""The ballot and the room in a real browser (Debian's Chromium through Playwright)
on a phone-sized window: a participant votes on every item with the keyboard
alone (Tab, Space, the arrow keys of a radio group, Enter), is stopped by a
missing reason, changes one verdict, and after the round closes the stored
ballots and the frozen results show the change. axe-core finds no WCAG 2.1 A/AA
violation on the ballot (empty, with errors, done) or the room's pages, in Dutch
and in English. The fixtures come from tests/browser/conftest.py."""

from __future__ import annotations

import pytest

from consultplatform_validation.models import ValidationBallot, ValidationRound
from consultplatform_validation.rounds import close_round
from tests.browser.conftest import browser, live_server  # noqa: F401 - fixtures
from tests.browser.helpers import Axe, focused, switch_language

from . import world as worlds
from .ballot_helpers import put_to_vote

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
MAX_TABS = 120


def phone(browser, live_server):  # noqa: F811 - the fixtures
    context = browser.new_context(base_url=live_server, bypass_csp=True, viewport=PHONE,
                                  is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    return context


def tab_to(page, wanted) -> dict:
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        now = focused(page)
        if wanted(now):
            return now
    raise AssertionError(f"not reached by the keyboard; the focus is on {focused(page)}")


def save(page, item) -> None:
    """Tab from the item's fields to its own save button, press Enter, wait for the page."""
    tab_to(page, lambda el: el["tag"] == "button" and "ballot-save" in el["cls"])
    with page.expect_navigation():
        page.keyboard.press("Enter")


def choose(page, item, steps: int) -> None:
    """Tab to the item's verdicts, move ``steps`` down the radio group, Space to choose."""
    tab_to(page, lambda el: el["name"] == "verdict" and el["id"].startswith(f"item{item.id}-"))
    for _ in range(steps):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    assert focused(page)["checked"] is True


def in_language(page, url: str, lang: str) -> None:
    page.goto(url)
    if page.locator("html").get_attribute("lang") != lang:
        switch_language(page, lang)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_participant_votes_on_a_phone_with_the_keyboard_alone(app, browser, live_server,  # noqa: F811
                                                                 lang):
    made = worlds.open_round_for(app, worlds.consultation_with_people(per_sector=2, public=1))
    round_id, items = made["round"].id, made["items"]
    voter = made["voters"][0]
    axe_context = phone(browser, live_server)
    try:
        page = axe_context.new_page()
        axe = Axe(page, lang)
        in_language(page, f"/toetsing/{voter.token}", lang)
        expect(page.locator("#progress")).to_contain_text("0")
        axe.check("ballot, empty")
        # The first item: "disagree" without a reason is stopped at the field.
        choose(page, items[0], 2)
        save(page, items[0])
        expect(page.locator(f"#item{items[0].id}-reason-error")).to_be_visible()
        axe.check("ballot, with errors")
        tab_to(page, lambda el: el["id"] == f"item{items[0].id}-reason")
        page.keyboard.type("Te duur voor kleine bedrijven")
        save(page, items[0])
        # The others: "agree".
        for item in items[1:]:
            choose(page, item, 0)
            save(page, item)
        expect(page.locator("#progress")).to_contain_text("3")
        expect(page.locator(".ballot-done")).to_be_visible()
        axe.check("ballot, done")
        # A change of mind on the second item: "agree with changes", with a reason.
        page.goto(f"/toetsing/{voter.token}#item-{items[1].id}")
        choose(page, items[1], 1)
        tab_to(page, lambda el: el["id"] == f"item{items[1].id}-reason")
        page.keyboard.type("Alleen met kortere tekst")
        save(page, items[1])
        expect(page.locator(f"#item-{items[1].id} .ballot-saved")).to_be_visible()
        axe.assert_clean()
    finally:
        axe_context.close()
    with app.test_request_context():
        close_round(round_id)
    stored = {b.item_id: (b.verdict, b.reason, b.channel) for b in
              ValidationBallot.select().where(ValidationBallot.voter == voter.id)}
    assert stored == {items[0].id: ("disagree", "Te duur voor kleine bedrijven", "online"),
                      items[1].id: ("agree_changes", "Alleen met kortere tekst", "online"),
                      items[2].id: ("agree", "", "online")}
    assert ValidationRound.get_by_id(round_id).results["ballots"] == 3


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_room_pages_have_no_axe_violations(app, browser, live_server, lang):  # noqa: F811
    world = worlds.consultation_with_people(per_sector=2, public=1)
    made = worlds.open_round_for(app, world)
    round_, items, voter = made["round"], made["items"], made["voters"][0]
    room = f"/stem/{round_.room_code.lower()}"
    known, unknown = phone(browser, live_server), phone(browser, live_server)
    try:
        page = known.new_page()
        axe = Axe(page, lang)
        in_language(page, f"/toetsing/{voter.token}", lang)
        put_to_vote(round_, None)
        page.goto(room)
        expect(page.locator(".room-waiting")).to_be_visible()
        axe.check("room, waiting")
        put_to_vote(round_, items[1])
        page.goto(room)
        axe.check("room, the item's form")
        choose(page, items[1], 2)
        save(page, items[1])
        expect(page.locator(f"#item{items[1].id}-reason-error")).to_be_visible()
        axe.check("room, with errors")
        tab_to(page, lambda el: el["id"] == f"item{items[1].id}-reason")
        page.keyboard.type("Niet haalbaar")
        save(page, items[1])
        expect(page.locator(".ballot-given")).to_be_visible()
        axe.check("room, voted")
        # The presenter moves on: the waiting page's script brings the next item.
        put_to_vote(round_, items[2])
        expect(page.locator(f"#item{items[2].id}-verdict-0")).to_be_visible(timeout=10_000)
        other = unknown.new_page()
        other_axe = Axe(other, lang)
        in_language(other, room, lang)
        other_axe.check("room, link form")
        tab_to(other, lambda el: el["tag"] == "button" and "ballot-save" in el["cls"])
        with other.expect_navigation():
            other.keyboard.press("Enter")
        expect(other.locator("#email-error")).to_be_visible()
        other_axe.check("room, link form with errors")
        tab_to(other, lambda el: el["name"] == "email")
        other.keyboard.type(world["people"][0].email)
        tab_to(other, lambda el: el["tag"] == "button" and "ballot-save" in el["cls"])
        with other.expect_navigation():
            other.keyboard.press("Enter")
        other_axe.check("room, link sent")
        with app.test_request_context():
            close_round(round_.id)
        page.goto(room)
        axe.check("room, closed")
        axe.found.update(other_axe.found)
        axe.assert_clean()
    finally:
        known.close()
        unknown.close()
    stored = ValidationBallot.get(ValidationBallot.voter == voter.id)
    assert (stored.item_id, stored.verdict, stored.channel) == (items[1].id, "disagree", "room")
