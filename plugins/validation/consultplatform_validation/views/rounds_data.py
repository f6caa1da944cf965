"""The reads behind the rounds' staff pages, each a fixed number of statements
however many rounds, items, voters and ballots there are (aggregates in the
database, one page of voters at a time)."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN, Case, fn

from consultplatform.api import Participant, Sector, took_part
from consultplatform_validation.models import (
    ValidationBallot,
    ValidationItem,
    ValidationRound,
    ValidationVoter,
)
from consultplatform_validation.rounds import rounds_of

VOTERS_PER_PAGE = 25
SEARCH_MAX = 100


@dataclass(frozen=True)
class RoundRow:
    round: ValidationRound
    items: int
    voters: int
    finished: int


@dataclass(frozen=True)
class TurnoutRow:
    sector: str
    side: str
    voters: int
    voted: int
    finished: int


def round_rows(consultation_id: int) -> list[RoundRow]:
    """The consultation's rounds with their items, voters and finished voters."""
    rounds = rounds_of(consultation_id)
    ids = [round_.id for round_ in rounds] or [0]
    items = dict(ValidationItem.select(ValidationItem.round, fn.COUNT(ValidationItem.id))
                 .where(ValidationItem.round.in_(ids)).group_by(ValidationItem.round).tuples())
    finished = fn.SUM(Case(None, [(ValidationVoter.finished_at.is_null(False), 1)], 0))
    voters = {row[0]: row[1:] for row in
              ValidationVoter.select(ValidationVoter.round, fn.COUNT(ValidationVoter.id), finished)
              .where(ValidationVoter.round.in_(ids)).group_by(ValidationVoter.round).tuples()}
    return [RoundRow(round=round_, items=items.get(round_.id, 0),
                     voters=voters.get(round_.id, (0, 0))[0],
                     finished=int(voters.get(round_.id, (0, 0))[1] or 0))
            for round_ in rounds]


def invite_count(round_: ValidationRound) -> int:
    """How many people opening the round would invite (the eligible non-voters)."""
    known = ValidationVoter.select(ValidationVoter.participant).where(
        ValidationVoter.round == round_.id)
    return (took_part(round_.consultation_id, round_.sides)
            .where(Participant.id.not_in(known)).count())


def round_items(round_id: int) -> list[ValidationItem]:
    return list(ValidationItem.select().where(ValidationItem.round == round_id)
                .order_by(ValidationItem.position))


def turnout(round_id: int) -> list[TurnoutRow]:
    """Per sector x side: voters, voters with a ballot, voters finished."""
    voted = (ValidationBallot.select(ValidationBallot.voter).distinct()
             .join(ValidationItem).where(ValidationItem.round == round_id))
    has_voted = fn.SUM(Case(None, [(ValidationVoter.id.in_(voted), 1)], 0))
    finished = fn.SUM(Case(None, [(ValidationVoter.finished_at.is_null(False), 1)], 0))
    rows = (ValidationVoter.select(Sector.name, ValidationVoter.side,
                                   fn.COUNT(ValidationVoter.id), has_voted, finished)
            .join(Sector, JOIN.LEFT_OUTER, on=(ValidationVoter.sector == Sector.id))
            .where(ValidationVoter.round == round_id)
            .group_by(Sector.name, ValidationVoter.side)
            .order_by(ValidationVoter.side, Sector.name).tuples())
    return [TurnoutRow(sector=name or "", side=side, voters=count, voted=int(v or 0),
                       finished=int(f or 0)) for name, side, count, v, f in rows]


def voters_page(round_id: int, search: str, page: int) -> tuple[list[tuple], int]:
    """One page of the round's voters whose name holds ``search``: (rows of
    (voter id, name, sector, side, ballots), the number found)."""
    given = (ValidationBallot.select(fn.COUNT(ValidationBallot.id))
             .where(ValidationBallot.voter == ValidationVoter.id))
    query = (ValidationVoter.select(ValidationVoter.id, Participant.name, Sector.name,
                                    ValidationVoter.side, given.alias("given"))
             .join(Participant)
             .switch(ValidationVoter)
             .join(Sector, JOIN.LEFT_OUTER, on=(ValidationVoter.sector == Sector.id))
             .where((ValidationVoter.round == round_id)
                    & ValidationVoter.erased_at.is_null()))
    if search:
        query = query.where(Participant.name.contains(search))  # wildcards escaped
    total = query.count()
    rows = list(query.order_by(Participant.name, ValidationVoter.id)
                .paginate(page, VOTERS_PER_PAGE).tuples())
    return rows, total
