"""Participant search in the admin: through an index on both databases (trigram
index on PostgreSQL, FTS5 trigram table on SQLite), every word must occur, case
does not matter, wildcards are plain characters, and the index follows every
change."""

from __future__ import annotations

import re

import pytest

from consultplatform.db import db, is_postgres
from consultplatform.models import Participant
from consultplatform.search import matching
from consultplatform.testing import assert_flat_statements, factories, login, make_staff


@pytest.fixture
def people(app):
    parent = factories.consultation()
    rows = {
        "jan": factories.participant(parent, name="Jan de Vries", email="jan@bakkerij.example.org",
                                     organisation="Bakkerij De Korenschoof"),
        "anouk": factories.participant(parent, name="Anouk Holtrop", email="anouk@example.org",
                                       organisation="Fietsenwinkel Holtrop"),
        "pieter": factories.participant(parent, name="Pieter Bakker", email="pb@example.org",
                                        organisation="Bouwbedrijf 100% Bakker"),
        "esmee": factories.participant(parent, name="Esmee_Jansen", email="esmee@example.org",
                                       organisation=""),
    }
    return rows


def _found(text: str) -> set[int]:
    return {p.id for p in Participant.select().where(matching(text))}


def test_parts_of_name_address_and_organisation_are_found(people):
    assert _found("vrie") == {people["jan"].id}
    assert _found("bakker") == {people["jan"].id, people["pieter"].id}  # address, name
    assert _found("KORENSCHOOF") == {people["jan"].id}
    assert _found("holtrop") == {people["anouk"].id}
    assert _found("bakker pieter") == {people["pieter"].id}  # every word must occur
    assert _found("an") == {people["jan"].id, people["anouk"].id, people["esmee"].id}
    assert _found("zzz") == set()


def test_wildcards_are_plain_characters(people):
    assert _found("100%") == {people["pieter"].id}
    assert _found("%") == {people["pieter"].id}
    assert _found("e_j") == {people["esmee"].id}
    assert _found('"') == set()


def test_the_index_follows_every_change(people):
    Participant.update(name="Jan van Dijk").where(Participant.id == people["jan"].id).execute()
    assert _found("vries") == set() and _found("dijk") == {people["jan"].id}
    people["anouk"].delete_instance()
    assert _found("holtrop") == set()
    newcomer = factories.participant(factories.consultation(), name="Roos Holtrop")
    assert _found("holtrop") == {newcomer.id}


def test_the_search_uses_the_index(people):
    query = Participant.select(Participant.id).where(matching("holtrop"))
    sql, params = query.sql()
    if is_postgres():
        db.execute_sql("SET enable_seqscan = off")
        try:
            plan = " ".join(r[0] for r in db.execute_sql("EXPLAIN " + sql, params).fetchall())
        finally:
            db.execute_sql("SET enable_seqscan = on")
        assert "participant_search_trgm" in plan, plan
    else:
        plan = " ".join(str(r) for r in db.execute_sql("EXPLAIN QUERY PLAN " + sql,
                                                       params).fetchall())
        assert "VIRTUAL TABLE INDEX" in plan, plan


def test_the_admin_list_searches_with_it(app, admin_client, people):
    html = admin_client.get("/admin/participant/?search=holtrop").get_data(as_text=True)
    assert "Anouk Holtrop" in html and "Jan de Vries" not in html
    html = admin_client.get("/admin/participant/?search=bakker+pieter").get_data(as_text=True)
    assert "Pieter Bakker" in html and "Jan de Vries" not in html
    assert re.search(r"\bsearch\b", html)  # the search box is still there


def test_a_moderator_searches_only_their_own_people(app, people):
    moderator = make_staff("moderator")
    meeting = factories.session(people["jan"].consultation, moderator=moderator)
    factories.registration(people["pieter"], meeting)
    client = app.test_client()
    login(client, moderator)
    html = client.get("/admin/participant/?search=bakker").get_data(as_text=True)
    assert "Pieter Bakker" in html and "Jan de Vries" not in html


def test_search_statements_do_not_grow_with_the_people(app, admin_client, people):
    def more() -> None:
        parent = factories.consultation()
        for n in range(30):
            factories.participant(parent, name=f"Holtrop {n}")

    assert_flat_statements(admin_client, "/admin/participant/?search=holtrop", more)


def test_short_words_and_letters_beyond_ascii(people):
    ozil = factories.participant(people["jan"].consultation, name="Mesut Özil")
    assert _found("Öz") == {ozil.id}
    assert _found("Özil") == {ozil.id}


def test_an_index_whose_triggers_went_missing_is_filled_again(people):
    """A migration that rebuilds the participant table drops its triggers; the next
    upgrade makes them again and refills the index from the table."""
    from consultplatform import search

    if is_postgres():
        pytest.skip("the FTS5 index and its triggers: SQLite")
    for name in ("participant_search_insert", "participant_search_update",
                 "participant_search_delete"):
        db.execute_sql(f"DROP TRIGGER {name}")
    Participant.update(name="Roos Verhuisd").where(Participant.id == people["anouk"].id).execute()
    assert _found("verhuisd") == set()  # the index did not see it
    search.install(db.obj)
    assert _found("verhuisd") == {people["anouk"].id}
    assert _found("holtrop") == {people["anouk"].id}  # the organisation still
