"""Malformed requests to every route in ``app.url_map``: never a 500, and a bad
request gets a 4xx with a message a person can read.

Public routes are asked anonymously, /admin routes as an administrator, with a
valid CSRF token wherever a form is posted (so what answers is the validation,
not the CSRF check). The demo data is loaded so that real ids exist.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterable
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask_babel import gettext
from peewee import JSONField, TextField
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter, Rule

from consultplatform.demo import load_demo
from consultplatform.errors import MESSAGES
from consultplatform.models import Consultation, PluginSetting
from consultplatform.plugins import registry
from consultplatform.testing.html import FormParser, admin_form
from tests.conftest import csrf_from, get_csrf
from tests.test_admin_access import (
    admin_rules,
    admin_views,
    assert_unchanged,
    build_url,
    first_id,
    is_static,
    table_snapshot,
    url_argument,
    view_of,
)

LONG = "x" * 10_000
LONG_NUMBER = "9" * 40  # more than a PostgreSQL bigint holds
# Superscript two passes str.isdigit() but not int(); Arabic-Indic one passes both;
# int() also takes " 1" and "1_0".
BAD_IDS = ["999999", "abc", "-1", "1.5", LONG_NUMBER, "", " 1", "1_0", "\u00b2", "\u0661",
           "1 OR 1=1", LONG]
IMPOSSIBLE_DATES = ["2026-02-30", "31-31-2026", "2026-13-01T25:61"]
WRONG_METHODS = ["PUT", "DELETE", "PATCH"]
TEXT_INPUTS = {"text", "textarea", "email", "url", "tel", "search", "password", "color"}
DATE_INPUTS = {"date", "datetime-local", "datetime", "time", "month", "week"}
# Arguments a list view (and its export) refuses: (query, why).
BAD_LIST_ARGS = [
    ({"sort": "999"}, "no such column"),
    ({"sort": "-1"}, "negative column"),
    ({"sort": "abc"}, "column not a number"),
    ({"sort": LONG_NUMBER}, "column overflows"),
    ({"desc": "abc"}, "direction not 0/1"),
    ({"page": "-5"}, "negative page"),
    ({"page": "abc"}, "page not a number"),
    ({"page": "1.5"}, "page not a whole number"),
    ({"page": LONG_NUMBER}, "page overflows"),
    ({"page_size": "abc"}, "page size not a number"),
    ({"page_size": "-1"}, "negative page size"),
    ({"page_size": LONG_NUMBER}, "page size overflows"),
    ({"flt0_999": "abc"}, "no such filter"),
    ({"flt0_abc": "1"}, "filter index not a number"),
    ({"search": LONG}, "overlong search"),
]


# --- helpers --------------------------------------------------------------------------


class Problems:
    """Collects every broken answer of a walk, so one run shows them all."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, what: str, response, expected: str) -> None:
        body = response.get_data(as_text=True)
        self.items.append(f"{what}: got {response.status_code}, expected {expected}\n"
                          f"    {body[:200]!r}")

    def check(self, what: str, response, codes: Iterable[int], texts: Iterable[str] = ()) -> bool:
        """``response`` has one of ``codes`` and, when it is an error, one of ``texts``."""
        codes = tuple(codes)
        ok = response.status_code in codes
        body = response.get_data(as_text=True)
        if ok and response.status_code >= 400 and texts:
            ok = any(text in body for text in texts)
        if not ok:
            self.add(what, response, f"{codes} with one of {list(texts)[:3]}")
        return ok

    def below_500(self, what: str, response) -> bool:
        if response.status_code >= 500:
            self.add(what, response, "< 500")
            return False
        return True

    def assert_none(self) -> None:
        # Server errors first: they are what matters most.
        items = sorted(self.items, key=lambda item: ": got 500," not in item)
        assert not items, f"{len(items)} bad answers:\n" + "\n".join(items[:60])


class Crash:
    """What a 500 looks like to these tests: the test app re-raises view errors
    (``TESTING``), so the exception is kept and reported as the answer."""

    status_code = 500

    def __init__(self, exc: BaseException) -> None:
        frames = traceback.extract_tb(exc.__traceback__)[-4:]
        self.text = f"{type(exc).__name__}: {exc}"[:300] + " at " + " <- ".join(
            f"{os.path.basename(f.filename)}:{f.lineno} {f.name}" for f in reversed(frames))

    def get_data(self, as_text: bool = False):
        return self.text if as_text else self.text.encode()

    def close(self) -> None:
        pass


