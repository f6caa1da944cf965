"""The public sign-up in a real browser (Debian's Chromium through Playwright).

- Someone signs up with the keyboard alone, from the consultation page to the
  thank-you page; the registrations and the confirmation mail are in the database.
- A form sent back with errors has its summary at the top, focused; every link
  in it takes the focus to its field; everything typed is still there.
- axe-core finds no WCAG 2.1 A/AA violations on the sign-up pages, the
  self-service pages and their error states, in Dutch and in English.
- Every control the keyboard reaches shows a visible focus indicator.
- The consultation's own questions (asked once) pass axe too, with their errors.

The fixtures (browser, live server with demo data, page) are in conftest.py.
"""

from __future__ import annotations

import re

import pytest

from consultplatform.demo import DEMO_SLUG
from consultplatform.models import (
    Consultation,
    ConsultationQuestion,
    ConsultationSession,
    OutboxMail,
    Participant,
    Registration,
    Sector,
    SessionQuestion,
)
from tests.browser.helpers import Axe, focused, switch_language, wait_for_focus

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = pytest.mark.browser

CONSULTATION = f"/c/{DEMO_SLUG}"
FORM = f"{CONSULTATION}/aanmelden"

# What the active element looks like: the focus indicator has to be visible.
FOCUS_STYLE = """() => {
  const cs = getComputedStyle(document.activeElement);
  return {outlineStyle: cs.outlineStyle, outlineWidth: parseFloat(cs.outlineWidth) || 0,
          boxShadow: cs.boxShadow};
}"""

# Every error message is tied to a control (or its fieldset) by aria-describedby,
# and every control in an errored field says it is invalid or sits in such a fieldset.
UNTIED_ERRORS = """() => {
  const problems = [];
  for (const error of document.querySelectorAll('form .error')) {
    if (!error.id) { problems.push('error without id: ' + error.textContent.trim()); continue; }
    const owners = [...document.querySelectorAll('[aria-describedby]')].filter(
      el => el.getAttribute('aria-describedby').split(/\\s+/).includes(error.id));
    if (!owners.length) problems.push('nothing described by #' + error.id);
  }
  return problems;
}"""


@pytest.fixture
def demo(app, live_server) -> dict:
    """The demo consultation's open sessions, in page order, and its sectors by name.
    The demo's own questions (the consultation's too) are replaced by one of each kind
    on the first session, two of them required, so that the tests know what the form
    holds."""
    with app.app_context():
        sessions = [s for s in ConsultationSession.select().join(Consultation)
                    .where(Consultation.slug == DEMO_SLUG)
                    .order_by(ConsultationSession.starts_at)
                    if s.is_open_for_registration]
        first = sessions[0]
        SessionQuestion.delete().where(
            SessionQuestion.session.in_([s.id for s in sessions])).execute()
        ConsultationQuestion.delete().where(
            ConsultationQuestion.consultation == first.consultation_id).execute()
        specs = [
            ("short_text", True, "Welk onderwerp wilt u bespreken?",
             "Which topic would you like to discuss?", "", ""),
            ("single", True, "Hoe komt u naar het gemeentehuis?", "How will you get to the town hall?",
             "Lopend\nFiets\nAuto\nOpenbaar vervoer", "On foot\nBicycle\nCar\nPublic transport"),
            ("multiple", False, "Welke thema's interesseren u?", "Which themes interest you?",
             "Arbeidsmarkt\nBereikbaarheid\nVerduurzaming", "Labour market\nAccessibility\nSustainability"),
            ("yes_no", False, "Heeft u een rolstoelplek nodig?", "Do you need a wheelchair space?", "", ""),
            ("long_text", False, "Wilt u ons nog iets laten weten?",
             "Is there anything else you would like us to know?", "", ""),
        ]
        questions = {kind: SessionQuestion.create(
            session=first, position=i, kind=kind, required=required, label_nl=nl, label_en=en,
            choices_nl=choices_nl, choices_en=choices_en)
            for i, (kind, required, nl, en, choices_nl, choices_en) in enumerate(specs)}
        sectors = {s.name: s.id for s in Sector.select().where(Sector.consultation == first.consultation)}
    return {"sessions": [s.id for s in sessions],
            "questions": {kind: f"q_{question.id}" for kind, question in questions.items()},
            "sectors": sectors}


