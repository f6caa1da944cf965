"""Every /admin URL the application has, asked for without logging in and by a
read-only (viewer) account: no page, no data, no change.

The URLs come from ``app.url_map``, so admin views a plugin adds later are
walked without editing this file.
"""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict
from werkzeug.routing import Rule

from consultplatform.db import db
from consultplatform.demo import load_demo
from consultplatform.models import (
    AuditLog,
    Consultation,
    ConsultationSession,
    Participant,
    StaffUser,
)
from consultplatform.plugins import registry
from consultplatform.testing.html import admin_form
from tests.conftest import csrf_from, get_csrf, login, make_staff

# Sensible values for the URL arguments of admin rules; anything else gets "1".
URL_ARGUMENTS = {"plugin": "fullhooks", "name": "fullhooks", "export_type": "csv",
                 "filename": "admin/css/bootstrap4/admin.css"}
# Flask answers OPTIONS itself, without calling the view: an empty 200 with an Allow header.
AUTOMATIC = {"OPTIONS"}
# Tables whose content may change while a request is refused: the refusal is logged.
LOG_TABLES = {"audit_log"}


# --- helpers (test_malformed uses them too) ----------------------------------------


def admin_rules(app: Flask) -> list[Rule]:
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/admin")]
    assert len(rules) > 20, "the admin has far fewer URLs than expected"
    return sorted(rules, key=lambda r: r.rule)


def is_static(rule: Rule) -> bool:
    return rule.endpoint == "static" or rule.endpoint.endswith(".static")


def admin_views(app: Flask) -> dict[str, object]:
    """Endpoint name -> Flask-Admin view object."""
    return {view.endpoint: view for view in app.extensions["admin"][0]._views}


def view_of(app: Flask, rule: Rule):
    return admin_views(app).get(rule.endpoint.split(".", 1)[0])


def first_id(view) -> int | None:
    """The id of an existing row of the view's model (demo data), if the view has one."""
    model = getattr(view, "model", None)
    if model is None:
        return None
    row = model.select().order_by(model._meta.primary_key).first()
    return row._pk if row is not None else None


def url_argument(arg: str) -> str:
    """A value for a URL argument: real demo rows for the ids plugin pages take."""
    if arg in URL_ARGUMENTS:
        return URL_ARGUMENTS[arg]
    if arg in ("session_id", "insight_id"):
        from consultplatform.models import Insight

        # The newest open session whose format has a staff page (the demo's live arena).
        formats = registry().formats()
        session = next((s for s in ConsultationSession.select()
                        .where(ConsultationSession.status == "planned")
                        .order_by(ConsultationSession.id.desc())
                        if s.format_key in formats and formats[s.format_key][1].staff_endpoint),
                       None)
        if session is None:
            return "1"
        if arg == "session_id":
            return str(session.id)
        insight = Insight.get_or_none(Insight.session == session.id)
        return str(insight.id) if insight else "1"
    if arg == "consultation_id":
        consultation = Consultation.select().order_by(Consultation.id).first()
        return str(consultation.id) if consultation else "1"
    return "1"


def build_url(app: Flask, rule: Rule, query: dict | None = None, method: str | None = None) -> str:
    with app.app_context():
        values = {arg: url_argument(arg) for arg in rule.arguments}
    values.update(query or {})
    adapter = app.url_map.bind("localhost")
    return adapter.build(rule.endpoint, values, method=method if method in rule.methods else None)


def table_snapshot() -> dict[str, list[tuple]]:
    """Every row of every table but the logs, to compare before and after."""
    database = db.obj
    snapshot = {}
    for table in sorted(database.get_tables()):
        if table in LOG_TABLES or table == "schema_migration":
            continue
        rows = database.execute_sql(f'SELECT * FROM "{table}"').fetchall()
        snapshot[table] = sorted(rows, key=repr)
    return snapshot


def assert_unchanged(before: dict[str, list[tuple]]) -> None:
    after = table_snapshot()
    changed = {t for t in before if before[t] != after.get(t)}
    assert not changed, f"tables changed by refused requests: {sorted(changed)}"
    counts = {t: (len(before[t]), len(after[t])) for t in before}
    assert all(a == b for a, b in counts.values()), counts


