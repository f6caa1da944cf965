"""The results, decisions and public pages (and the downloads) run as many SQL
statements with 150 voters on 12 items as with 15 on 3 (and with more sectors,
decisions, versions, insights and rounds). Every GET endpoint of these three
blueprints is listed; one added without an entry fails the first test."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from consultplatform.api import (
    AgendaItemInput,
    ConsultationSession,
    Insight,
    InsightAction,
    InsightTheme,
    Theme,
    create_agenda_item,
    write_transaction,
)
from consultplatform.testing import assert_flat_statements, factories
from consultplatform.testing.pages import page_endpoints
from consultplatform_validation.decisions import DecisionInput, decide
from consultplatform_validation.models import (
    VERDICTS,
    ValidationBallot,
    ValidationItem,
    ValidationPriority,
    ValidationRound,
    ValidationVoter,
)
from consultplatform_validation.rounds import RoundInput, add_voters, close_round, create_round

from . import results_world

MINE = ("validation_results", "validation_decisions", "validation_public")
_seq = itertools.count(1)


def _round(made) -> int:
    return made["round"].id


PAGES: dict[str, Callable[[dict], str]] = {
    "validation_results.index": lambda m: "/admin/validation-results/",
    "validation_results.round": lambda m: f"/admin/validation-results/{_round(m)}/",
    "validation_results.download_csv":
        lambda m: f"/admin/validation-results/{_round(m)}/results.csv",
    "validation_results.download_svg":
        lambda m: f"/admin/validation-results/{_round(m)}/chart.svg",
    "validation_decisions.index": lambda m: "/admin/validation-decisions/",
    "validation_decisions.round": lambda m: f"/admin/validation-decisions/{_round(m)}/",
    "validation_public.page": lambda m: f"/c/{m['consultation'].slug}/wat-we-ermee-deden",
}
STATUS = {"validation_decisions.index": 404}


def test_every_page_has_a_statement_count_test(app):
    pages = {page for page in page_endpoints(app, "validation")
             if page.split(".")[0] in MINE}
    assert pages == set(PAGES)


def _reopen(made) -> None:
    ValidationRound.update(status="open", closed_at=None, results=None).where(
        ValidationRound.id == _round(made)).execute()


def _decide_all(app, made, reason: str) -> None:
    items = ValidationItem.select().where(ValidationItem.round == _round(made))
    with app.test_request_context():
        for item in items:
            decide(_round(made), item.id, DecisionInput("dropped", reason))


def build(app, state: str = "final") -> dict:
    made = results_world.build(app)
    with app.test_request_context():
        results_world.add_provenance(made)
    _finish(app, made, state)
    return made


def _finish(app, made, state: str) -> None:
    if state == "final":
        with app.test_request_context():
            close_round(_round(made))
        _decide_all(app, made, "Eerste besluit")
    elif state == "interim":
        ValidationRound.update(show_interim=True).where(
            ValidationRound.id == _round(made)).execute()


def grow(app, made, state: str = "final") -> None:
    """Ten times the voters, four times the items, more sectors, ballots with texts,
    priorities, open answers, decisions and versions, insights behind every item,
    and more rounds in the consultation."""
    _reopen(made)
    parent = made["consultation"]
    meeting = ConsultationSession.get(ConsultationSession.consultation == parent.id)
    sectors = [factories.sector(parent, f"Sector {next(_seq)}") for _ in range(6)]
    for n in range(135):
        person = factories.participant(parent, sector=sectors[n % 6],
                                       side=("entrepreneur", "government", "education")[n % 3],
                                       language=("nl", "en")[n % 2])
        factories.registration(person, meeting)
    round_ = ValidationRound.get_by_id(_round(made))
    with app.test_request_context(), write_transaction():
        add_voters(round_)
    theme = Theme.create(consultation=parent, name=f"Thema {next(_seq)}")
    for n in range(9):
        agenda = create_agenda_item(parent.id, AgendaItemInput(title=f"Punt {n}",
                                                               text=f"Tekst {n}"))
        ValidationItem.create(round=round_.id, agenda_item=agenda.id, position=4 + n,
                              title=agenda.title, text=agenda.text)
    items = list(ValidationItem.select().where(ValidationItem.round == round_.id))
    voters = list(ValidationVoter.select().where(ValidationVoter.round == round_.id))
    rows = [{"voter": voter.id, "item": item.id, "verdict": VERDICTS[(i + j) % 4],
             "reason": f"Reden {i}-{j}", "suggestion": f"Tekst {i}" if j % 3 else "",
             "comment": "Opmerking" if i % 5 == 0 else ""}
            for i, voter in enumerate(voters) for j, item in enumerate(items)]
    for first in range(0, len(rows), 500):
        ValidationBallot.insert_many(rows[first:first + 500]).on_conflict_ignore().execute()
    ValidationPriority.insert_many(
        [{"voter": voter.id, "item": items[i % len(items)].id, "points": 5}
         for i, voter in enumerate(voters)]).on_conflict_ignore().execute()
    ValidationVoter.update(open_answer="Nog iets").where(
        ValidationVoter.round == round_.id).execute()
    insights = []
    for n in range(60):
        insight = Insight.create(session=meeting, text=f"Inzicht {n}", category="barrieres",
                                 sector=sectors[n % 6])
        InsightTheme.create(insight=insight, theme=theme)
        insights.append(insight.id)
    actions = [link.action_id for link in made["items"][0].agenda_item.action_links]
    InsightAction.insert_many([{"insight": i, "action": actions[0]} for i in insights]).execute()
    with app.test_request_context():
        for n in range(3):
            create_round(parent.id, RoundInput(title=f"Ronde {n}"))
    _finish(app, made, state)
    if state == "final":
        _decide_all(app, made, "Tweede besluit")
    assert ValidationBallot.select().join(ValidationItem).where(
        ValidationItem.round == round_.id).count() >= 150 * 12 - 150


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_statements_do_not_grow_with_the_data(app, name):
    made = build(app)
    client = results_world.staff_client(app, made["consultation"])
    count = assert_flat_statements(client, PAGES[name](made), lambda: grow(app, made),
                                   status=STATUS.get(name, 200))
    assert count < 40


@pytest.mark.parametrize("state", ["interim", "turnout"])
def test_the_results_before_closing_do_not_grow_either(app, state):
    made = build(app, state)
    client = results_world.staff_client(app, made["consultation"])
    count = assert_flat_statements(client, PAGES["validation_results.round"](made),
                                   lambda: grow(app, made, state))
    assert count < 40
