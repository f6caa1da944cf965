"""The Workshops page and a workshop's preparation in a real browser (Debian's
Chromium through Playwright): axe-core finds no WCAG 2.1 A/AA violations with no
consultation chosen, with one chosen, on the preparation, and on the preparation
sent back with an error, in Dutch and in English; the preparation is done with the
keyboard alone. The fixtures (browser, live server with demo data, page) come from
tests/browser/conftest.py."""

from __future__ import annotations

import pytest

from consultplatform.api import Consultation, Theme
from consultplatform.testing import factories, make_staff
from consultplatform_workshops.models import WorkshopsScope, WorkshopsWorkshop
from tests.browser.conftest import browser, live_server, page  # noqa: F401 - fixtures
from tests.browser.helpers import PASSWORD, Axe, focused, keyboard_login, switch_language

from . import helpers

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser


def a_workshop(facilitator):
    """A workshop in the demo consultation (it gets the format), with a theme and an arena."""
    demo = Consultation.select().order_by(Consultation.id).first()
    demo.formats = sorted({*(demo.formats or []), "workshop"})
    demo.save()
    if not Theme.select().where(Theme.consultation == demo).exists():
        helpers.themes(demo, "Arbeidsmarkt")
    arena = helpers.arena(demo, factories.sector(demo, "Werkplaatssector"), title="Arena x")
    helpers.insight(arena, None, "barrieres", (), 1, "Een inzicht")
    return demo, helpers.workshop(demo, facilitator)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_workshop_pages_have_no_axe_violations(page, lang):  # noqa: F811 - the fixture
    facilitator = make_staff("admin", password=PASSWORD)
    page.goto("/auth/login")
    keyboard_login(page, facilitator.email, PASSWORD)
    page.wait_for_url("**/admin/")
    if lang != "nl":
        switch_language(page, lang)
    axe = Axe(page, lang)
    response = page.goto("/admin/workshops/")
    assert response is not None and response.status == 200
    axe.check("workshops, no consultation chosen")

    demo, workshop = a_workshop(facilitator)
    page.select_option("#cp-workspace-choice", value=str(demo.id))
    with page.expect_navigation():
        page.click("form.cp-workspace button[type=submit]")
    page.goto("/admin/workshops/")
    expect(page.locator("table.cp-workshops tbody tr").first).to_be_visible()
    axe.check("workshops")

    prepare = f"/admin/workshops/{workshop.id}/voorbereiden"
    with page.expect_navigation():
        page.locator(f'a[href="{prepare}"]').click()
    axe.check("prepare")
    # Too long a question: the page again, 400, the error at the field, the text kept.
    page.fill("#question", "x" * 501)
    page.locator("#themes-0").check()
    with page.expect_navigation() as sent:
        page.locator("form.cp-prepare button[type=submit]").click()
    assert sent.value.status == 400
    expect(page.locator("#question")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#themes-0")).to_be_checked()
    expect(page.locator("#question")).to_have_value("x" * 501)
    axe.check("prepare, question too long")
    axe.assert_clean()


def test_a_workshop_is_prepared_with_the_keyboard_alone(page):  # noqa: F811 - the fixture
    facilitator = make_staff("moderator", password=PASSWORD)
    _demo, workshop = a_workshop(facilitator)
    page.goto("/auth/login")
    keyboard_login(page, facilitator.email, PASSWORD)
    page.goto(f"/admin/workshops/{workshop.id}/voorbereiden")
    page.locator("#question").focus()
    page.keyboard.type("Wat doen we aan de barrières op de arbeidsmarkt?")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "themes-0", focused(page)
    page.keyboard.press("Space")
    assert focused(page)["checked"] is True
    # On to the submit button: Tab past every other checkbox.
    for _ in range(200):
        page.keyboard.press("Tab")
        if focused(page)["type"] == "submit":
            break
    assert focused(page)["type"] == "submit", focused(page)
    with page.expect_navigation() as sent:
        page.keyboard.press("Enter")
    assert sent.value.ok
    expect(page.locator(".cp-messages .alert-success")).to_be_visible()
    assert WorkshopsWorkshop.get(WorkshopsWorkshop.session == workshop.id).question == \
        "Wat doen we aan de barrières op de arbeidsmarkt?"
    assert WorkshopsScope.select().where((WorkshopsScope.session == workshop.id)
                                         & (WorkshopsScope.kind == "theme")).count() == 1
