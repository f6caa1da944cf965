"""Issue 8, point 17 in Chromium: the admin under its strict Content-Security-Policy
(no bypass): no page reports a violation, and what Flask-Admin did with inline
handlers (the "with selected" actions, the question before a delete) still works."""

from __future__ import annotations

import pytest

from consultplatform.models import Theme
from tests.browser.helpers import PASSWORD, expect
from tests.conftest import make_staff

pytestmark = pytest.mark.browser

ADMIN_PAGES = ["/admin/", "/admin/consultation/", "/admin/consultation/new/", "/admin/session/",
               "/admin/session/new/", "/admin/registration/", "/admin/theme/", "/admin/staffuser/",
               "/admin/outbox/", "/admin/plugins/", "/admin/expertarena/",
               "/admin/expertarena-analyse/"]


@pytest.fixture
def strict_page(browser, live_server, app):
    with app.app_context():
        user = make_staff("admin", email="csp-admin@example.org")
    context = browser.new_context(base_url=live_server)  # the site's own CSP applies
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.violations = []
    page.on("console", lambda message: page.violations.append(
        f"{message.text[:60]} at {message.location}")
            if "Content Security Policy" in message.text else None)
    page.goto("/auth/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.press("#password", "Enter")
    try:
        yield page
    finally:
        context.close()


def test_admin_pages_load_without_policy_violations(strict_page):
    seen = {}
    for path in ADMIN_PAGES:
        strict_page.goto(path)
        strict_page.wait_for_load_state("load")
        if strict_page.violations:
            seen[path] = strict_page.violations[:]
            strict_page.violations.clear()
    assert seen == {}


def test_list_actions_and_delete_question_work_under_the_policy(strict_page, app):
    with app.app_context():
        first = Theme.create(consultation=Theme.get().consultation_id, name="Ongebruikt")
        count = Theme.select().count()
    strict_page.goto("/admin/theme/?sort=0&desc=1")
    # Delete from the row, answer "no": nothing happens.
    strict_page.once("dialog", lambda dialog: dialog.dismiss())
    strict_page.locator(f"form:has(input[name=id][value='{first.id}']) button").click()
    strict_page.wait_for_timeout(300)
    with app.app_context():
        assert Theme.select().count() == count
    # "With selected" -> Delete, answer "yes": the action runs.
    strict_page.locator(f"input.action-checkbox[value='{first.id}']").check()
    strict_page.get_by_text("Met de gekozen rijen").click()
    strict_page.once("dialog", lambda dialog: dialog.accept())
    with strict_page.expect_navigation():
        strict_page.locator("[data-cp-action=delete]").click()
    expect(strict_page.locator(".alert")).not_to_have_count(0)
    with app.app_context():
        assert Theme.select().count() == count - 1
    assert strict_page.violations == []
