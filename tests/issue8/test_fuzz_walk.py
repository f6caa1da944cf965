"""The walks of test_malformed, with what issue 8 found: CR/LF in redirect targets,
malformed Host headers and control characters in every form field. No 500 anywhere;
a refused form shows its field's error and changes nothing."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from consultplatform.demo import load_demo
from consultplatform.plugins import registry
from tests.conftest import csrf_from, get_csrf
from tests.test_admin_access import admin_rules, build_url, is_static
from tests.test_malformed import (
    TEXT_INPUTS,
    Problems,
    ask,
    field_invalid,
    model_form_views,
    public_rules,
    replaced,
    row_of,
    with_query,
)
from tests.test_malformed import first_id as first_row_id

BAD_HOSTS = ["..", "a..", "a" * 64 + ".example.org", "exa mple.org"]
CRLF_TARGETS = ["/\r\nSet-Cookie: owned=1", "/admin/\nX-Evil: 1", "/\x00", "/\x1b[2J"]
CONTROL_VALUES = ["x\r\ny", "x\x1by", "x\u202ey", "x\x00y"]


@pytest.fixture
def demo(app):
    with app.app_context():
        load_demo(registry())


def _all_rules(app):
    return [r for r in public_rules(app) + admin_rules(app) if not is_static(r)]


def test_malformed_hosts_on_every_route(app, client, admin_client, demo):
    problems = Problems()
    for rule in _all_rules(app):
        who = admin_client if rule.rule.startswith("/admin") else client
        url = build_url(app, rule, method="GET" if "GET" in rule.methods else "POST")
        for host in BAD_HOSTS:
            method = "GET" if "GET" in rule.methods else "POST"
            response = ask(who, method, url, headers={"Host": host})
            problems.check(f"{method} {url} Host={host[:12]}", response, [400],
                           ["Ongeldig verzoek"])
    problems.assert_none()


def test_crlf_redirect_targets_on_every_route(app, client, admin_client, demo):
    problems = Problems()
    public_token = get_csrf(client)
    admin_token = csrf_from(ask(admin_client, "GET", "/admin/consultation/new/")
                            .get_data(as_text=True))
    for rule in _all_rules(app):
        admin = rule.rule.startswith("/admin")
        who, token = (admin_client, admin_token) if admin else (client, public_token)
        for target in CRLF_TARGETS:
            query = {"next": target, "url": target}
            if "GET" in rule.methods:
                url = with_query(build_url(app, rule, method="GET"), query)
                response = ask(who, "GET", url)
                if problems.below_500(f"GET {rule.rule} next={target!r}", response) \
                        and "\n" in response.headers.get("Location", ""):
                    problems.add(f"GET {rule.rule}", response, "no line break in Location")
            if "POST" in rule.methods:
                url = build_url(app, rule, method="POST")
                response = ask(who, "POST", url, data={"csrf_token": token, **query})
                if problems.below_500(f"POST {rule.rule} next={target!r}", response) \
                        and "\n" in response.headers.get("Location", ""):
                    problems.add(f"POST {rule.rule}", response, "no line break in Location")
    problems.assert_none()


def test_control_characters_in_every_admin_text_field(app, admin_client, demo):
    problems = Problems()
    for view, create_url, edit_url, fields in model_form_views(app, admin_client):
        ident = first_row_id(view)
        for field in fields:
            if field["type"] not in TEXT_INPUTS or field["name"] == "csrf_token":
                continue
            for value in CONTROL_VALUES:
                multi_line_ok = field["type"] == "textarea" and value == "x\r\ny"
                for url in (create_url, edit_url):
                    count, row = view.model.select().count(), row_of(view, ident)
                    data = replaced(fields, field["name"], value)
                    response = ask(admin_client, "POST", url, data=data)
                    what = f"POST {url} {field['name']}={value!r}"
                    if multi_line_ok:
                        problems.below_500(what, response)
                        continue
                    if not problems.check(what, response, [422]):
                        continue
                    if not field_invalid(response.get_data(as_text=True), field["name"]):
                        problems.add(what, response, "the field's own error")
                    if view.model.select().count() != count or row_of(view, ident) != row:
                        problems.add(what, response, "no change to the data")
    problems.assert_none()


def test_control_characters_in_every_public_form(app, client, demo):
    """Every public POST route with every usual field full of control characters."""
    problems = Problems()
    token = get_csrf(client)
    for rule in public_rules(app):
        if "POST" not in rule.methods:
            continue
        url = build_url(app, rule, method="POST")
        for value in CONTROL_VALUES:
            data = MultiDict({"csrf_token": token, "name": value, "email": value,
                              "organisation": value, "phone": value, "password": value,
                              "lang": value, "next": value})
            problems.below_500(f"POST {rule.rule} {value!r}", ask(client, "POST", url, data=data))
    problems.assert_none()