# --- keyboard helpers ---------------------------------------------------------------------

def assert_focus_visible(page) -> None:
    style = page.evaluate(FOCUS_STYLE)
    visible = (style["outlineStyle"] != "none" and style["outlineWidth"] >= 2) \
        or style["boxShadow"] != "none"
    assert visible, f"no visible focus indicator on {focused(page)}: {style}"


def tab(page, backwards: bool = False) -> dict:
    """One Tab (or Shift+Tab); the newly focused element, whose focus must be visible."""
    page.keyboard.press("Shift+Tab" if backwards else "Tab")
    assert_focus_visible(page)
    return focused(page)


def tab_to(page, wanted, limit: int = 60) -> dict:
    """Tab until ``wanted(focused element)``; fails after ``limit`` presses."""
    seen = []
    for _ in range(limit):
        now = tab(page)
        if wanted(now):
            return now
        seen.append(now["id"] or now["href"] or now["text"][:30])
    raise AssertionError(f"not reached by Tab; passed {seen}")


def expect_focus(page, element_id: str) -> dict:
    now = tab(page)
    assert now["id"] == element_id, f"expected #{element_id} after Tab, got {now}"
    return now


def skip_to_main(page) -> None:
    page.keyboard.press("Tab")
    assert "skip-link" in focused(page)["cls"]
    page.keyboard.press("Enter")
    wait_for_focus(page, "main")


def marked_required(page, control_id: str) -> bool:
    """Whether the field around a control says "(required)" in its label or legend."""
    return page.locator(f"#{control_id}").evaluate(
        "el => el.closest('.field').querySelector('label .required, legend .required, "
        "label + .required') !== null")


def field_values(page) -> dict:
    """Everything the form holds, as the browser would send it."""
    return page.evaluate("""() => {
      const values = {};
      for (const [name, value] of new FormData(document.querySelector('main form'))) {
        if (name === 'csrf_token') continue;
        (values[name] = values[name] || []).push(value);
      }
      return values;
    }""")


# --- 1. signing up with the keyboard alone ------------------------------------------------