def ask(client, method: str, url: str, **kwargs):
    """One request; an exception escaping the application counts as a 500 answer."""
    try:
        response = client.open(url, method=method, **kwargs)
    except Exception as exc:  # every error escaping the app is a 500 to report
        return Crash(exc)
    # Read the body now: streamed answers (files) are closed at once.
    response.get_data()
    response.close()
    return response


def readable(app: Flask, *codes: int) -> list[str]:
    """The title of the error page for ``codes``, in the default language (as shown)."""
    with app.test_request_context():
        return [str(MESSAGES[code][0]) for code in codes]


def translated(app: Flask, text: str) -> str:
    with app.test_request_context():
        return gettext(text)


def public_rules(app: Flask) -> list[Rule]:
    return sorted((r for r in app.url_map.iter_rules() if not r.rule.startswith("/admin")),
                  key=lambda r: r.rule)


def rules_named(app: Flask, view_name: str) -> list[Rule]:
    return [r for r in admin_rules(app) if r.endpoint.endswith("." + view_name)
            and view_of(app, r) is not None and getattr(view_of(app, r), "model", None)]


def with_query(url: str, query: dict) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(query)


def field_invalid(html: str, name: str) -> bool:
    """Is the form field ``name`` shown with an error (Bootstrap's ``is-invalid``)?"""
    parser = _InvalidParser(name)
    parser.feed(html)
    return parser.invalid


class _InvalidParser(FormParser):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name, self.invalid = name, False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("input", "select", "textarea") and a.get("name") == self.name \
                and "is-invalid" in (a.get("class") or ""):
            self.invalid = True
        super().handle_starttag(tag, attrs)


def unbounded(view, name: str) -> bool:
    """A model field without a length limit (TextField, JSON): long text is legitimate."""
    field = view.model._meta.fields.get(name)
    return isinstance(field, TextField | JSONField)


def row_of(view, ident) -> tuple | None:
    model = view.model
    row = model.get_or_none(model._meta.primary_key == ident)
    return tuple(sorted((k, repr(v)) for k, v in row.__data__.items())) if row else None


@pytest.fixture
def demo(app):
    with app.app_context():
        load_demo(registry())


# --- public routes, anonymous -----------------------------------------------------------------


def test_public_routes_refuse_wrong_methods_and_bad_arguments(app, client, demo):
    problems = Problems()
    token = get_csrf(client)
    not_allowed, not_found, bad = readable(app, 405), readable(app, 404), readable(app, 400)
    values = {"slug": Consultation.get().slug, "filename": "admin.css"}
    for rule in public_rules(app):
        url = app.url_map.bind("localhost").build(
            rule.endpoint, {a: values.get(a, "1") for a in rule.arguments})
        for method in sorted({*WRONG_METHODS, "GET", "POST"} - rule.methods):
            response = ask(client, method, url, data={"csrf_token": token})
            problems.check(f"{method} {url}", response, [405], not_allowed)
        if "GET" in rule.methods:
            # Unknown query arguments of every kind are ignored, never a 500.
            for junk in ({"id": "abc"}, {"id": LONG_NUMBER}, {"page": "-5"}, {"search": LONG},
                         {"next": LONG}, {"consultation": "abc"}, {LONG[:200]: LONG}):
                response = ask(client, "GET", with_query(url, junk))
                problems.below_500(f"GET {url} {next(iter(junk))[:20]}", response)
            for arg in rule.arguments:
                # Overlong and unknown URL arguments: not found. A numeric argument
                # cannot even be built from text, so it gets numbers out of range.
                numeric = isinstance(rule._converters[arg], IntegerConverter)
                for value in (("0", "99999999999", "9" * 40) if numeric else
                              (LONG, "does-not-exist", "../../etc/passwd")):
                    bad_url = app.url_map.bind("localhost").build(
                        rule.endpoint, {a: value if a == arg else values.get(a, "1")
                                        for a in rule.arguments})
                    response = ask(client, "GET", bad_url)
                    problems.check(f"GET {bad_url[:80]}", response, [404], not_found)
        if "POST" in rule.methods:
            # Every field far too long, with a valid token: refused or ignored, no 500.
            response = ask(client, "POST", url, data={"csrf_token": token, "email": LONG,
                                              "password": LONG, "lang": LONG, "next": LONG})
            problems.below_500(f"POST {url} (overlong)", response)
            # Without a token: refused, with a readable message.
            response = ask(client, "POST", url, data={"email": "a@example.org", "lang": "en"})
            problems.check(f"POST {url} (no CSRF token)", response, [400], bad)
    problems.assert_none()


