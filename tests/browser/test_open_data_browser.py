"""The open-data block of the exports plugin on a consultation's public page, in a real
browser: axe-core finds no WCAG 2.1 A/AA violations, in Dutch and in English, and its
download links work for a visitor. The app offers open data in the test plugin's
``tsv`` format too (``EXPORTS_OPEN_FORMATS``), so the block shows before the CSV and
JSON Lines formats are installed. The fixtures are in conftest.py."""

from __future__ import annotations

import pytest

from consultplatform.demo import DEMO_SLUG
from consultplatform.models import Consultation, PluginSetting
from consultplatform.testing import fresh_app
from consultplatform_exports.publishing import publish
from tests.browser.helpers import Axe, switch_language
from tests.conftest import make_staff

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser


@pytest.fixture
def app(migrated, instance_dir):
    with fresh_app(migrated, instance_dir,
                   EXPORTS_OPEN_FORMATS=["tsv", "csv", "jsonl"]) as application:
        yield application


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_open_data_block_has_no_axe_violations(app, live_server, page, lang):
    admin = make_staff("admin")
    with app.app_context():
        demo = Consultation.get(Consultation.slug == DEMO_SLUG)
        for key in ("participation", "sessions"):
            publish(demo.id, key, admin.id)
    # CC BY: the block's longest licence line, with the credit.
    PluginSetting.create(plugin="exports", consultation=None, data={"licence": "cc-by"})
    axe = Axe(page, lang)
    page.goto("/")
    if lang != "nl":
        switch_language(page, lang)
    page.goto(f"/c/{DEMO_SLUG}")
    block = page.locator("section.open-data")
    expect(block.get_by_role("heading", level=2)).to_have_text("Open data")
    expect(block.get_by_role("link", name="CC BY 4.0")).to_have_attribute(
        "href", f"https://creativecommons.org/licenses/by/4.0/deed.{lang}")
    axe.check(f"/c/{DEMO_SLUG} (open data)")
    axe.assert_clean()
    link = block.locator("a[download]").first
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-disposition"].startswith("attachment;")
