"""WCAG 2.1 AA checks in a real browser: axe-core in Debian's Chromium, driven by
Playwright, against the app served over HTTP from a background thread.

Every public page and the main admin pages must have zero axe violations, in
Dutch and in English; the skip link and the login form must work by keyboard.
`make test` installs Chromium and axe-core (see the ``browser-deps`` target).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from consultplatform.demo import DEMO_SLUG, load_demo
from consultplatform.plugins import registry
from tests.conftest import make_staff

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "correct horse battery"
LANGUAGE_BUTTON = {"en": "English", "nl": "Nederlands"}

PUBLIC_PAGES = ["/", f"/c/{DEMO_SLUG}", "/toegankelijkheid", "/privacy", "/auth/login"]
ADMIN_PAGES = ["/admin/", "/admin/consultation/", "/admin/consultation/new/",
               "/admin/session/new/", "/admin/plugins/"]

AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary || ''})),
  }));
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One Chromium for the whole module; each test gets its own context."""
    # On a developer machine without them the checks are skipped; in CI they must run.
    missing = pytest.fail if os.environ.get("CI") else pytest.skip
    if not os.access(CHROMIUM, os.X_OK):
        missing(f"{CHROMIUM} not installed (run `make browser-deps` as root)")
    if not AXE_JS.is_file():
        missing("axe-core not installed (run `npm ci`)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class QuietHandler(WSGIRequestHandler):
    """No access log: it would bury a failure's report."""

    def log_request(self, *args, **kwargs) -> None:
        pass


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The app with demo data, on a free port of 127.0.0.1, one thread per request
    (the app opens and closes its own database connection in each request)."""
    with app.app_context():
        load_demo(registry())
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def page(browser, live_server):
    # bypass_csp: the public pages forbid inline scripts, and axe is injected as one.
    context = browser.new_context(base_url=live_server, bypass_csp=True)
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


class Axe:
    """Runs axe on pages and collects the violations, page by page."""

    def __init__(self, page, lang: str):
        self.page = page
        self.lang = lang
        self.found: dict[str, list[dict]] = {}

    def check(self, label: str) -> None:
        expect(self.page.locator("html")).to_have_attribute("lang", self.lang)
        self.page.add_script_tag(path=str(AXE_JS))
        violations = self.page.evaluate(AXE_RUN, AXE_TAGS)
        if violations:
            self.found[f"[{self.lang}] {label}"] = violations

    def report(self) -> str:
        lines = []
        for label, violations in self.found.items():
            lines.append(f"{label}:")
            for v in violations:
                lines.append(f"  {v['id']} ({v['impact']}): {v['help']}  <{v['helpUrl']}>")
                for node in v["nodes"][:10]:
                    summary = " ".join(node["summary"].split())
                    lines.append(f"    - {node['target']}: {summary[:300]}")
                if len(v["nodes"]) > 10:
                    lines.append(f"    ... and {len(v['nodes']) - 10} more")
        return "\n".join(lines)

    def assert_clean(self) -> None:
        count = sum(len(v) for v in self.found.values())
        assert not self.found, f"{count} axe violation(s):\n{self.report()}"


def switch_language(page, lang: str) -> None:
    """Press the page's own language button (a form POST) and wait for the new page."""
    page.get_by_role("button", name=LANGUAGE_BUTTON[lang]).click()
    expect(page.locator("html")).to_have_attribute("lang", lang)


def focused(page) -> dict:
    return page.evaluate("""() => {
      const el = document.activeElement;
      return {tag: el.tagName.toLowerCase(), id: el.id, cls: el.className,
              text: (el.textContent || '').trim()};
    }""")


def keyboard_login(page, email: str, password: str) -> None:
    """From a fresh login page, by keyboard only: skip link, then into the form."""
    page.keyboard.press("Tab")
    assert "skip-link" in focused(page)["cls"]
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "email", focused(page)
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "password", focused(page)
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


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