def demo_secrets() -> list[str]:
    """Strings that only appear where demo data is shown."""
    consultation = Consultation.get()
    people = list(Participant.select().order_by(Participant.id).limit(5))
    staff = [u.email for u in StaffUser.select() if u.email.endswith("@example.org")]
    values = [consultation.title, consultation.organiser, "Demo note for", *staff]
    for person in people:
        values += [person.name, person.email]
    return values


# --- fixtures -----------------------------------------------------------------------


@pytest.fixture
def demo(app):
    with app.app_context():
        load_demo(registry())
    return demo_secrets()


def assert_no_data(response, secrets: list[str], what: str) -> None:
    body = response.get_data(as_text=True)
    leaked = [s for s in secrets if s in body]
    assert not leaked, f"{what} shows demo data {leaked}"


# --- not logged in --------------------------------------------------------------------


def test_every_admin_url_refuses_anonymous_visitors(app, client, demo):
    """Each /admin rule, with each of its methods plus GET and POST: a redirect to the
    login page or a 403, never the page and never a row of data."""
    token = get_csrf(client)
    before = table_snapshot()
    checked = 0
    for rule in admin_rules(app):
        if is_static(rule):
            continue
        view = view_of(app, rule)
        ident = first_id(view) if view is not None else None
        query = {"id": ident} if ident is not None else {}
        if rule.endpoint.endswith(".settings"):
            query["consultation"] = Consultation.get().id
        for method in sorted(set(rule.methods) | {"GET", "POST"}):
            url = build_url(app, rule, query, method)
            what = f"{method} {url} (anonymous)"
            data = None
            if method == "POST":
                # Everything a successful write would need, with a valid CSRF token, so the
                # access check is what answers, not CSRF.
                data = {"csrf_token": token, "id": str(ident or 1), "rowid": str(ident or 1),
                        "action": "delete", "name": "fullhooks", "enabled": "0",
                        "list_form_pk": str(ident or 1), "greeting": "changed", "title": "changed"}
            response = client.open(url, method=method, data=data)
            assert_no_data(response, demo, what)
            if method not in rule.methods:
                assert response.status_code == 405, what
            elif method in AUTOMATIC:
                assert response.status_code == 200 and response.get_data() == b"", what
            elif response.status_code in (302, 303):
                assert "/auth/login" in response.headers["Location"], what
            else:
                assert response.status_code == 403, (what, response.status_code)
            if method == "POST" and method in rule.methods:
                # Without a token the request is refused as well (by CSRF, 400).
                bare = client.post(url, data={k: v for k, v in data.items() if k != "csrf_token"})
                assert bare.status_code in (302, 303, 400, 403), (what, bare.status_code)
                assert_no_data(bare, demo, what + " without CSRF token")
            checked += 1
    assert checked > 50
    assert_unchanged(before)
    assert registry(app).is_enabled("fullhooks")


def test_admin_static_files_hold_no_data(app, client, demo):
    """Static files (CSS, scripts) are public, but they are files: never data."""
    for rule in admin_rules(app):
        if not is_static(rule):
            continue
        response = client.get(build_url(app, rule))
        assert response.status_code in (200, 304, 404), rule.rule
        assert_no_data(response, demo, rule.rule)
        response.close()


