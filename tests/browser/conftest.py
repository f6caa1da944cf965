"""Fixtures for the browser tests: one Debian Chromium per test module driven by
Playwright, and the app with demo data served over HTTP from a background thread.
`make test` installs Chromium and axe-core (see the ``browser-deps`` target)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from consultplatform.demo import load_demo
from consultplatform.plugins import registry
from tests.browser.helpers import AXE_JS, CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One Chromium for the whole module; each test gets its own context."""
    # On a developer machine without them the checks are skipped; in CI they must run.
    missing = pytest.fail if os.environ.get("CI") else pytest.skip
    sync_api = pytest.importorskip("playwright.sync_api")
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
