"""Which pages a statement-count test must cover: every GET endpoint of the app,
split by the plugin that owns it (the core's are owned by none)."""

from __future__ import annotations

from flask import Flask

from consultplatform.plugins import registry


def page_endpoints(app: Flask, owner: str | None = None) -> set[str]:
    """GET endpoints that serve pages (static files left out) owned by plugin ``owner``,
    or by no plugin when ``owner`` is None."""
    plugins = [name for name in registry(app).names() if name != "core"]
    found = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint.split(".")[-1] == "static":
            continue
        blueprint = rule.endpoint.split(".")[0]
        owners = [name for name in plugins if registry(app).owns(name, blueprint)]
        if (owner is None and not owners) or owner in owners:
            found.add(rule.endpoint)
    return found


def assert_all_covered(app: Flask, covered: set[str], owner: str | None = None) -> None:
    """Fail for a page without a statement-count test (or a test for a page gone)."""
    pages = page_endpoints(app, owner)
    assert not pages - covered, f"pages without a statement-count test: {sorted(pages - covered)}"
    assert not covered - pages, f"tests for pages that do not exist: {sorted(covered - pages)}"