def test_keyboard_only_sign_up(page, app, demo):
    first, second, third = demo["sessions"]
    q = demo["questions"]
    page.goto(CONSULTATION)
    skip_to_main(page)
    # Tab to the first session's sign-up link and follow it with Enter.
    link = tab_to(page, lambda f: f["tag"] == "a" and f"sessie={first}" in f["href"])
    assert link["href"].startswith(FORM)
    with page.expect_navigation(url=re.compile(r"/aanmelden\?sessie=")):
        page.keyboard.press("Enter")

    skip_to_main(page)
    tab_to(page, lambda f: f["id"] == "sessions-0", limit=5)
    assert focused(page)["checked"] is True, "the chosen session is ticked beforehand"
    expect_focus(page, "sessions-1")
    expect_focus(page, "sessions-2")
    page.keyboard.press("Space")
    assert focused(page)["checked"] is True

    expect_focus(page, "name")
    page.keyboard.type("Anouk Akkerman")
    expect_focus(page, "email")
    page.keyboard.type("anouk.akkerman@example.org")
    expect_focus(page, "organisation")
    page.keyboard.type("Bouwbedrijf Akkerman")
    expect_focus(page, "sector")
    page.keyboard.type("Zorg")  # type-ahead on the closed select
    assert focused(page)["value"] == str(demo["sectors"]["Zorg"])
    page.keyboard.press("ArrowDown")  # arrow keys move through the options (Zorg, then Bouw)
    assert focused(page)["value"] == str(demo["sectors"]["Bouw"])

    expect_focus(page, "side-0")  # a radio group is one tab stop
    page.keyboard.press("Space")
    assert focused(page)["checked"] is True
    page.keyboard.press("ArrowDown")
    assert focused(page)["id"] == "side-1" and focused(page)["checked"] is True
    page.keyboard.press("ArrowUp")
    assert focused(page)["id"] == "side-0" and focused(page)["checked"] is True
    expect_focus(page, "phone")
    page.keyboard.type("0527 123 456")

    # The organiser's questions for the first session.
    expect_focus(page, q["short_text"])
    page.keyboard.type("Personeel vinden")
    expect_focus(page, f"{q['single']}-0")
    page.keyboard.press("ArrowDown")  # moves to and selects the second option
    assert focused(page)["id"] == f"{q['single']}-1" and focused(page)["checked"] is True
    expect_focus(page, f"{q['multiple']}-0")
    expect_focus(page, f"{q['multiple']}-1")
    page.keyboard.press("Space")
    expect_focus(page, f"{q['multiple']}-2")
    page.keyboard.press("Space")
    expect_focus(page, f"{q['yes_no']}-0")
    page.keyboard.press("Space")
    expect_focus(page, q["long_text"])
    page.keyboard.type("Graag een plek vooraan.")
    page.keyboard.press("Enter")  # a new line in a text area, not a submission
    page.keyboard.type("Dank u.")

    privacy_link = tab(page)
    assert privacy_link["tag"] == "a" and privacy_link["href"].endswith("/privacy")
    expect_focus(page, "privacy")
    page.keyboard.press("Space")
    expect_focus(page, "news")  # left unticked: follow-up news is opt-in
    submit = tab(page)  # the honeypot field is not a tab stop
    assert submit["tag"] == "button" and submit["type"] == "submit", submit
    with page.expect_navigation(url=re.compile(r"/aangemeld$")):
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator(".outcomes li")).to_have_count(2)

    with app.app_context():
        person = Participant.get(Participant.email == "anouk.akkerman@example.org")
        assert (person.name, person.organisation, person.sector_id, person.side, person.phone) == (
            "Anouk Akkerman", "Bouwbedrijf Akkerman", demo["sectors"]["Bouw"], "entrepreneur",
            "0527 123 456")
        assert person.privacy_accepted_at is not None and person.news_opt_in is False
        registrations = {r.session_id: r for r in
                         Registration.select().where(Registration.participant == person)}
        assert set(registrations) == {first, third}
        assert {r.status for r in registrations.values()} == {"confirmed"}
        answers = registrations[first].answers
        ids = {kind: name.removeprefix("q_") for kind, name in q.items()}
        assert answers[ids["short_text"]] == "Personeel vinden"
        assert answers[ids["single"]] == "1"
        assert answers[ids["multiple"]] == ["1", "2"]
        assert answers[ids["yes_no"]] == "yes"
        assert answers[ids["long_text"]].splitlines() == ["Graag een plek vooraan.", "Dank u."]
        mails = list(OutboxMail.select().where(OutboxMail.to_address == person.email))
        assert mails and {m.status for m in mails} == {"queued"}
        assert {m.kind for m in mails} == {"confirmation"}
        assert second not in registrations


