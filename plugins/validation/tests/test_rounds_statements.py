"""Every GET page of the rounds, paper entry and presenter runs as many SQL
statements after the round grew (more rounds, voters, ballots) as before. The
first test fails for a page of these views without an entry here."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from consultplatform.testing import assert_flat_statements, factories
from consultplatform.testing.pages import page_endpoints
from consultplatform_validation.models import ValidationBallot, ValidationVoter
from consultplatform_validation.rounds import RoundInput, create_round

from .test_rounds_pages import staff
from .world import open_round_for

MINE = ("validation_rounds.", "validation_presenter.")
_seq = itertools.count(1)

PAGES: dict[str, Callable[[dict], str]] = {
    "validation_rounds.index": lambda w: "/admin/validation-rounds/",
    "validation_rounds.round": lambda w: f"/admin/validation-rounds/{w['round'].id}/",
    "validation_rounds.edit": lambda w: f"/admin/validation-rounds/{w['round'].id}/edit",
    "validation_rounds.open": lambda w: f"/admin/validation-rounds/{w['draft'].id}/open",
    "validation_rounds.paper": lambda w: f"/admin/validation-rounds/{w['round'].id}/paper",
    "validation_presenter.screen": lambda w: f"/admin/validation-presenter/{w['round'].id}/",
    "validation_presenter.state": lambda w: f"/admin/validation-presenter/{w['round'].id}/state",
}
EXTRA = {
    "paper, a voter chosen and a search": lambda w: (
        f"/admin/validation-rounds/{w['round'].id}/paper?q=a&voter={w['voters'][0].id}"),
}
NOT_FOUND = {"validation_presenter.index": "/admin/validation-presenter/"}


def test_every_page_of_these_views_is_counted(app):
    mine = {name for name in page_endpoints(app, "validation") if name.startswith(MINE)}
    covered = set(PAGES) | set(NOT_FOUND)
    assert not mine - covered, f"pages without a statement-count test: {sorted(mine - covered)}"
    assert not covered - mine, f"tests for pages that do not exist: {sorted(covered - mine)}"


def grow(app, world: dict, count: int) -> Callable[[], None]:
    """``count`` more people who took part (voters in the open round, with ballots on
    every item, the presenter's item shown and revealed), and another round."""
    def more() -> None:
        parent = world["consultation"]
        sector = factories.sector(parent, f"Sector {next(_seq)}")
        voters, ballots = [], []
        for n in range(count):
            person = factories.participant(parent, sector=sector,
                                           email=f"extra{next(_seq)}@example.org",
                                           name=f"Extra {n}")
            factories.registration(person, world["session"])
            voters.append({"round": world["round"].id, "participant": person.id,
                           "token": f"tok{next(_seq):060d}", "sector": sector.id,
                           "side": ("entrepreneur", "government")[n % 2]})
        ValidationVoter.insert_many(voters).execute()
        made = ValidationVoter.select().where(ValidationVoter.round == world["round"].id)
        have = ValidationBallot.select(ValidationBallot.voter)
        for voter in made.where(ValidationVoter.id.not_in(have)):
            for n, item in enumerate(world["items"]):
                ballots.append({"voter": voter.id, "item": item.id,
                                "verdict": ("agree", "disagree", "no_opinion")[n % 3],
                                "reason": "x", "channel": "online"})
        for first in range(0, len(ballots), 500):
            ValidationBallot.insert_many(ballots[first:first + 500]).execute()
        with app.test_request_context():
            create_round(parent.id, RoundInput(title=f"Ronde {next(_seq)}"))
    return more


@pytest.fixture
def counted(app, world):
    made = open_round_for(app, world, show_interim=True)
    draft = create_round(world["consultation"].id, RoundInput(title="Later"))
    from consultplatform_validation.presenter import move_to, start_voting

    with app.test_request_context():
        move_to(made["round"].id, 1)
        start_voting(made["round"].id)
    return {**world, **made, "draft": draft, "client": staff(app, "admin", world["consultation"])}


@pytest.mark.parametrize("name", sorted(PAGES) + sorted(EXTRA))
def test_pages_do_not_read_more_with_more_data(app, counted, name):
    url = (PAGES.get(name) or EXTRA[name])(counted)
    assert_flat_statements(counted["client"], url, grow(app, counted, 10))
    assert_flat_statements(counted["client"], url, grow(app, counted, 100))


def test_the_presenter_root_is_a_404_that_reads_nothing_more(app, counted):
    assert_flat_statements(counted["client"], NOT_FOUND["validation_presenter.index"],
                           grow(app, counted, 50), status=404)