def test_oversized_posts_are_refused(app, client, admin_client):
    """A body over MAX_CONTENT_LENGTH, to every route that takes a POST: 413, readable."""
    problems = Problems()
    too_large = readable(app, 413)
    size = app.config["MAX_CONTENT_LENGTH"] + 1
    for rule in public_rules(app) + admin_rules(app):
        if "POST" not in rule.methods:
            continue
        who = admin_client if rule.rule.startswith("/admin") else client
        url = build_url(app, rule, method="POST")
        response = ask(who, "POST", url, data={"csrf_token": "x", "title": "y" * size})
        problems.check(f"POST {url} ({size} bytes)", response, [413], too_large)
    problems.assert_none()


def test_login_refuses_overlong_input(app, client):
    token = get_csrf(client)
    response = ask(client, "POST", "/auth/login",
                   data={"csrf_token": token, "email": LONG + "@example.org", "password": LONG})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'name="email"' in body and 'name="password"' in body  # the form, shown again


# --- admin: methods and ids --------------------------------------------------------------


def test_admin_routes_refuse_wrong_methods(app, admin_client):
    problems = Problems()
    token = csrf_from(ask(admin_client, "GET", "/admin/consultation/new/").get_data(as_text=True))
    not_allowed = readable(app, 405)
    for rule in admin_rules(app):
        url = build_url(app, rule)
        for method in sorted({*WRONG_METHODS, "GET", "POST"} - rule.methods):
            response = ask(admin_client, method, url, data={"csrf_token": token})
            problems.check(f"{method} {url}", response, [405], not_allowed)
    problems.assert_none()


def test_admin_object_views_refuse_bad_ids(app, admin_client, demo):
    """Unknown ids and ids that cannot be ids, on every view about one record."""
    problems = Problems()
    token = csrf_from(ask(admin_client, "GET", "/admin/consultation/new/").get_data(as_text=True))
    missing = [translated(app, "This record does not exist."), *readable(app, 404)]
    refused = [*missing, *readable(app, 400, 403)]
    read_only = read_only_views(app, admin_client)

    def refusals(rule: Rule) -> list[int]:
        """A read-only view refuses every write (403) before looking at the ids."""
        return [400, 403, 404] if rule.endpoint.split(".")[0] in read_only else [400, 404]

    def post(rule: Rule, data) -> object:
        return ask(admin_client, "POST", build_url(app, rule), data=data)

    before = table_snapshot()
    for ident in BAD_IDS:
        short = ident[:12]
        for rule in rules_named(app, "details_view") + rules_named(app, "edit_view"):
            url = build_url(app, rule, {"id": ident})
            response = ask(admin_client, "GET", url)
            problems.check(f"GET {rule.rule}?id={short}", response, [404], missing)
            if "POST" in rule.methods:
                response = ask(admin_client, "POST", url, data={"csrf_token": token, "title": "x"})
                problems.check(f"POST {rule.rule}?id={short}", response, [404], missing)
        for rule in rules_named(app, "delete_view"):
            response = post(rule, {"csrf_token": token, "id": ident})
            problems.check(f"POST {rule.rule} id={short}", response,
                           [c for c in refusals(rule) if c != 400], refused)
        for rule in rules_named(app, "action_view"):
            response = post(rule, MultiDict([("csrf_token", token), ("action", "delete"),
                                             ("rowid", "1"), ("rowid", ident)]))
            problems.check(f"POST {rule.rule} rowid={short}", response, refusals(rule), refused)
        for rule in rules_named(app, "ajax_update"):
            response = post(rule, {"csrf_token": token, "list_form_pk": ident})
            problems.check(f"POST {rule.rule} pk={short}", response, refusals(rule), refused)
    # No id at all, or an action that does not exist.
    for rule in rules_named(app, "details_view") + rules_named(app, "edit_view"):
        response = ask(admin_client, "GET", build_url(app, rule))
        problems.check(f"GET {rule.rule} (no id)", response, [404], missing)
    for rule in rules_named(app, "delete_view"):
        response = post(rule, {"csrf_token": token})
        problems.check(f"POST {rule.rule} (no id)", response, refusals(rule), refused)
    for rule in rules_named(app, "action_view"):
        for data in ({"csrf_token": token, "action": "delete"},
                     {"csrf_token": token, "action": LONG, "rowid": "1"},
                     {"csrf_token": token, "rowid": "1"}):
            response = post(rule, data)
            problems.check(f"POST {rule.rule} {sorted(data)}", response, refusals(rule), refused)
    problems.assert_none()
    assert_unchanged(before)


