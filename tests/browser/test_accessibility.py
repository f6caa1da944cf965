"""WCAG 2.1 AA checks in a real browser: axe-core in Debian's Chromium, driven by
Playwright, against the app served over HTTP from a background thread.

Every public page and the main admin pages must have zero axe violations, in
Dutch and in English; the skip link and the login form must work by keyboard.
`make test` installs Chromium and axe-core (see the ``browser-deps`` target);
the fixtures are in conftest.py, the shared helpers in helpers.py.
"""

from __future__ import annotations

import json

import pytest

from consultplatform.demo import DEMO_SLUG
from consultplatform.models import ConsultationSession
from tests.browser.helpers import (
    AXE_JS,
    AXE_RUN,
    AXE_TAGS,
    PASSWORD,
    Axe,
    keyboard_login,
    switch_language,
)
from tests.conftest import make_staff

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser

PUBLIC_PAGES = ["/", f"/c/{DEMO_SLUG}", "/toegankelijkheid", "/privacy", "/auth/login"]
ADMIN_PAGES = ["/admin/", "/admin/consultation/", "/admin/consultation/new/",
               "/admin/session/new/", "/admin/plugins/", "/admin/nieuwe-consultatie/",
               "/admin/auditlog/"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_public_pages_have_no_axe_violations(page, lang):
    axe = Axe(page, lang)
    page.goto("/")
    if lang != "nl":
        switch_language(page, lang)
    for path in PUBLIC_PAGES:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        axe.check(path)

    # A login without a password: the error summary above the form.
    page.goto("/auth/login")
    keyboard_login(page, "iemand@example.org", "")
    expect(page.locator(".error-summary")).to_be_visible()
    axe.check("/auth/login (error summary)")

    # A wrong password: the flash message.
    page.goto("/auth/login")
    keyboard_login(page, "iemand@example.org", "not the password")
    expect(page.locator(".messages")).to_be_visible()
    axe.check("/auth/login (wrong password)")

    response = page.goto("/bestaat-niet")
    assert response is not None and response.status == 404
    axe.check("404 page")
    axe.assert_clean()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_admin_pages_have_no_axe_violations(page, lang):
    user = make_staff("admin", password=PASSWORD)
    page.goto("/auth/login")
    keyboard_login(page, user.email, PASSWORD)
    page.wait_for_url("**/admin/")
    if lang != "nl":
        switch_language(page, lang)
    axe = Axe(page, lang)
    for path in ADMIN_PAGES:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        axe.check(path)
    # The audit log with a time filter set (Flask-Admin's script draws the filter row).
    page.goto("/admin/auditlog/")
    groups = json.loads(page.locator("#filter-groups-data").inner_text())
    when = next(op["index"] for ops in groups.values() for op in ops
                if op.get("type") == "datetimepicker")
    page.goto(f"/admin/auditlog/?flt0_{when}=2030-01-01+00:00:00")
    expect(page.locator("table.filters .filter-val")).to_have_count(1)
    axe.check("audit log, filtered by time")
    # The wizard's preview of an import from the demo's template file.
    page.goto("/admin/nieuwe-consultatie/")
    page.check("input[name=source][value=file]")
    page.fill("#title", "Retailvisie Centrum Emmeloord")
    page.fill("#organiser", "Gemeente Noordoostpolder")
    page.fill("#first_day", "2031-03-03")
    with page.expect_navigation():
        page.click("form.cp-new-consultation button[type=submit]")
    expect(page.locator("#preview-heading")).to_be_visible()
    axe.check("wizard: import preview")
    # An arena's session form (its sectors and co-moderators ticked there) and a
    # consultation's page as staff preview it.
    arena = ConsultationSession.get(ConsultationSession.format_key == "expertarena")
    for path in (f"/admin/session/edit/?id={arena.id}", f"/c/{DEMO_SLUG}/voorbeeld"):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        axe.check(path)
    # The consultation chosen in the header's switcher: its dashboard and scoped lists.
    page.goto("/admin/")
    page.select_option("#cp-workspace-choice", index=1)
    with page.expect_navigation():
        page.click("form.cp-workspace button[type=submit]")
    assert page.locator(".cp-steps").count() == 1, "no dashboard after choosing"
    axe.check("dashboard")
    for path in ("/admin/session/", "/admin/registration/", "/admin/participant/",
                 "/admin/sector/", "/admin/theme/", "/admin/sector/new/"):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        axe.check(path + " (one consultation)")
    axe.assert_clean()


def test_skip_link_is_first_and_moves_focus_to_main(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab continues inside main, not back at the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_axe_reports_a_broken_page(browser):
    """Guards the checks above against axe silently finding nothing."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content("<html><body><img src='x.png'><input type='text'></body></html>")
        page.add_script_tag(path=str(AXE_JS))
        ids = {v["id"] for v in page.evaluate(AXE_RUN, AXE_TAGS)}
    finally:
        context.close()
    assert {"html-has-lang", "image-alt", "label"} <= ids, ids
