"""The export page in a real browser (Debian's Chromium through Playwright): axe-core
finds no WCAG 2.1 A/AA violations on it, with the demo consultation chosen, with a
purpose form sent back with errors, and with no consultation chosen, in Dutch and
in English. The fixtures (browser, live server with demo data, page) come from
tests/browser/conftest.py."""

from __future__ import annotations

import pytest

from consultplatform.api import Consultation
from consultplatform.testing import make_staff
from tests.browser.conftest import browser, live_server, page  # noqa: F401 - fixtures
from tests.browser.helpers import PASSWORD, Axe, keyboard_login, switch_language

from . import helpers

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser


@pytest.fixture
def app(migrated, instance_dir, pytestconfig):
    with helpers.app_with_people(migrated, instance_dir, pytestconfig) as application:
        yield application


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_export_page_has_no_axe_violations(page, lang):  # noqa: F811 - the fixture
    user = make_staff("admin", password=PASSWORD)
    page.goto("/auth/login")
    keyboard_login(page, user.email, PASSWORD)
    page.wait_for_url("**/admin/")
    if lang != "nl":
        switch_language(page, lang)
    axe = Axe(page, lang)
    response = page.goto(helpers.PAGE)
    assert response is not None and response.status == 200
    axe.check("export page, no consultation chosen")
    demo = Consultation.select().order_by(Consultation.id).first()
    page.select_option("#cp-workspace-choice", value=str(demo.id))
    with page.expect_navigation():
        page.click("form.cp-workspace button[type=submit]")
    page.goto(helpers.PAGE)
    expect(page.locator("table.cp-export-datasets tbody tr").first).to_be_visible()
    axe.check("export page")
    # The purpose form sent without a purpose: the page again, the errors at the fields.
    form = page.locator(f"#purpose-{helpers.PEOPLE} form")
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()
    expect(page.locator(f"#purpose-{helpers.PEOPLE} .alert-danger")).to_be_visible()
    expect(page.locator(f"#{helpers.PEOPLE}-purpose")).to_have_attribute("aria-invalid", "true")
    axe.check("export page, purpose missing")
    # A workbook asked for: it waits for the worker (not running here), with its
    # progress bar and live text on the page.
    page.select_option("#cp-job-dataset", value="sessions")
    page.select_option("#cp-job-format", value="xlsx")
    with page.expect_navigation():
        page.locator("#cp-jobs-title ~ form button[type=submit]").click()
    expect(page.locator("li.cp-export-job progress")).to_be_visible()
    expect(page.locator("li.cp-export-job .cp-job-text")).to_have_attribute("aria-live", "polite")
    axe.check("export page, a file being made")
    axe.assert_clean()
