"""The consultation dashboard (issue 11, point 2): the trajectory as steps in the
case's order, each with its state, its figures and what is missing, with links
that open the page that fixes it; plugins add their steps (cp_trajectory_steps)."""

from __future__ import annotations

import datetime as dt
import re

from consultplatform.demo import load_demo
from consultplatform.models import Consultation, Sector
from consultplatform.plugins import registry
from consultplatform.testing import assert_flat_statements, factories
from consultplatform.testing import choose_consultation as choose
from tests.plugin_fullhooks.models import FullhooksNote


def _steps(html: str) -> list[tuple[str, str]]:
    """(step key, state) in the order shown."""
    return re.findall(r'class="cp-step cp-step-(\w+) mb-4" id="stap-(\w+)"', html)


def test_a_new_empty_consultation_lists_what_to_do_first(app, admin_client):
    empty = factories.consultation(title="Nieuwe consultatie", status="draft",
                                   formats=["general", "expertarena"], retention_until=None)
    assert choose(admin_client, empty).status_code == 303
    html = admin_client.get("/admin/").get_data(as_text=True)
    keys = [key for _state, key in _steps(html)]
    assert keys == ["setup", "signup", "expertarenas", "fullhooks_notes", "agenda"]
    assert ("not_started", "setup") in _steps(html)
    for missing in ("Nog geen bewaartermijn", "Nog geen sectoren", "Nog geen thema",
                    "Nog geen bijeenkomsten", "concept"):
        assert missing in html, missing
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', html)
    sector_link = next(url for url, text in links if "sectoren" in text)
    assert sector_link == f"/admin/sector/new/?consultation={empty.id}"
    assert admin_client.get(sector_link).status_code == 200
    retention = next(url for url, text in links if "bewaartermijn" in text)
    assert retention == f"/admin/consultation/edit/?id={empty.id}"
    assert admin_client.get(retention).status_code == 200


def test_the_demo_shows_each_steps_state_and_figures(app, admin_client):
    with app.app_context():
        load_demo(registry())
    demo = Consultation.get()
    assert choose(admin_client, demo).status_code == 303
    html = admin_client.get("/admin/").get_data(as_text=True)
    states = dict((key, state) for state, key in _steps(html))
    assert states["setup"] == "done"  # the demo is complete and published
    assert states["signup"] == "in_progress"
    assert states["expertarenas"] == "in_progress"  # six closed, one going on
    assert states["workshops"] == "in_progress"  # one closed, one prepared
    assert states["agenda"] == "done"  # the workshops' five items, each with a decision
    assert "Expertarena Landbouw" in html and "Inzichten" in html


def test_hook_cp_trajectory_steps(app, admin_client):
    """The test plugin's step shows with its check, and goes when it is switched off."""
    parent = factories.consultation(retention_until=dt.date(2040, 1, 1),
                                    contact_email="x@example.org")
    assert choose(admin_client, parent).status_code == 303
    html = admin_client.get("/admin/").get_data(as_text=True)
    assert "Notes (test)" in html and "No notes yet" in html
    FullhooksNote.create(title="een")
    assert "No notes yet" not in admin_client.get("/admin/").get_data(as_text=True)
    with app.app_context():
        registry().set_enabled("fullhooks", False)
    assert "Notes (test)" not in admin_client.get("/admin/").get_data(as_text=True)


def test_the_dashboard_costs_the_same_statements_for_few_and_many(app, admin_client):
    parent = factories.consultation(formats=["general", "expertarena"])
    factories.session(parent, format_key="expertarena", sector=factories.sector(parent))
    assert choose(admin_client, parent).status_code == 303

    def more() -> None:
        for n in range(4):
            sector = Sector.create(consultation=parent, name=f"Sector {n}")
            meeting = factories.session(parent, format_key="expertarena", sector=sector)
            factories.registration(factories.participant(parent, sector=sector), meeting)
            factories.session(parent, capacity=None, audience="invite")

    assert_flat_statements(admin_client, "/admin/", more)
