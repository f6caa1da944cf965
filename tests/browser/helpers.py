"""Helpers shared by the browser tests: axe-core runs, the language button,
keyboard navigation and focus inspection. The fixtures are in conftest.py."""

from __future__ import annotations

import os
from pathlib import Path

try:
    from playwright.sync_api import expect
except ImportError:  # the test modules skip themselves when Playwright is missing
    expect = None

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "correct horse battery"
LANGUAGE_BUTTON = {"en": "English", "nl": "Nederlands"}

AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary || ''})),
  }));
}"""


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
    """What has the keyboard focus: tag, id, class, text, and for controls
    their name, type, value and checked state; link targets as written."""
    return page.evaluate("""() => {
      const el = document.activeElement;
      return {tag: el.tagName.toLowerCase(), id: el.id, cls: el.className,
              text: (el.textContent || '').trim(), name: el.getAttribute('name') || '',
              type: el.getAttribute('type') || '', value: el.value === undefined ? null : el.value,
              checked: el.checked === undefined ? null : el.checked,
              href: el.getAttribute('href') || ''};
    }""")


def wait_for_focus(page, element_id: str) -> None:
    """Wait until the element with this id has the focus: following a
    fragment link moves the focus after the key press returns, later
    still on a loaded machine; fails after Playwright's timeout."""
    page.wait_for_function(
        "id => document.activeElement && document.activeElement.id === id", arg=element_id
    )
    assert focused(page)["id"] == element_id


def keyboard_login(page, email: str, password: str) -> None:
    """From a fresh login page, by keyboard only: skip link, then into the form."""
    page.keyboard.press("Tab")
    assert "skip-link" in focused(page)["cls"]
    page.keyboard.press("Enter")
    wait_for_focus(page, "main")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "email", focused(page)
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "password", focused(page)
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