# --- admin: list views -------------------------------------------------------------------------


def test_admin_list_views_refuse_bad_arguments(app, admin_client, demo):
    """Sort, page, page size and filter arguments Flask-Admin's own links never make."""
    problems = Problems()
    bad = readable(app, 400)
    for rule in rules_named(app, "index_view") + rules_named(app, "export"):
        view = view_of(app, rule)
        if rule.endpoint.endswith(".export") and not view.can_export:
            response = ask(admin_client, "GET", build_url(app, rule))
            problems.check(f"GET {rule.rule} (export off)", response, [404], readable(app, 404))
            continue
        base = build_url(app, rule)
        for query, why in BAD_LIST_ARGS:
            response = ask(admin_client, "GET", with_query(base, query))
            problems.check(f"GET {base} ({why})", response, [400], bad)
        # The smallest page: the checks below are about arguments, not rendering rows.
        small = with_query(base, {"page_size": min(view.page_size_options)})
        # Every column index: sortable ones sort, the others are refused.
        sortable = view._sortable_columns or {}
        for index in range(len(view._list_columns) + 1):
            response = ask(admin_client, "GET", with_query(small, {"sort": index, "desc": 1}))
            ok = index < len(view._list_columns) and view._list_columns[index][0] in sortable
            problems.check(f"GET {base} sort={index}", response, [200] if ok else [400], bad)
        # One filter of each kind, with values of the wrong kind and an overlong one.
        kinds_seen: set[str] = set()
        for index, flt in enumerate(view._filters or []):
            if type(flt).__name__ in kinds_seen:
                continue
            kinds_seen.add(type(flt).__name__)
            for value in ("abc", "2026-02-30", LONG):
                response = ask(admin_client, "GET", with_query(small, {f"flt0_{index}": value}))
                with app.app_context():  # a filter may ask the app (the session formats)
                    ok = flt.validate(value) and value != LONG
                problems.check(f"GET {base} filter {index} {type(flt).__name__}={value[:12]}",
                               response, [200] if ok else [400], bad)
        # What Flask-Admin's own links send still works.
        for query in ({"page": "1", "page_size": str(view.page_size)}, {"search": "a b"},
                      {"desc": "0"}):
            response = ask(admin_client, "GET", with_query(small, query))
            problems.check(f"GET {base} {query}", response, [200])
    for rule in rules_named(app, "ajax_lookup"):
        url = with_query(build_url(app, rule), {"name": LONG, "query": LONG, "limit": "abc"})
        problems.check(f"GET {rule.rule} (unknown lookup)", ask(admin_client, "GET", url),
                       [400, 404], readable(app, 400, 404))
    problems.assert_none()


# --- admin: forms -------------------------------------------------------------------------------


def read_only_views(app: Flask, admin_client) -> set[str]:
    """Endpoints of model views not even an administrator may write (the audit log):
    their write routes answer 403 before looking at the request."""
    return {rule.endpoint.split(".")[0] for rule in rules_named(app, "create_view")
            if ask(admin_client, "GET", build_url(app, rule)).status_code == 403}


def model_form_views(app: Flask, admin_client) -> list[tuple[object, str, str, list[dict]]]:
    """(view, create url, edit url, fields of the filled-in edit form) for each model view
    an administrator can edit."""
    found = []
    for rule in rules_named(app, "edit_view"):
        view = view_of(app, rule)
        if not view.write_roles:  # read-only for everyone (audit log, outbox)
            continue
        ident = first_id(view)
        assert ident is not None, f"no demo row for {rule.rule}"
        edit_url = build_url(app, rule, {"id": ident})
        page = ask(admin_client, "GET", edit_url)
        if page.status_code == 403:  # read-only for everyone (the audit log)
            continue
        assert page.status_code == 200, (edit_url, page.status_code)
        create_rule = next(r for r in rules_named(app, "create_view")
                           if r.endpoint.split(".")[0] == rule.endpoint.split(".")[0])
        found.append((view, build_url(app, create_rule), edit_url,
                      admin_form(page.get_data(as_text=True))))
    assert len(found) >= 8
    return found


