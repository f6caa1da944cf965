"""Two-step login in a real browser, in Dutch and English: axe-core finds nothing on the
set-up page (QR code and key), with a wrong code, on the recovery codes, on the code
page of the next login and on its error state; the codes are computed with pyotp from
the key the page shows."""

from __future__ import annotations

import pytest

from consultplatform.testing import fresh_app
from tests.browser.helpers import PASSWORD, Axe, keyboard_login, switch_language
from tests.conftest import make_staff
from tests.mfa_support import code_at, fresh_step

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser


@pytest.fixture
def app(migrated, instance_dir):
    """As installed: administrators must set up two-step login."""
    with fresh_app(migrated, instance_dir, MFA_REQUIRED_ROLES=["admin"]) as application:
        yield application


def _login(page, lang: str, email: str) -> None:
    page.goto("/auth/login")
    if lang != "nl":
        switch_language(page, lang)
    keyboard_login(page, email, PASSWORD)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_two_step_pages_have_no_axe_violations(page, lang):
    user = make_staff("admin", password=PASSWORD)
    axe = Axe(page, lang)
    _login(page, lang, user.email)
    page.wait_for_url("**/auth/tweestaps")
    expect(page.locator("svg.qr-code")).to_be_visible()
    axe.check("/auth/tweestaps (set up: QR code and key)")

    page.locator("#code").fill("000000")
    with page.expect_navigation():
        page.locator("#code").press("Enter")
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#code")).to_have_attribute("aria-invalid", "true")
    axe.check("/auth/tweestaps (wrong code)")

    secret = page.locator("#secret-key").inner_text().replace(" ", "")
    step = fresh_step()
    page.locator("#code").fill(code_at(secret, step - 1))
    with page.expect_navigation():
        page.locator("#code").press("Enter")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    axe.check("recovery codes")

    page.goto("/auth/tweestaps")
    axe.check("/auth/tweestaps (on: new recovery codes)")

    # The next login: the code page, wrong and then right.
    page.context.clear_cookies()
    _login(page, lang, user.email)
    page.wait_for_url("**/auth/code")
    axe.check("/auth/code")
    page.locator("#code").fill("000000")
    with page.expect_navigation():
        page.locator("#code").press("Enter")
    expect(page.locator(".error-summary")).to_be_visible()
    axe.check("/auth/code (wrong code)")
    page.locator("#code").fill(code_at(secret, step))
    with page.expect_navigation():
        page.locator("#code").press("Enter")
    page.wait_for_url("**/admin/")
    axe.assert_clean()
