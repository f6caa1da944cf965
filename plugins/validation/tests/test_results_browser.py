"""The results, decisions and public pages in a real browser (Debian's Chromium
through Playwright): axe-core finds no WCAG 2.1 A/AA violation, in Dutch and in
English, on the results before and after closing, the decisions page (also with a
refused form), the public "what we did" page and the consultation's page with its
link. The hand-made round (results_world.py) is written into the live server's
database."""

from __future__ import annotations

import pytest

from consultplatform.testing import make_staff
from consultplatform_validation.decisions import DecisionInput, decide
from consultplatform_validation.rounds import close_round

from . import results_world

_fixtures = pytest.importorskip("tests.browser.conftest", reason="run from the repository root")
_helpers = pytest.importorskip("tests.browser.helpers")
browser, live_server, page = _fixtures.browser, _fixtures.live_server, _fixtures.page
PASSWORD, Axe = _helpers.PASSWORD, _helpers.Axe
keyboard_login, switch_language = _helpers.keyboard_login, _helpers.switch_language
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser


def choose(page, consultation) -> None:
    page.select_option("#cp-workspace-choice", value=str(consultation.id))
    with page.expect_navigation():
        page.click("form.cp-workspace button[type=submit]")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_results_decisions_and_public_pages_have_no_axe_violations(app, page, lang):
    made = results_world.build(app)
    with app.test_request_context():
        results_world.add_provenance(made)
    user = make_staff("admin", password=PASSWORD)
    page.goto("/auth/login")
    keyboard_login(page, user.email, PASSWORD)
    page.wait_for_url("**/admin/")
    if lang != "nl":
        switch_language(page, lang)
    axe = Axe(page, lang)
    choose(page, made["consultation"])
    round_id = made["round"].id
    results = f"/admin/validation-results/{round_id}/"
    assert page.goto("/admin/validation-results/").status == 200
    axe.check("the list of rounds")
    assert page.goto(results).status == 200
    axe.check("results before closing (turnout)")

    with app.test_request_context():
        close_round(round_id)
    assert page.goto(results).status == 200
    expect(page.locator(f"#table-{made['items'][0].id}")).to_be_visible()
    expect(page.locator("svg[role=img]").first).to_be_visible()
    axe.check("results after closing")
    page.locator("details summary").first.click()
    axe.check("results, texts open")

    decisions = f"/admin/validation-decisions/{round_id}/"
    assert page.goto(decisions).status == 200
    axe.check("decisions")
    first = made["items"][0].id
    page.check(f"#item-{first}-decision-1")  # amended, with no reason
    with page.expect_navigation():
        page.locator(f"form[action$='/item/{first}'] button[type=submit]").click()
    expect(page.locator(f"#item-{first}-reason-error")).to_be_visible()
    expect(page.locator(f"#item-{first}-reason")).to_have_attribute("aria-invalid", "true")
    axe.check("decisions, a refused decision")
    with page.expect_navigation():
        page.locator("#mail button[type=submit]").click()
    expect(page.locator("#mail-confirm-error, #confirm-error")).to_be_visible()
    axe.check("decisions, the mail not confirmed")

    with app.test_request_context():
        decide(round_id, first, DecisionInput("adopted", "Breed gedragen"))
        decide(round_id, made["items"][1].id, DecisionInput(
            "amended", "Starters", new_title="Woningen voor werknemers en starters"))
    slug = made["consultation"].slug
    assert page.goto(f"/c/{slug}/wat-we-ermee-deden").status == 200
    expect(page.locator("h1")).to_be_visible()
    axe.check("what we did with your input")
    assert page.goto(f"/c/{slug}").status == 200
    expect(page.locator(f"a[href='/c/{slug}/wat-we-ermee-deden']")).to_be_visible()
    axe.check("the consultation's page with the link")
    axe.assert_clean()
