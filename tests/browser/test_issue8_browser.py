"""Issue 8 in Chromium: the waiting-list reason on the page (point 3), one
consultation's sectors in the session form (8), closing an arena asks first (9),
type-and-Enter capture with one Tab stop for the themes (10), and an analysis fit
to show an alderman (11)."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from consultplatform.models import Consultation, ConsultationSession, Insight, Registration, Sector
from consultplatform.testing import factories
from tests.browser.helpers import PASSWORD, focused
from tests.conftest import make_staff

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("CP_SCREENSHOTS")  # a folder: the tests leave screenshots there


def _login(page, email: str) -> None:
    page.goto("/auth/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.press("#password", "Enter")


def _live_arena() -> ConsultationSession:
    return ConsultationSession.get((ConsultationSession.format_key == "expertarena")
                                   & (ConsultationSession.status == "planned"))


def _moderator(page) -> None:
    from consultplatform.models import StaffUser

    moderator = StaffUser.get(StaffUser.email == "moderator@example.org")
    moderator.set_password(PASSWORD)
    moderator.save()
    _login(page, moderator.email)


def test_the_waiting_list_reason_is_shown_on_the_page(page, app):
    consultation = Consultation.get()
    start = dt.datetime(2031, 5, 1, 19, 30)
    session = factories.session(consultation, title="Kleine tafel", capacity=12,
                                side_caps={"entrepreneur": 8}, starts_at=start,
                                ends_at=start + dt.timedelta(hours=2))
    sectors = list(Sector.select().where(Sector.consultation == consultation))
    for n in range(8):  # spread over the sectors: no sector's own cap (5) is reached
        factories.registration(factories.participant(
            consultation, sector=sectors[n % len(sectors)]), session)
    sector = sectors[-1]
    page.goto(f"/c/{consultation.slug}/aanmelden?sessie={session.id}")
    page.fill("#name", "Negende Ondernemer")
    page.fill("#email", "negende@example.org")
    page.select_option("#sector", str(sector.id))
    page.check("input[name=side][value=entrepreneur]")
    page.check("#privacy")
    with page.expect_navigation():
        page.get_by_role("button", name="Aanmelden").click()
    expect(page.locator(".outcomes")).to_contain_text(
        "De plaatsen voor ondernemers in deze bijeenkomst zijn bezet: u staat op de wachtlijst.")
    assert "is vol" not in page.locator(".outcomes").inner_text()


def test_the_session_form_follows_the_chosen_consultation(page, app):
    make_staff("admin", email="admin-sessions@example.org", password=PASSWORD)
    demo = Consultation.get()
    other = factories.consultation(title="Tweede traject", formats=["general"])
    theirs = Sector.create(consultation=other, name="Detailhandel")
    _login(page, "admin-sessions@example.org")
    page.goto("/admin/session/new/")
    page.select_option("#consultation", str(other.id))
    values = page.locator("#sector option").evaluate_all("os => os.map(o => o.value)")
    assert values == ["__None", str(theirs.id)]
    page.select_option("#consultation", str(demo.id))
    values = page.locator("#sector option").evaluate_all("os => os.map(o => o.value)")
    assert str(theirs.id) not in values and len(values) == 1 + Sector.select().where(
        Sector.consultation == demo).count()


def test_closing_an_arena_asks_first_and_says_how_to_reopen(page, app):
    arena = _live_arena()
    _moderator(page)
    page.goto(f"/admin/expertarena/{arena.id}/")
    page.get_by_role("link", name="Deze arena sluiten…").click()
    confirm = page.locator(".cp-close-confirm")
    expect(confirm).to_contain_text("Alleen een beheerder kan haar heropenen")
    assert ConsultationSession.get_by_id(arena.id).status == "planned"
    confirm.get_by_role("link", name="Nee, open laten").click()
    expect(page.locator(".cp-close-confirm")).to_have_count(0)
    assert ConsultationSession.get_by_id(arena.id).status == "planned"
    page.get_by_role("link", name="Deze arena sluiten…").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Ja, sluit de arena").click()
    expect(page.locator(".cp-messages")).to_contain_text("een beheerder kan haar heropenen")
    assert ConsultationSession.get_by_id(arena.id).status == "closed"


def test_type_and_enter_saves_the_first_time_and_themes_are_one_tab_stop(page, app):
    arena = _live_arena()
    before = Insight.select().where(Insight.session == arena.id).count()
    _moderator(page)
    page.goto(f"/admin/expertarena/{arena.id}/")
    assert focused(page)["id"] == "text"
    page.keyboard.type("Het eerste inzicht, meteen met Enter")
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200
    expect(page.locator(".cp-messages")).to_contain_text("Inzicht opgeslagen.")
    assert Insight.select().where(Insight.session == arena.id).count() \
        == before + 1
    # Text -> category (one stop) -> themes (one stop) -> the next field.
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "category"
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "themes"
    first = focused(page)["value"]
    page.keyboard.press("ArrowRight")
    assert focused(page)["name"] == "themes" and focused(page)["value"] != first
    page.keyboard.press("Space")
    assert focused(page)["checked"]
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "new_theme"


def test_the_analysis_is_fit_to_present(page, app, tmp_path):
    make_staff("admin", email="admin-analysis@example.org", password=PASSWORD)
    consultation = Consultation.get()
    page.set_viewport_size({"width": 1366, "height": 768})
    _login(page, "admin-analysis@example.org")
    base = f"/admin/expertarena-analyse/c/{consultation.id}/"
    for query in ("", "?per=categorie", "?waarde=aandeel"):
        page.goto(base + query)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, (query, overflow)
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, f"analysis{query[1:5]}.png"), full_page=True)
    # Share of the sector's insights: percentages, comparable between sectors.
    expect(page.locator(".cp-matrix td").first).to_contain_text("%")
    # Columns in order of importance: the first leading theme heads the first column.
    page.goto(base)
    first_leading = page.locator(".cp-leading li strong").first.inner_text()
    assert page.locator(".cp-matrix thead th").nth(1).inner_text() == first_leading
    # The picture carries its title, legend and source; SVG and PNG downloads.
    svg = page.request.get(f"{base}heatmap.svg?download=1")
    assert svg.ok and "attachment" in svg.headers["content-disposition"]
    body = svg.text()
    assert "Inzichten per sector en thema" in body and "Bron:" in body and "meer (" in body
    png = page.request.get(f"{base}heatmap.png?waarde=aandeel")
    assert png.ok and png.headers["content-type"] == "image/png"
    assert png.body()[:8] == b"\x89PNG\r\n\x1a\n" and len(png.body()) > 5000
    if SHOTS:
        with open(os.path.join(SHOTS, "heatmap.png"), "wb") as handle:
            handle.write(png.body())
    # A consultation without insights says so plainly.
    empty = factories.consultation(title="Nog leeg", formats=["general", "expertarena"])
    page.goto(f"/admin/expertarena-analyse/c/{empty.id}/")
    expect(page.locator("#leading-title + p")).to_contain_text("Er zijn nog geen inzichten")
    assert "van de 0" not in page.content()
    assert Registration.select().count() > 0  # the demo is there


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_new_page_states_have_no_axe_violations(page, app, lang):
    """The states issue 8 added: the close question, the share view, the sign-up form with
    whom each arena is for, the waiting-list reason, the login hint and the unlock page."""
    from consultplatform.auth.throttle import hash_token
    from consultplatform.models import StaffUser
    from tests.browser.helpers import Axe, switch_language

    arena = _live_arena()
    consultation = Consultation.get()
    admin = make_staff("admin", email=f"admin-axe8-{lang}@example.org", password=PASSWORD)
    locked = make_staff("viewer", email=f"locked-{lang}@example.org")
    StaffUser.update(locked_until=dt.datetime(2099, 1, 1),
                     unlock_token_hash=hash_token("a" * 43)).where(
        StaffUser.id == locked.id).execute()
    axe = Axe(page, lang)
    page.goto("/")
    if lang != "nl":
        switch_language(page, lang)
    page.goto(f"/c/{consultation.slug}/aanmelden")
    axe.check("sign-up form with the arenas' sectors")
    page.goto(f"/auth/ontgrendelen/{'a' * 43}")
    axe.check("unlock page")
    page.goto("/auth/login")
    page.fill("#email", admin.email)
    page.fill("#password", "wrong password")
    with page.expect_navigation():
        page.press("#password", "Enter")
    axe.check("login refused, with the lock hint")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.press("#password", "Enter")
    for path in (f"/admin/expertarena/{arena.id}/?sluiten=1",
                 f"/admin/expertarena-analyse/c/{consultation.id}/?waarde=aandeel",
                 f"/admin/expertarena-analyse/c/{consultation.id}/?per=categorie&waarde=aandeel",
                 "/admin/session/new/", "/admin/staffuser/"):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        axe.check(path)
    axe.assert_clean()