def replaced(fields: list[dict], name: str, value: str) -> MultiDict:
    data = MultiDict()
    for field in fields:
        if field["name"] == name:
            continue
        data.add(field["name"], field["value"])
    data.add(name, value)
    return data


def test_admin_forms_refuse_overlong_text_and_impossible_dates(app, admin_client, demo):
    problems = Problems()
    unprocessable = readable(app, 422)
    for view, create_url, edit_url, fields in model_form_views(app, admin_client):
        ident = first_id(view)
        for field in fields:
            name, kind = field["name"], field["type"]
            if name == "csrf_token":
                continue
            values: list[str] = []
            if kind in TEXT_INPUTS:
                values = [LONG]
            elif kind == "select":
                values = [LONG, LONG_NUMBER, "-1"]
            elif kind in DATE_INPUTS:
                values = [*IMPOSSIBLE_DATES, LONG]
            elif kind == "number":
                values = ["abc", LONG_NUMBER, "1.5e999"]
            for value in values:
                long_text = value == LONG and kind in ("text", "textarea") and unbounded(view, name)
                for url in (create_url, edit_url):
                    what = f"POST {url} {name}={value[:12]}"
                    count = view.model.select().count()
                    row = row_of(view, ident)
                    response = ask(admin_client, "POST", url, data=replaced(fields, name, value))
                    if long_text:
                        # Long text in a text column is legitimate; it must just not fail.
                        problems.below_500(what, response)
                        continue
                    body = response.get_data(as_text=True)
                    if not problems.check(what, response, [422]):
                        continue
                    if not (field_invalid(body, name) or any(t in body for t in unprocessable)):
                        problems.add(what, response, "the form with the field's error")
                    if view.model.select().count() != count or row_of(view, ident) != row:
                        problems.add(what, response, "no change to the data")
    problems.assert_none()


def test_admin_posts_with_garbage_change_nothing(app, admin_client, demo):
    """Every POST route of the admin, with every form field and usual argument far too long."""
    problems = Problems()
    token = csrf_from(ask(admin_client, "GET", "/admin/consultation/new/").get_data(as_text=True))
    garbage = {key: LONG for key in ("id", "rowid", "action", "name", "enabled", "list_form_pk",
                                     "url", "greeting", "limit", "title", "slug", "email")}
    for _view, _create, _edit, fields in model_form_views(app, admin_client):
        garbage.update({f["name"]: LONG for f in fields if f["name"] != "csrf_token"})
    read_only = read_only_views(app, admin_client)
    texts = [*readable(app, 400, 403, 404, 409, 413, 422), "is-invalid"]
    before = table_snapshot()
    for rule in admin_rules(app):
        if "POST" not in rule.methods:
            continue
        view = view_of(app, rule)
        ident = first_id(view) if view is not None else None
        # 409: what the thing's state no longer allows (the demo's validation round is
        # closed: it cannot be opened, closed or voted on again), said in words.
        codes = [400, 404, 409, 413, 422]
        if rule.endpoint.split(".")[0] in read_only:
            codes.append(403)
        for query in ({}, {"id": ident if ident is not None else LONG}):
            url = build_url(app, rule, query, "POST")
            response = ask(admin_client, "POST", url, data={"csrf_token": token, **garbage})
            problems.check(f"POST {url} (garbage)", response, codes, texts)
    problems.assert_none()
    assert_unchanged(before)


def test_admin_get_routes_survive_junk_arguments(app, admin_client, demo):
    """Every admin GET route: junk query arguments never make a 500, and an overlong
    or unknown URL argument (plugin name, export type, file name) is not found."""
    problems = Problems()
    not_found = readable(app, 404)
    for rule in admin_rules(app):
        if "GET" not in rule.methods:
            continue
        if not is_static(rule):
            for junk in ({"id": LONG_NUMBER, "consultation": LONG_NUMBER, "url": LONG},
                         {"id": LONG, "name": LONG, "query": LONG}, {LONG[:500]: "1"}):
                url = build_url(app, rule, junk)
                problems.below_500(f"GET {url[:100]}", ask(admin_client, "GET", url))
        for arg in rule.arguments:
            # A numeric argument cannot even be built from text: numbers out of range.
            numeric = isinstance(rule._converters[arg], IntegerConverter)
            for value in (("0", "99999999999", "9" * 40) if numeric else (LONG, "does-not-exist")):
                with app.app_context():
                    others = {a: url_argument(a) if isinstance(rule._converters[a],
                                                               IntegerConverter) else "fullhooks"
                              for a in rule.arguments}
                url = app.url_map.bind("localhost").build(rule.endpoint, {**others, arg: value})
                problems.check(f"GET {rule.rule} {arg}={value[:12]}", ask(admin_client, "GET", url),
                               [404], not_found)
    problems.assert_none()


