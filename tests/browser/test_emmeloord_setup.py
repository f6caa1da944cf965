"""Issue 11's acceptance in a real browser: a civil servant sets up a second
consultation, "Retailvisie Centrum Emmeloord" (three sectors, four themes, two
Expertarenas, one general meeting, one question), by copying the demo consultation
through the wizard and removing what differs, then publishes it; a participant
signs up. The set-up takes at most eight form submissions, and while Emmeloord is
chosen no staff page shows a sector, theme or session of the Noordoostpolder
consultation (in a list, a form's choices, a count or a filter).
"""

from __future__ import annotations

import datetime as dt

import pytest

from consultplatform.demo import DEMO_SLUG
from consultplatform.models import (
    Consultation,
    ConsultationQuestion,
    ConsultationSession,
    Participant,
    Registration,
    Sector,
    SessionQuestion,
    Theme,
)
from tests.browser.helpers import PASSWORD
from tests.conftest import make_staff

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser

SECTORS = ["Detailhandel", "Toerisme en recreatie", "Bouw"]
THEMES = ["Huisvesting", "Bereikbaarheid", "Positionering", "Samenwerking"]
SESSIONS = ["Expertarena Detailhandel", "Expertarena Toerisme en recreatie", "Startbijeenkomst"]
# The one question: the demo's question for the whole consultation, asked once; the
# demo's questions of the start meeting go.
QUESTION = "Hoe heeft u van deze consultatie gehoord?"
# Every Noordoostpolder name gets this mark once the copy is made: a page that shows
# one of them shows it.
MARK = "NOP\u2011"


def _mark_the_original(app) -> None:
    with app.app_context():
        original = Consultation.get(Consultation.slug == DEMO_SLUG)
        for model, field in ((Sector, Sector.name), (Theme, Theme.name),
                             (ConsultationSession, ConsultationSession.title)):
            model.update({field: MARK + field}).where(
                model.consultation == original.id).execute()
        SessionQuestion.update(label_nl=MARK + SessionQuestion.label_nl).where(
            SessionQuestion.session.in_(ConsultationSession.select(ConsultationSession.id).where(
                ConsultationSession.consultation == original.id))).execute()
        ConsultationQuestion.update(label_nl=MARK + ConsultationQuestion.label_nl).where(
            ConsultationQuestion.consultation == original.id).execute()


