"""The admin's layout in a real browser (Debian's Chromium through Playwright), with the
demo data: at 1366 px the session and registration lists fit without the page or the
table scrolling sideways (columns wrap, none is cut); at 375 px every scoped list page
has no page-level overflow, the navigation collapses and the table scrolls inside its
own focusable, named container, by keyboard too."""

from __future__ import annotations

import pytest

from tests.browser.helpers import PASSWORD, keyboard_login, switch_language
from tests.conftest import make_staff

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser

WIDE_LISTS = ["/admin/session/", "/admin/registration/"]
SCOPED_LISTS = [*WIDE_LISTS, "/admin/participant/", "/admin/sector/", "/admin/theme/"]
# Widths of the page and of each list's scroll container.
MEASURE = """() => {
  const box = document.querySelector('.cp-table-scroll');
  return {page: document.documentElement.scrollWidth, view: window.innerWidth,
          box: box ? box.scrollWidth : null, boxView: box ? box.clientWidth : null,
          rows: document.querySelectorAll('table.model-list tbody tr').length};
}"""


def _log_in(page, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    user = make_staff("admin", password=PASSWORD)
    page.goto("/auth/login")
    keyboard_login(page, user.email, PASSWORD)
    page.wait_for_url("**/admin/")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_session_and_registration_lists_fit_in_1366_pixels(page, lang):
    _log_in(page, 1366, 768)
    if lang != "nl":
        switch_language(page, lang)
    for path in WIDE_LISTS:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        size = page.evaluate(MEASURE)
        assert size["rows"] > 5, (path, size)  # the demo's sessions and registrations
        assert size["page"] <= size["view"], (path, "the page scrolls sideways", size)
        assert size["box"] <= size["boxView"], (path, "columns are cut off", size)


def test_the_list_pages_are_usable_at_375_pixels(page):
    _log_in(page, 375, 812)
    toggler = page.locator("button.navbar-toggler")
    for path in SCOPED_LISTS:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        size = page.evaluate(MEASURE)
        assert size["page"] <= size["view"], (path, "the page scrolls sideways", size)
        # The navigation is folded behind its button.
        expect(toggler).to_be_visible()
        expect(page.locator("#admin-navbar-collapse")).to_be_hidden()
        container = page.locator(".cp-table-scroll")
        expect(container).to_have_attribute("tabindex", "0")
        expect(container).to_have_attribute("role", "region")
        assert container.get_attribute("aria-label"), path
        if path in WIDE_LISTS:
            assert size["box"] > size["boxView"], (path, "the table does not scroll", size)
            # By keyboard: focus the container, the arrow key scrolls it.
            container.focus()
            page.keyboard.press("ArrowRight")
            page.wait_for_function(
                "() => document.querySelector('.cp-table-scroll').scrollLeft > 0")
    toggler.click()
    expect(page.locator("#admin-navbar-collapse")).to_be_visible()
