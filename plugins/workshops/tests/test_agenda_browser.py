"""The draft agenda, an item's provenance and the coverage view in a real browser
(Debian's Chromium through Playwright): axe-core finds no WCAG 2.1 A/AA
violations, in Dutch and in English, with no consultation chosen, with the
hand-made world chosen (agenda_world.py), and with a form sent back with errors.
The fixtures (browser, live server with demo data, page) come from
tests/browser/conftest.py; the world is written into the live server's database."""

from __future__ import annotations

import pytest

from consultplatform.testing import make_staff

from . import agenda_world

# The core's browser fixtures live in the repository's tests/ (on the path when pytest
# runs from the repository root, as `make test` does; this plugin's own pytest
# settings do not put it there).
_fixtures = pytest.importorskip("tests.browser.conftest", reason="run from the repository root")
_helpers = pytest.importorskip("tests.browser.helpers")
browser, live_server, page = _fixtures.browser, _fixtures.live_server, _fixtures.page
PASSWORD, Axe = _helpers.PASSWORD, _helpers.Axe
keyboard_login, switch_language = _helpers.keyboard_login, _helpers.switch_language
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser

AGENDA, COVERAGE = "/admin/draft-agenda/", "/admin/coverage/"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_agenda_provenance_and_coverage_have_no_axe_violations(app, page, lang):
    with app.test_request_context():
        world = agenda_world.build()
    user = make_staff("admin", password=PASSWORD)
    page.goto("/auth/login")
    keyboard_login(page, user.email, PASSWORD)
    page.wait_for_url("**/admin/")
    if lang != "nl":
        switch_language(page, lang)
    axe = Axe(page, lang)
    for url, label in ((AGENDA, "draft agenda"), (COVERAGE, "coverage")):
        response = page.goto(url)
        assert response is not None and response.status == 200
        axe.check(f"{label}, no consultation chosen")
    page.select_option("#cp-workspace-choice", value=str(world.consultation.id))
    with page.expect_navigation():
        page.click("form.cp-workspace button[type=submit]")
    page.goto(AGENDA)
    expect(page.locator(f"#item-{world.items['work'].id}")).to_be_visible()
    axe.check("draft agenda")
    # A new item without a title: the page again, the error summary at the top of the form.
    page.fill("#text", "Getypte tekst")
    with page.expect_navigation():
        page.locator("#new-item-title ~ form button[type=submit]").click()
    expect(page.locator("#new-item-problems")).to_be_visible()
    expect(page.locator("#title")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#text")).to_have_value("Getypte tekst")
    axe.check("draft agenda, a new item without title")
    # Moving an action down, by keyboard: the button is reached and pressed.
    jobs = world.actions["jobs"]
    button = page.locator(f"#item-{world.items['work'].id}-action-{jobs.id} button[value=down]")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(f"#item-{world.items['work'].id} .cp-agenda-actions li").last) \
        .to_contain_text("Banenloket")
    page.goto(f"{AGENDA}item/{world.items['work'].id}/edit")
    axe.check("agenda item, change")
    page.goto(f"{AGENDA}item/{world.items['work'].id}/")
    expect(page.locator("table.cp-provenance-people")).to_be_visible()
    axe.check("agenda item, provenance")
    page.goto(COVERAGE)
    expect(page.locator("table.cp-coverage-grid")).to_be_visible()
    axe.check("coverage")
    page.goto(f"{COVERAGE}?theme=0&sector=none")
    axe.check("coverage, one cell")
    axe.assert_clean()
