"""The public page "what we did with your input": 404 until a decision is recorded
after the round closed (and for a consultation that is not public), then per item
the decision and reason, the result in shares and flags, and what lies behind it
in aggregates; the consultation's cached page links to it as soon as it exists."""

from __future__ import annotations

import pytest

from consultplatform.api import Consultation
from consultplatform_validation.decisions import DecisionInput, decide
from consultplatform_validation.rounds import close_round

from . import results_world


@pytest.fixture
def made(app):
    made = results_world.build(app)
    with app.test_request_context():
        results_world.add_provenance(made)
    return made


def page_url(made) -> str:
    return f"/c/{made['consultation'].slug}/wat-we-ermee-deden"


def english(app):
    client = app.test_client()
    client.set_cookie("lang", "en")
    return client


def test_no_page_until_a_decision_after_closing(app, made):
    client = english(app)
    assert client.get(page_url(made)).status_code == 404
    with app.test_request_context():
        close_round(made["round"].id)
    assert client.get(page_url(made)).status_code == 404
    assert "What we did with your input" not in client.get(
        f"/c/{made['consultation'].slug}").get_data(as_text=True)
    with app.test_request_context():
        decide(made["round"].id, made["items"][0].id, DecisionInput("adopted", "Breed gedragen"))
    assert client.get(page_url(made)).status_code == 200
    # The consultation's page (cached under the public revision) links to it now.
    public = client.get(f"/c/{made['consultation'].slug}").get_data(as_text=True)
    assert f'href="{page_url(made)}"' in public
    assert client.get("/c/no-such-consultation/wat-we-ermee-deden").status_code == 404
    assert client.get("/c/" + "x" * 200 + "/wat-we-ermee-deden").status_code == 404


def test_the_page(app, made):
    with app.test_request_context():
        close_round(made["round"].id)
        first, second, third = made["items"]
        decide(made["round"].id, first.id, DecisionInput("adopted", "Breed gedragen"))
        decide(made["round"].id, second.id, DecisionInput(
            "amended", "Starters toegevoegd", new_title="Woningen voor werknemers en starters",
            new_text="Ook voor starters."))
    response = english(app).get(page_url(made))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    one = page[page.index(f'id="item-{first.id}"'):page.index(f'id="item-{second.id}"')]
    assert "Adopted" in one and "Breed gedragen" in one
    assert "Agree: 43%" in one and "Disagree: 36%" in one and "14 verdicts in all." in one
    assert "Divergent" in one and "Consensus" not in one
    assert "4 insights from the sessions." in one
    assert "Sectors: Landbouw (2), Detailhandel (1), no sector (1)." in one
    assert "Themes: Arbeidsmarkt (3), Onderwijs (2)." in one
    two = page[page.index(f'id="item-{second.id}"'):page.index(f'id="item-{third.id}"')]
    assert "Woningen voor werknemers en starters" in two
    assert "Tested as: Woningen voor werknemers" in two
    assert "Adopted with a new wording" in two and "Ook voor starters." in two
    assert "Consensus" in two and "1 insight from the sessions." in two
    three = page[page.index(f'id="item-{third.id}"'):]
    assert "No decision yet" in three and "No insights are linked to this item." in three
    # Aggregates only: no names, no insight texts, no reasons of voters.
    for text in ("Persoon", "Te weinig vakmensen", "Meer stageplekken", "@example.org"):
        assert text not in page


def test_not_for_a_consultation_whose_page_is_not_public(app, made):
    with app.test_request_context():
        close_round(made["round"].id)
        decide(made["round"].id, made["items"][0].id, DecisionInput("adopted"))
    Consultation.update(status="draft").where(
        Consultation.id == made["consultation"].id).execute()
    assert english(app).get(page_url(made)).status_code == 404
