"""A person's own data in a real browser (issue 12): axe-core finds no WCAG 2.1 A/AA
violation on the personal data page, the erasure request, the mail-confirmation and
the done pages, and a staff member's personal data page, in Dutch and in English;
the whole erasure is walked through as the person would."""

from __future__ import annotations

import re

import pytest

from consultplatform.models import OutboxMail, Participant, Registration
from tests.browser.helpers import PASSWORD, Axe, keyboard_login, switch_language
from tests.conftest import make_staff

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_own_data_and_erasure_pages_have_no_axe_violations(page, lang):
    registration = Registration.select().join(Participant).where(
        Participant.side == "entrepreneur").first()
    person_id = registration.participant_id
    base = f"/aanmelding/{registration.token}"
    page.goto(f"{base}/gegevens")
    if lang != "nl":
        switch_language(page, lang)
    axe = Axe(page, lang)
    expect(page.locator("h1")).to_be_visible()
    axe.check("own data")
    page.goto(f"{base}/verwijderen")
    axe.check("erasure request")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    axe.check("erasure request sent")
    mail = OutboxMail.get(OutboxMail.kind == "erase_confirm")
    link = re.search(r"/aanmelding/verwijderen/\S+", mail.text_body).group(0)
    page.goto(link)
    axe.check("erasure confirmation")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_be_visible()
    axe.check("erasure done")
    axe.assert_clean()
    assert Participant.get_by_id(person_id).erased_at is not None


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_staff_personal_data_page_has_no_axe_violations(page, lang):
    user = make_staff("admin", password=PASSWORD)
    person = Participant.select().first()
    page.goto("/auth/login")
    keyboard_login(page, user.email, PASSWORD)
    page.wait_for_url("**/admin/")
    if lang != "nl":
        switch_language(page, lang)
    axe = Axe(page, lang)
    page.goto(f"/admin/participant/gegevens/?id={person.id}")
    axe.check("staff: personal data")
    with page.expect_navigation():
        page.locator("button.btn-danger").click()  # not confirmed: the error state
    axe.check("staff: personal data, not confirmed")
    axe.assert_clean()