def test_refusal_works_for_a_logged_out_session(app, client, demo):
    """Logging out ends admin access at once."""
    user = make_staff("admin")
    login(client, user)
    assert client.get("/admin/participant/").status_code == 200
    token = csrf_from(client.get("/admin/participant/").get_data(as_text=True))
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 303
    response = client.get("/admin/participant/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert_no_data(response, demo, "participants after logout")


# --- viewer: may read, may not write ---------------------------------------------------


# POSTs that change a staff member's own preference, not the data: every role may.
OWN_PREFERENCES = {"workspace.index"}
# POSTs that ask for a copy of what the reader may see (an export file), not a change;
# a download's POST (the purpose of a personal dataset) is refused to a viewer in the
# exports plugin's own tests (plugins/exports/tests/test_page.py).
READ_REQUESTS = {"exports_page.start_job", "exports_page.download"}


def write_rules(app: Flask) -> list[Rule]:
    """Every /admin rule that accepts a POST changes something; its form pages count too."""
    return [r for r in admin_rules(app)
            if "POST" in r.methods and r.endpoint not in OWN_PREFERENCES | READ_REQUESTS]


def post_data_for(app, admin_client, rule: Rule, token: str) -> dict | MultiDict:
    """A request body that would succeed (or nearly) for an administrator."""
    view = view_of(app, rule)
    ident = first_id(view) if view is not None else None
    name = rule.endpoint.split(".", 1)[1]
    if name in ("edit_view", "create_view") and ident is not None:
        page = admin_client.get(build_url(app, view_rule(app, rule, "edit_view"), {"id": ident}))
        if page.status_code == 403:  # not even an administrator may (the audit log)
            return {"csrf_token": token, "id": str(ident), "action": "changed by viewer"}
        assert page.status_code == 200, rule.rule
        fields = [f for f in admin_form(page.get_data(as_text=True)) if f["name"] != "csrf_token"]
        # Change the free-text values, so an edit that got through would show.
        changed = [(f["name"], f["value"] + " (viewer)" if is_prose(f) else f["value"])
                   for f in fields]
        return MultiDict([("csrf_token", token), *changed])
    return {"csrf_token": token, "id": str(ident or 1), "rowid": str(ident or 1),
            "action": "delete", "name": "fullhooks", "enabled": "0",
            "list_form_pk": str(ident or 1), "greeting": "changed by viewer", "limit": "7"}


def is_prose(field: dict) -> bool:
    """A filled-in text field that takes any words (not an address, slug, colour...)."""
    formatted = ("slug", "colour", "email", "url", "phone", "password")
    return field["type"] in ("text", "textarea") and bool(field["value"]) \
        and "@" not in field["value"] and not field["value"].startswith("http") \
        and not any(word in field["name"] for word in formatted)


def view_rule(app: Flask, rule: Rule, name: str) -> Rule:
    prefix = rule.endpoint.split(".", 1)[0]
    return next(r for r in app.url_map.iter_rules() if r.endpoint == f"{prefix}.{name}")


def test_viewer_cannot_use_any_write_endpoint(app, admin_client, demo):
    """Every /admin rule that takes a POST (create, edit, delete, actions, list edits,
    plugin switch and settings), with a body an administrator could send: 403 for a
    viewer, for the form pages too, and no row changes."""
    viewer_user = make_staff("viewer")
    viewer = app.test_client()
    login(viewer, viewer_user)
    # The viewer can read: the access checks below are about writing, not about the login.
    assert viewer.get("/admin/participant/").status_code == 200
    token = csrf_from(viewer.get("/admin/participant/").get_data(as_text=True))
    bodies = {rule.endpoint: post_data_for(app, admin_client, rule, token)
              for rule in write_rules(app)}
    audit_before = db.obj.execute_sql("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    before = table_snapshot()
    checked = 0
    for rule in write_rules(app):
        view = view_of(app, rule)
        ident = first_id(view) if view is not None else None
        query = {"id": ident} if ident is not None else {}
        for method in sorted(set(rule.methods) - AUTOMATIC):
            url = build_url(app, rule, query, method)
            what = f"{method} {url} (viewer)"
            data = bodies[rule.endpoint] if method == "POST" else None
            response = viewer.open(url, method=method, data=data)
            assert response.status_code == 403, (what, response.status_code,
                                                  response.get_data(as_text=True)[:300])
            checked += 1
    # The plugin settings of one consultation, too.
    settings = build_url(app, next(r for r in write_rules(app) if r.endpoint == "plugins.settings"),
                         {"consultation": Consultation.get().id})
    assert viewer.post(settings, data=bodies["plugins.settings"]).status_code == 403
    assert checked >= len(write_rules(app)) > 40
    assert_unchanged(before)
    assert registry(app).is_enabled("fullhooks")
    # Each refusal is in the audit log, and nothing else is.
    new = list(AuditLog.select().order_by(AuditLog.id).offset(audit_before))
    assert new and all(entry.result == "denied" for entry in new), [
        (e.action, e.result) for e in new]