def test_errors_summary_links_to_fields_and_typed_input_is_kept(page, demo):
    first = demo["sessions"][0]
    q = demo["questions"]
    organisation = 'Bakkerij "De Korenschoof" & Zn. <b>'
    page.goto(f"{FORM}?sessie={first}")
    # Required fields say so, required questions and the privacy box included.
    for control in ("sessions-0", "name", "email", "sector", "side-0", q["short_text"],
                    f"{q['single']}-0", "privacy"):
        assert marked_required(page, control), control
    for control in ("organisation", "phone", f"{q['multiple']}-0", q["long_text"], "news"):
        assert not marked_required(page, control), control

    skip_to_main(page)
    tab_to(page, lambda f: f["id"] == "name", limit=8)
    page.keyboard.type("Anouk Akkerman")
    expect_focus(page, "email")
    page.keyboard.type("anouk@")  # not an address
    expect_focus(page, "organisation")
    page.keyboard.type(organisation)
    expect_focus(page, "sector")
    page.keyboard.type("Zorg")
    expect_focus(page, "side-0")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # education
    expect_focus(page, "phone")
    page.keyboard.type("call me")  # not a phone number
    expect_focus(page, q["short_text"])  # required, left empty
    expect_focus(page, f"{q['single']}-0")  # required, left empty
    expect_focus(page, f"{q['multiple']}-0")
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["id"] == q["long_text"], limit=5)
    page.keyboard.type("Eerste regel")
    page.keyboard.press("Enter")
    page.keyboard.type("tweede regel")
    tab_to(page, lambda f: f["id"] == "news", limit=4)  # privacy left unticked
    page.keyboard.press("Space")
    before = field_values(page)
    page.locator("#organisation").focus()  # implicit submission: Enter in a text field
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 422

    # The summary is at the top of the page, before the form, and has the focus.
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    assert page.evaluate("""() => {
      const summary = document.getElementById('error-summary');
      const form = document.querySelector('main form');
      return Boolean(summary.compareDocumentPosition(form) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")
    assert_focus_visible(page)

    # Each link, activated with Enter, moves the focus to its field.
    links = summary.locator("a")
    targets = [href.removeprefix("#") for href in links.evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")]
    assert targets == ["email", "phone", q["short_text"], f"{q['single']}-0", "privacy"], targets
    for index, target in enumerate(targets):
        links.nth(index).focus()
        assert_focus_visible(page)
        page.keyboard.press("Enter")
        expect(page.locator(f"#{target}")).to_be_focused()
        expect(page.locator(f"#{target}")).to_be_in_viewport()
        assert_focus_visible(page)

    # Errors are tied to their fields.
    assert page.evaluate(UNTIED_ERRORS) == []
    for control in ("email", "phone", q["short_text"], "privacy"):
        expect(page.locator(f"#{control}")).to_have_attribute("aria-invalid", "true")
    for name in ("email", "phone", q["short_text"]):
        described = page.locator(f"#{name}").get_attribute("aria-describedby") or ""
        assert f"{name}-error" in described.split()

    # Everything typed is still there, exactly.
    after = field_values(page)
    assert after == before, (before, after)
    assert after["organisation"] == [organisation]
    assert after["side"] == ["education"]
    assert after["sector"] == [str(demo["sectors"]["Zorg"])]
    assert after[q["long_text"]][0].splitlines() == ["Eerste regel", "tweede regel"]
    assert "privacy" not in after and after["news"] == ["y"]

    # Corrected by keyboard from the summary, the form goes through.
    for target, keys in [("email", "anouk@example.org"), ("phone", "0527 123 456"),
                         (q["short_text"], "Personeel"), (f"{q['single']}-0", " "),
                         ("privacy", " ")]:
        page.locator(f"#error-summary a[href='#{target}']").focus()
        page.keyboard.press("Enter")
        if keys == " ":
            page.keyboard.press("Space")
        else:
            page.keyboard.press("ControlOrMeta+A")
            page.keyboard.type(keys)
    tab_to(page, lambda f: f["tag"] == "button" and f["type"] == "submit", limit=4)
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200, page.locator("#error-summary").inner_text()
    assert page.url.endswith("/aangemeld")


# --- 2. axe-core on every page of the sign-up, in both languages --------------------------

def _submit(page) -> int:
    with page.expect_navigation() as navigation:
        page.locator("main form button[type=submit]").click()
    return navigation.value.status


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_signup_pages_have_no_axe_violations(page, app, demo, lang):
    first = demo["sessions"][0]
    q = demo["questions"]
    email = f"axe-{lang}@example.org"
    axe = Axe(page, lang)
    page.goto("/")
    if lang != "nl":
        switch_language(page, lang)
    axe.check("home")
    page.goto(CONSULTATION)
    axe.check("consultation")

    page.goto(f"{FORM}?sessie={first}")
    axe.check("sign-up form (empty)")
    # Sent without anything: errors on sessions, name, e-mail, sector, side and privacy.
    page.locator("#sessions-0").uncheck()
    assert _submit(page) == 422
    expect(page.locator("#error-summary li")).to_have_count(6)
    axe.check("sign-up form (errors on the standard fields)")
    # Partly filled in: errors on the e-mail address, phone number and required questions.
    page.locator("#sessions-0").check()
    page.locator("#name").fill("Anouk Akkerman")
    page.locator("#email").fill("anouk@")
    page.locator("#sector").select_option(str(demo["sectors"]["Bouw"]))
    page.locator("#side-0").check()
    page.locator("#phone").fill("call me")
    assert _submit(page) == 422
    expect(page.locator("#error-summary li")).to_have_count(5)
    axe.check("sign-up form (errors on the questions)")

    page.locator("#email").fill(email)
    page.locator("#phone").fill("0527 123 456")
    page.locator(f"#{q['short_text']}").fill("Personeel")
    page.locator(f"#{q['single']}-2").check()
    page.locator("#privacy").check()
    assert _submit(page) == 200
    page.wait_for_url(re.compile(r"/aangemeld$"))
    axe.check("thank-you page")

    with app.app_context():
        token = (Registration.select(Registration.token).join(Participant)
                 .where(Participant.email == email).scalar())
    page.goto(f"/aanmelding/{token}")
    expect(page.locator("main form")).to_have_count(1)
    axe.check("self-service page")

    page.locator("a[href*='/annuleren/']").first.click()
    page.wait_for_url(re.compile(r"/annuleren/\d+$"))
    axe.check("cancellation confirmation")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/aanmelding/[^/]+$"))
    expect(page.locator(".messages")).to_be_visible()
    axe.check("self-service page (after cancelling)")

    page.locator("#name").fill("")
    page.locator("#phone").fill("call me")
    assert _submit(page) == 422
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#error-summary")).to_be_focused()
    axe.check("self-service page (details not saved: errors)")
    page.locator("#name").fill("Anouk Akkerman")
    page.locator("#phone").fill("")
    assert _submit(page) == 200
    expect(page.locator(".messages")).to_be_visible()
    axe.check("self-service page (details saved)")
    axe.assert_clean()


# --- 3. a visible focus indicator on the sign-up form --------------------------------------

def test_focus_is_visible_on_the_signup_form(page, demo):
    """Focused by keyboard, each kind of control shows an outline or a ring it does
    not have unfocused, also on the error state of the form."""
    page.goto(f"{FORM}?sessie={demo['sessions'][0]}")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_focused()
    assert_focus_visible(page)
    selectors = ["#error-summary a >> nth=0", "#sessions-0", "#name", "#email", "#sector",
                 "#side-0", "#privacy", "#news", "main form button[type=submit]",
                 "main > p > a >> nth=0", ".language-switch button"]
    for selector in selectors:
        element = page.locator(selector)
        blurred = element.evaluate("""el => { el.blur(); const cs = getComputedStyle(el);
            return [cs.outlineStyle, cs.outlineWidth, cs.boxShadow].join(' '); }""")
        # Focus by keyboard: the element before it, then Tab (:focus-visible applies).
        element.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        assert element.evaluate("el => el === document.activeElement"), selector
        assert_focus_visible(page)
        now = page.evaluate("""() => { const cs = getComputedStyle(document.activeElement);
            return [cs.outlineStyle, cs.outlineWidth, cs.boxShadow].join(' '); }""")
        assert now != blurred, f"{selector}: focus looks the same as no focus ({now})"


# --- 4. the consultation's own questions (issue 11, point 7) -------------------------------

@pytest.mark.parametrize("lang", ["nl", "en"])
def test_consultation_questions_have_no_axe_violations(page, app, demo, lang):
    """The consultation's questions in their own fieldset, before the sessions' ones; a
    required one left empty is in the summary, its link takes the focus to it, and a
    session's question there is named with its session."""
    with app.app_context():
        consultation = Consultation.get(Consultation.slug == DEMO_SLUG)
        heard = ConsultationQuestion.create(
            consultation=consultation, position=1, kind="single", required=True,
            label_nl="Hoe heeft u van deze consultatie gehoord?",
            label_en="How did you hear about this consultation?",
            choices_nl="Uitnodiging\nKrant\nAnders", choices_en="Invitation\nNewspaper\nOther")
        ConsultationQuestion.create(consultation=consultation, position=2, kind="long_text",
                                    label_nl="Opmerking", label_en="Remark")
        first = ConsultationSession.get_by_id(demo["sessions"][0])
    axe = Axe(page, lang)
    page.goto("/")
    if lang != "nl":
        switch_language(page, lang)
    page.goto(f"{FORM}?sessie={first.id}")
    group = page.locator("fieldset.question-group")
    expect(group.locator("legend").first).to_have_text(
        "Voor iedereen die zich aanmeldt" if lang == "nl" else "For everyone who signs up")
    expect(group.locator(f"#cq_{heard.id}-0")).to_have_count(1)
    axe.check("sign-up form with consultation questions")
    assert _submit(page) == 422
    summary = page.locator("#error-summary")
    expect(summary.locator(f"a[href='#cq_{heard.id}-0']")).to_have_count(1)
    expect(summary.locator(f"a[href='#{demo['questions']['short_text']}']")).to_contain_text(
        f"{first.title}: ")
    axe.check("sign-up form with consultation questions (errors)")
    summary.locator(f"a[href='#cq_{heard.id}-0']").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#cq_{heard.id}-0")).to_be_focused()
    axe.assert_clean()