class StaffWalk:
    """The staff member's browser: every page it shows is checked for the original's
    names, and every form submission is counted."""

    def __init__(self, page) -> None:
        self.page = page
        self.submissions: list[str] = []
        self.checking = False
        page.on("request", self._request)
        page.on("dialog", lambda dialog: dialog.accept())  # "delete the selected rows?"

    def _request(self, request) -> None:
        if request.method == "POST":
            self.submissions.append(request.url)

    def check(self) -> None:
        if self.checking:
            html = self.page.content()
            assert MARK not in html, f"{self.page.url} shows the other consultation's " \
                f"{html[html.index(MARK) - 200:html.index(MARK) + 80]}"

    def goto(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status == 200, (url, response and
                                                                  response.status)
        self.check()

    def submit(self, button) -> None:
        with self.page.expect_navigation():
            button.click()
        self.check()

    def delete_rows_except(self, list_url: str, keep: list[str]) -> None:
        """Tick every row of a list but those named in ``keep``; delete them in one go."""
        self.goto(list_url)
        rows = self.page.locator("table tbody tr")
        ticked = 0
        for index in range(rows.count()):
            row = rows.nth(index)
            if not any(name in row.inner_text() for name in keep):
                row.locator("input.action-checkbox").check()
                ticked += 1
        assert ticked, f"nothing to delete on {list_url}"
        if not keep:  # all of them: the "select all" box
            assert ticked == rows.count()
        self.page.locator("[data-cp-action='delete']").locator(
            "xpath=ancestor::li[1]/a[contains(@class, 'dropdown-toggle')]").click()
        self.submit(self.page.locator("[data-cp-action='delete']"))
        expect(self.page.locator(".alert-danger")).to_have_count(0)


def test_emmeloord_is_set_up_from_a_copy_and_a_participant_signs_up(app, browser, live_server):
    make_staff("admin", email="beheer@example.org", password=PASSWORD)
    with app.app_context():
        original = Consultation.get(Consultation.slug == DEMO_SLUG)
    first_day = dt.date.today() + dt.timedelta(days=30)
    context = browser.new_context(base_url=live_server, locale="nl-NL")
    context.set_default_timeout(15_000)
    page = context.new_page()
    walk = StaffWalk(page)

    page.goto("/auth/login")
    page.fill("#email", "beheer@example.org")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.press("#password", "Enter")
    assert "/auth/login" not in page.url
    walk.submissions.clear()  # logging in is not part of the set-up

    # 1-2: the wizard, from a copy of the demo: the preview, then the draft.
    walk.goto(f"/admin/nieuwe-consultatie/?kopie={original.id}")
    page.fill("#title", "Retailvisie Centrum Emmeloord")
    page.fill("#slug", "emmeloord")
    page.fill("#organiser", "Gemeente Noordoostpolder, team Economie")
    page.fill("#first_day", first_day.isoformat())
    page.fill("#retention_until", (first_day + dt.timedelta(days=540)).isoformat())
    walk.submit(page.locator("form.cp-new-consultation button[type=submit]").first)
    expect(page.locator("#preview-heading")).to_be_visible()
    walk.submit(page.locator("button[name=confirm]"))
    with app.app_context():
        emmeloord = Consultation.get(Consultation.slug == "emmeloord")
    _mark_the_original(app)
    walk.checking = True  # Emmeloord is the chosen consultation from here on
    walk.check()
    expect(page.locator("h1")).to_contain_text("Retailvisie Centrum Emmeloord")

    # 3-6: what differs from the demo, one submission per list.
    walk.delete_rows_except("/admin/sector/", SECTORS)
    walk.delete_rows_except("/admin/theme/", THEMES)
    walk.delete_rows_except("/admin/session/", SESSIONS)
    walk.delete_rows_except("/admin/question/", [])

    # Every other page a civil servant opens meanwhile: lists, forms and their choices.
    with app.app_context():
        arena = ConsultationSession.get((ConsultationSession.consultation == emmeloord.id)
                                        & (ConsultationSession.format_key == "expertarena"))
    for url in ("/admin/", "/admin/session/new/", f"/admin/session/edit/?id={arena.id}",
                "/admin/registration/", "/admin/participant/", "/admin/question/new/",
                "/admin/consultationquestion/",
                "/admin/sector/new/", "/admin/theme/new/", "/admin/expertarena/",
                "/admin/expertarena-analyse/", "/admin/expertarena_insight/",
                "/admin/expertarena_proposal/"):
        walk.goto(url)

    # 7: publish (the retention date came with the wizard).
    walk.goto(f"/admin/consultation/edit/?id={emmeloord.id}")
    page.select_option("#status", "published")
    walk.submit(page.locator("input[type=submit]").first)
    expect(page.locator(".alert").first).to_be_visible()
    assert len(walk.submissions) <= 8, walk.submissions

    with app.app_context():
        assert Consultation.get_by_id(emmeloord.id).status == "published"
        assert sorted(s.name for s in Sector.select().where(
            Sector.consultation == emmeloord.id)) == sorted(SECTORS)
        assert sorted(t.name for t in Theme.select().where(
            Theme.consultation == emmeloord.id)) == sorted(THEMES)
        sessions = list(ConsultationSession.select().where(
            ConsultationSession.consultation == emmeloord.id))
        assert sorted(s.title for s in sessions) == sorted(SESSIONS)
        assert not SessionQuestion.select().where(
            SessionQuestion.session.in_([s.id for s in sessions])).exists()
        assert [q.label_nl for q in ConsultationQuestion.select().where(
            ConsultationQuestion.consultation == emmeloord.id)] == [QUESTION]
        assert all(s.starts_at.date() >= first_day for s in sessions)
    context.close()

    # A participant signs up for the general meeting.
    visitor = browser.new_context(base_url=live_server, locale="nl-NL")
    visitor.set_default_timeout(15_000)
    public = visitor.new_page()
    public.goto("/c/emmeloord")
    expect(public.locator("h1")).to_have_text("Retailvisie Centrum Emmeloord")
    with public.expect_navigation():
        public.get_by_role("link", name="Aanmelden voor Startbijeenkomst").click()
    public.fill("#name", "Ilse Winkelier")
    public.fill("#email", "ilse.winkelier@example.org")
    public.fill("#organisation", "Boekhandel Het Centrum (fictief)")
    public.select_option("#sector", label="Detailhandel")
    public.get_by_label("Ondernemer", exact=True).check()
    public.get_by_label("Via een collega of kennis").check()  # the one question
    public.locator("#privacy").check()
    with public.expect_navigation():
        public.locator("form button[type=submit]").last.click()
    expect(public.locator("h1")).to_be_visible()
    visitor.close()
    with app.app_context():
        registration = Registration.select().join(Participant).where(
            Participant.email == "ilse.winkelier@example.org").get()
        assert registration.session.consultation_id == emmeloord.id
        assert registration.status == "confirmed"
        assert registration.participant.consultation_id == emmeloord.id
        question = ConsultationQuestion.get(ConsultationQuestion.consultation == emmeloord.id)
        chosen = question.options("nl").index("Via een collega of kennis")
        assert registration.participant.answers == {str(question.id): str(chosen)}
