"""The Expertarena in a real browser (Debian's Chromium through Playwright).

- The demo moderator opens the live arena and records insights with the keyboard
  alone: type, Enter, the insight is listed and the cursor is back in the text field.
- axe-core finds no WCAG 2.1 A/AA violations on the capture page (also with errors,
  an edit in place, a delete to confirm and a closed arena), the analysis pages, the
  attendance, invitation and arena pages, the lists and the theme merge page, in
  Dutch and in English.

The fixtures (browser, live server with demo data, page) are in conftest.py.
"""

from __future__ import annotations

import pytest

from consultplatform.models import Consultation, ConsultationSession, Insight, StaffUser, Theme
from tests.browser.helpers import PASSWORD, Axe, focused, keyboard_login, switch_language
from tests.conftest import make_staff

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser


def _arenas() -> tuple[ConsultationSession, ConsultationSession]:
    """The demo's live arena and one that has been closed."""
    arenas = ConsultationSession.select().where(ConsultationSession.format_key == "expertarena")
    live = next(a for a in arenas if a.status == "planned")
    closed = next(a for a in arenas if a.status == "closed")
    return live, closed


def _login(page, email: str) -> None:
    page.goto("/auth/login")
    keyboard_login(page, email, PASSWORD)
    page.wait_for_url("**/admin/")


def test_moderator_records_insights_with_the_keyboard_alone(page, app):
    moderator = StaffUser.get(StaffUser.email == "moderator@example.org")
    moderator.set_password(PASSWORD)
    moderator.save()
    live, _closed = _arenas()
    before = Insight.select().where(Insight.session == live.id).count()
    _login(page, moderator.email)
    page.goto(f"/admin/expertarena/{live.id}/")
    # The cursor is in the text field from the start.
    assert focused(page)["id"] == "text"
    page.keyboard.type("Ondernemers missen één loket voor vergunningen")
    # On to the categories: the first one takes the focus; the arrow keys choose.
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "category"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # the fourth: barriers
    assert focused(page)["value"] == "barrieres" and focused(page)["checked"]
    # Back to the text and Enter saves.
    page.keyboard.press("Shift+Tab")
    assert focused(page)["id"] == "text"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".cp-messages")).to_contain_text("Inzicht opgeslagen.")
    assert focused(page)["id"] == "text" and focused(page)["value"] == ""
    expect(page.locator(".cp-insight").first).to_contain_text(
        "Ondernemers missen één loket voor vergunningen")
    # The category stays chosen: the next insight is text and Enter.
    page.keyboard.type("Te weinig stageplaatsen in de regio")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert focused(page)["id"] == "text"
    expect(page.locator(".cp-insight").first).to_contain_text("Te weinig stageplaatsen")
    newest = (Insight.select().where(Insight.session == live.id)
              .order_by(Insight.id.desc()).limit(2))
    assert [(i.text, i.category, i.sector_id) for i in newest] == [
        ("Te weinig stageplaatsen in de regio", "barrieres", live.sector_id),
        ("Ondernemers missen één loket voor vergunningen", "barrieres", live.sector_id)]
    assert Insight.select().where(
        Insight.session == live.id).count() == before + 2


def test_an_empty_insight_is_explained_and_the_summary_focused(page, app):
    make_staff("admin", email="admin-empty@example.org", password=PASSWORD)
    live, _closed = _arenas()
    _login(page, "admin-empty@example.org")
    page.goto(f"/admin/expertarena/{live.id}/")
    page.locator("#quote").fill("Dit citaat blijft staan")
    with page.expect_navigation() as navigation:
        page.locator("#text").press("Enter")
    assert navigation.value.status == 422
    summary = page.locator(".cp-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Schrijf het inzicht op.")
    summary.get_by_role("link").first.press("Enter")
    assert focused(page)["id"] == "text"
    expect(page.locator("#quote")).to_have_value("Dit citaat blijft staan")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_expertarena_pages_have_no_axe_violations(page, app, lang):
    admin = make_staff("admin", email=f"admin-{lang}@example.org", password=PASSWORD)
    live, closed = _arenas()
    consultation = Consultation.get()
    insight = Insight.select().where(Insight.session == live.id).first()
    proposed = Theme.get(Theme.name == "Regels en vergunningen")
    _login(page, admin.email)
    if lang != "nl":
        switch_language(page, lang)
    axe = Axe(page, lang)
    pages = [
        f"/admin/expertarena/{live.id}/",
        f"/admin/expertarena/{live.id}/?bewerk={insight.id}",
        f"/admin/expertarena/{live.id}/?verwijder={insight.id}",
        f"/admin/expertarena/{closed.id}/",
        f"/admin/expertarena/{live.id}/aanwezigheid",
        f"/admin/expertarena/{closed.id}/aanwezigheid",
        f"/admin/expertarena/{live.id}/uitnodigen",
        f"/admin/expertarena/{live.id}/instellingen",
        "/admin/expertarena/",
        f"/admin/expertarena-analyse/c/{consultation.id}/",
        f"/admin/expertarena-analyse/c/{consultation.id}/?per=categorie",
        f"/admin/expertarena-analyse/arena/{closed.id}/",
        "/admin/expertarena_insight/",
        "/admin/expertarena_proposal/",
        f"/admin/theme/merge/?id={proposed.id}",
        "/admin/theme/",
    ]
    for path in pages:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        axe.check(path)
    # The capture page with errors, and after a save (the status message).
    page.goto(f"/admin/expertarena/{live.id}/")
    with page.expect_navigation():
        page.locator("#text").press("Enter")
    expect(page.locator(".cp-error-summary")).to_be_visible()
    axe.check("capture page (errors)")
    page.locator("#text").fill("Een inzicht voor axe")
    page.locator("#category-0").check()
    with page.expect_navigation():
        page.locator("#text").press("Enter")
    expect(page.locator(".cp-messages .alert")).to_be_visible()
    axe.check("capture page (saved)")
    # The public arena page, logged out.
    page.context.clear_cookies()
    page.goto("/")
    if lang != "nl":
        switch_language(page, lang)
    response = page.goto(f"/expertarena/{live.id}")
    assert response is not None and response.status == 200
    axe.check("public arena page")
    axe.assert_clean()


def test_the_heatmap_is_an_image_with_a_text_alternative(page, app):
    make_staff("admin", email="admin-heatmap@example.org", password=PASSWORD)
    _login(page, "admin-heatmap@example.org")
    page.goto(f"/admin/expertarena-analyse/c/{Consultation.get().id}/")
    image = page.locator("img.cp-heatmap")
    expect(image).to_have_attribute("alt", "Heatmap van de tabel hierboven: hoe donkerder een "
                                           "vak, hoe meer inzichten.")
    # The SVG loaded and has a size (it renders as an image).
    assert image.evaluate("img => img.complete && img.naturalWidth > 200")
    # The table holds the same numbers: the five leading themes are listed.
    leading = page.locator(".cp-leading li")
    expect(leading).to_have_count(5)
