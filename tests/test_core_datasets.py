"""The core's export datasets: rows and counts, scope, isolation, erasure, statements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from flask_babel import force_locale

from consultplatform.contributions import AGGREGATE, COLUMN_KINDS, PERSONAL, ExportScope
from consultplatform.models import Insight, InsightTheme, Theme
from consultplatform.plugins import registry
from consultplatform.privacy.erasure import erase_participant
from consultplatform.testing import count_queries, factories

WHOLE = ExportScope()


def datasets(consultation):
    return {d.key: d for name, d in registry().items("cp_export_datasets",
                                                      consultation=consultation)
            if name == "core"}


def as_dicts(dataset, scope=WHOLE):
    keys = [column.key for column in dataset.columns]
    rows = [dict(zip(keys, row, strict=True)) for row in dataset.rows(scope)]
    assert dataset.count(scope) == len(rows)
    return rows


@pytest.fixture
def case(app):
    """Two sessions (one with a capacity), people in two sectors, an erased person,
    two themes with insights, and another consultation's data beside it."""
    parent = factories.consultation()
    farm, shop = factories.sector(parent, "Landbouw"), factories.sector(parent, "Retail")
    first = factories.session(parent, title="Eerste", capacity=4)
    second = factories.session(parent, title="Tweede",
                               starts_at=first.starts_at + dt.timedelta(days=1),
                               ends_at=first.ends_at + dt.timedelta(days=1))
    ann = factories.participant(parent, name="Ann Boer", email="ann@example.org", sector=farm,
                                organisation="Hoeve", phone="0612345678")
    bob = factories.participant(parent, name="Bob Winkel", email="bob@example.org", sector=shop,
                                side="government")
    gone = factories.participant(parent, name="Weg Persoon", email="weg@example.org",
                                 sector=farm)
    factories.registration(ann, first, attendance="attended")
    factories.registration(bob, first, attendance="no_show")
    factories.registration(ann, second)
    factories.registration(bob, second, status="waitlisted")
    factories.registration(gone, first, attendance="attended")
    labour = Theme.create(consultation=parent, name="Arbeidsmarkt", position=1,
                          description="Mensen en banen")
    space = Theme.create(consultation=parent, name="Ruimte", position=2, active=False)
    for text, themes in (("Meer stages", [labour]), ("Minder regels", [labour, space]),
                         ("Zonder thema", [])):
        insight = Insight.create(session=first, text=text, category="ambities", sector=farm)
        for theme in themes:
            InsightTheme.create(insight=insight, theme=theme)
    other = factories.consultation()
    stranger = factories.participant(other, name="Vreemde Naam", email="vreemd@example.org")
    factories.registration(stranger, factories.session(other, title="Elders", capacity=2))
    Theme.create(consultation=other, name="Elders thema")
    with app.test_request_context():
        erase_participant(gone.id, "letter")
    return {"parent": parent, "first": first, "second": second}


def test_every_core_dataset_has_labelled_typed_columns(app, case):
    with app.test_request_context():
        found = datasets(case["parent"])
        assert list(found) == ["sessions", "registrations", "attendance", "participation",
                               "themes"]
        assert found["registrations"].sensitivity == PERSONAL
        assert {d.sensitivity for k, d in found.items() if k != "registrations"} == {AGGREGATE}
        assert {k for k, d in found.items() if d.by_session} == {
            "sessions", "registrations", "attendance"}
        for dataset in found.values():
            assert dataset.label and dataset.description
            for column in dataset.columns:
                assert column.kind in COLUMN_KINDS and str(column.label), column.key
        with force_locale("nl"):
            assert str(found["sessions"].columns[-1].label) == "Vrije plaatsen"


def test_sessions_show_fill_levels(app, case):
    with app.test_request_context():
        rows = as_dicts(datasets(case["parent"])["sessions"])
    assert [(r["title"], r["confirmed"], r["waitlisted"], r["fill_percentage"], r["free_seats"])
            for r in rows] == [("Eerste", 2, 0, Decimal("50.0"), 2),
                               ("Tweede", 1, 1, None, None)]


def test_registrations_hold_the_people_but_not_the_erased(app, case):
    with app.test_request_context(), force_locale("en"):
        rows = as_dicts(datasets(case["parent"])["registrations"])
    assert [(r["session"], r["name"], r["status"], r["sector"], r["side"], r["attendance"])
            for r in rows] == [
        ("Eerste", "Ann Boer", "Confirmed", "Landbouw", "Entrepreneur", "Attended"),
        ("Eerste", "Bob Winkel", "Confirmed", "Retail", "Government", "Did not come"),
        ("Tweede", "Ann Boer", "Confirmed", "Landbouw", "Entrepreneur", ""),
        ("Tweede", "Bob Winkel", "Waiting list", "Retail", "Government", "")]
    assert rows[0]["email"] == "ann@example.org" and rows[0]["phone"] == "0612345678"
    assert rows[0]["organisation"] == "Hoeve"
    assert rows[0]["session_starts_at"] == case["first"].starts_at
    assert isinstance(rows[0]["signed_up_at"], dt.datetime)
    text = repr(rows)
    assert "verwijderd" not in text and "Vreemde" not in text


def test_attendance_per_session_sector_and_side(app, case):
    """(The erased person's registration was cancelled with the erasure.)"""
    with app.test_request_context(), force_locale("en"):
        rows = as_dicts(datasets(case["parent"])["attendance"])
    first, second = case["first"].id, case["second"].id
    assert rows == [
        dict(session_id=first, session="Eerste", sector="Landbouw", side="Entrepreneur",
             confirmed=1, attended=1, no_show=0, unknown=0),
        dict(session_id=first, session="Eerste", sector="Retail", side="Government",
             confirmed=1, attended=0, no_show=1, unknown=0),
        dict(session_id=second, session="Tweede", sector="Landbouw", side="Entrepreneur",
             confirmed=1, attended=0, no_show=0, unknown=1)]


def test_participation_and_themes(app, case):
    with app.test_request_context(), force_locale("en"):
        found = datasets(case["parent"])
        assert as_dicts(found["participation"]) == [
            dict(sector="Landbouw", side="Entrepreneur", participants=2),
            dict(sector="Retail", side="Government", participants=1)]
        assert as_dicts(found["themes"]) == [
            dict(name="Arbeidsmarkt", description="Mensen en banen", position=1, active=True,
                 insights=2),
            dict(name="Ruimte", description="", position=2, active=False, insights=1)]


@pytest.mark.parametrize("key", ["sessions", "registrations", "attendance"])
def test_a_session_scope_narrows_the_rows(app, case, key):
    only_second = ExportScope(session_ids=frozenset({case["second"].id}))
    nothing = ExportScope(session_ids=frozenset({case["second"].id + 1000}))
    with app.test_request_context():
        dataset = datasets(case["parent"])[key]
        rows = as_dicts(dataset, only_second)
        assert rows and all(row.get("session_id", row.get("id")) == case["second"].id
                            for row in rows)
        assert as_dicts(dataset, nothing) == []


def test_statements_do_not_grow_with_the_rows(app, case):
    def statements() -> dict[str, int]:
        found = datasets(case["parent"])
        counts = {}
        for key, dataset in found.items():
            with count_queries() as counted:
                list(dataset.rows(WHOLE))
                dataset.count(WHOLE)
            counts[key] = counted.count
        return counts

    with app.test_request_context():
        small = statements()
        for n in range(6):
            person = factories.participant(case["parent"], sector=None, side="education")
            factories.registration(person, case["second"], attendance="attended")
            Theme.create(consultation=case["parent"], name=f"Thema {n}")
        assert statements() == small
