"""What the ballot page and the room's page read: the round, its frozen items, the
voter's own ballots and priorities, and (when the round shows them) the interim
counts. A fixed number of statements, however many items, voters and ballots."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from peewee import fn

from consultplatform.api import now_local
from consultplatform_validation.ballots import voter_by_token
from consultplatform_validation.models import (
    ValidationBallot,
    ValidationItem,
    ValidationPriority,
    ValidationRound,
    ValidationVoter,
)
from consultplatform_validation.rounds import accepts_ballots

TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,64}")


@dataclass
class BallotPage:
    voter: ValidationVoter
    round: ValidationRound
    items: list[ValidationItem]
    ballots: dict[int, ValidationBallot]
    priorities: dict[int, int] = field(default_factory=dict)
    # {item id: {verdict: count}} while the round shows interim results; else None.
    interim: dict[int, dict[str, int]] | None = None

    @property
    def accepting(self) -> bool:
        return accepts_ballots(self.round)

    @property
    def closed(self) -> bool:
        """Past voting (closed, or past its closing time), not before it."""
        return self.round.status == "closed" or (
            not self.accepting and self.round.status == "open"
            and (self.round.opens_at is None or self.round.opens_at <= now_local()))

    @property
    def done(self) -> int:
        return len(self.ballots)


def active_voter(token: str | None) -> ValidationVoter | None:
    """The voter behind a personal link, or None (unknown, malformed or erased). A
    token not shaped like one is never looked up (a NUL byte is PostgreSQL's error)."""
    if not token or not TOKEN_SHAPE.fullmatch(token):
        return None
    voter = voter_by_token(token)
    if voter is None or voter.erased_at is not None:
        return None
    return voter


def voter_by_id(voter_id: int, round_id: int) -> ValidationVoter | None:
    """The (not erased) voter of the room's cookie, when they vote in this round."""
    return ValidationVoter.get_or_none((ValidationVoter.id == voter_id)
                                       & (ValidationVoter.round == round_id)
                                       & ValidationVoter.erased_at.is_null())


def round_of(voter: ValidationVoter) -> ValidationRound:
    return ValidationRound.get_by_id(voter.round_id)


def item_of(round_id: int, item_id: int) -> ValidationItem | None:
    """One of the round's items, or None."""
    return ValidationItem.get_or_none((ValidationItem.id == item_id)
                                      & (ValidationItem.round == round_id))


def ballot_page(voter: ValidationVoter) -> BallotPage:
    round_ = round_of(voter)
    items = list(ValidationItem.select().where(ValidationItem.round == round_.id)
                 .order_by(ValidationItem.position))
    ballots = {ballot.item_id: ballot for ballot in
               ValidationBallot.select().where(ValidationBallot.voter == voter.id)}
    priorities: dict[int, int] = {}
    if round_.priority_points:
        priorities = dict(ValidationPriority.select(ValidationPriority.item,
                                                    ValidationPriority.points)
                          .where(ValidationPriority.voter == voter.id).tuples())
    interim = interim_counts(round_.id) if round_.show_interim else None
    return BallotPage(voter=voter, round=round_, items=items, ballots=ballots,
                      priorities=priorities, interim=interim)


def interim_counts(round_id: int) -> dict[int, dict[str, int]]:
    """{item id: {verdict: ballots}} in one aggregate query; no names."""
    query = (ValidationBallot.select(ValidationBallot.item, ValidationBallot.verdict,
                                     fn.COUNT(ValidationBallot.id))
             .join(ValidationItem)
             .where(ValidationItem.round == round_id))
    counts: dict[int, dict[str, int]] = {}
    for item, verdict, count in query.group_by(ValidationBallot.item,
                                               ValidationBallot.verdict).tuples():
        counts.setdefault(item, {})[verdict] = count
    return counts