# --- admin: plugins page --------------------------------------------------------------------------


def settings_url(app: Flask, plugin: str = "fullhooks", **query) -> str:
    rule = next(r for r in admin_rules(app) if r.endpoint == "plugins.settings")
    values = {arg: plugin for arg in rule.arguments}
    return app.url_map.bind("localhost").build(rule.endpoint, {**values, **query})


def test_plugin_settings_refuse_bad_consultation_and_values(app, admin_client, demo):
    problems = Problems()
    not_found, unprocessable = readable(app, 404), readable(app, 422)
    page = ask(admin_client, "GET", settings_url(app))
    assert page.status_code == 200
    token = csrf_from(page.get_data(as_text=True))
    for ident in BAD_IDS:
        url = settings_url(app, consultation=ident)
        problems.check(f"GET settings consultation={ident[:12]}", ask(admin_client, "GET", url), [404],
                       not_found)
        response = ask(admin_client, "POST", url, data={"csrf_token": token, "greeting": "x"})
        problems.check(f"POST settings consultation={ident[:12]}", response, [404], not_found)
    for plugin in ("does-not-exist", LONG, "core"):
        response = ask(admin_client, "GET", settings_url(app, plugin))
        problems.check(f"GET settings of {plugin[:12]}", response, [404], not_found)
    consultation = Consultation.get()
    for query in ({}, {"consultation": consultation.id}):
        for value in ("abc", LONG_NUMBER, "-1", "1.5", LONG):
            count = PluginSetting.select().count()
            response = ask(admin_client, "POST", settings_url(app, **query),
                                         data={"csrf_token": token, "greeting": "hoi",
                                               "limit": value})
            what = f"POST settings {query} limit={value[:12]}"
            if problems.check(what, response, [422]):
                body = response.get_data(as_text=True)
                if not (field_invalid(body, "limit") or any(t in body for t in unprocessable)):
                    problems.add(what, response, "the form with the field's error")
            if PluginSetting.select().count() != count:
                problems.add(what, response, "no settings stored")
        response = ask(admin_client, "POST", settings_url(app, **query),
                                     data={"csrf_token": token, "greeting": LONG, "limit": "3"})
        problems.below_500(f"POST settings {query} greeting=LONG", response)
    problems.assert_none()


def test_plugin_toggle_refuses_unknown_plugins(app, admin_client, demo):
    problems = Problems()
    token = csrf_from(ask(admin_client, "GET", "/admin/plugins/").get_data(as_text=True))
    rule = next(r for r in admin_rules(app) if r.endpoint == "plugins.toggle")
    url = build_url(app, rule)
    before = table_snapshot()
    for name in ("does-not-exist", LONG, "", "core"):
        for enabled in ("0", "1"):
            response = ask(admin_client, "POST", url, data={"csrf_token": token, "name": name,
                                                    "enabled": enabled})
            problems.check(f"POST toggle {name[:12]!r} {enabled}", response, [400, 404],
                           readable(app, 400, 404))
    assert_unchanged(before)
    assert registry(app).is_enabled("fullhooks")
    problems.assert_none()


def test_plugin_toggle_refuses_a_malformed_switch(app, admin_client, demo):
    token = csrf_from(ask(admin_client, "GET", "/admin/plugins/").get_data(as_text=True))
    rule = next(r for r in admin_rules(app) if r.endpoint == "plugins.toggle")
    for enabled in (LONG, "", "yes"):
        response = ask(admin_client, "POST", build_url(app, rule),
                       data={"csrf_token": token, "name": "fullhooks", "enabled": enabled})
        assert response.status_code == 400, (enabled[:12], response.status_code)
        assert registry(app).is_enabled("fullhooks")


def test_the_walks_cover_every_model_view(app):
    """The url_map walks reach every model view, a plugin's too, with all its routes."""
    views = {name for name, view in admin_views(app).items() if getattr(view, "model", None)}
    assert {"consultation", "session", "participant", "fullhooks_note"} <= views
    for name in ("index_view", "create_view", "edit_view", "details_view", "delete_view",
                 "action_view"):
        assert {r.endpoint.split(".")[0] for r in rules_named(app, name)} == views, name
