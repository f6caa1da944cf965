"""The presenter screen's services (issue 15, point 3): the moderator walks through
the round's items one at a time, opens voting on the item on the screen, and
reveals its result. Each step locks the round (``round_locked``), raises its
``revision`` (the screen's poll compares it) and writes an audit row; phones in
the room vote on the item at ``current_position`` while its state is "voting"."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from peewee import SQL, fn

from consultplatform.api import audit, write_transaction
from consultplatform_validation.models import (
    VERDICTS,
    ValidationBallot,
    ValidationItem,
    ValidationRound,
)
from consultplatform_validation.rounds import RoundError, round_locked


@dataclass(frozen=True)
class PresenterState:
    """What the screen's poll compares: the round's revision, the ballots on the
    item on the screen, and (when they may show) the counts per verdict."""

    revision: int
    cast: int
    position: int | None
    item_state: str | None


def _writable(round_id: int) -> ValidationRound:
    round_ = round_locked(round_id)
    if round_.status == "closed":
        raise RoundError("round", str(_l("This round is closed.")), 409)
    return round_


def _current_item(round_: ValidationRound) -> ValidationItem:
    item = None
    if round_.current_position is not None:
        item = ValidationItem.get_or_none((ValidationItem.round == round_.id)
                                          & (ValidationItem.position == round_.current_position))
    if item is None:
        raise RoundError("position", str(_l("Show an item first.")), 409)
    return item


def _bump(round_: ValidationRound) -> None:
    round_.revision += 1
    round_.save(only=[ValidationRound.revision, ValidationRound.current_position])


def move_to(round_id: int, position: int) -> ValidationRound:
    """Show the item at ``position`` (1 is the first)."""
    with write_transaction():
        round_ = _writable(round_id)
        if not ValidationItem.select().where((ValidationItem.round == round_.id)
                                             & (ValidationItem.position == position)).exists():
            raise RoundError("position", str(_l("There is no item at this place.")), 404)
        round_.current_position = position
        _bump(round_)
        audit.record("update", round_, details={"presenter": "move", "position": position})
    return round_


def start_voting(round_id: int) -> ValidationItem:
    """Open voting in the room on the item on the screen (waiting -> voting)."""
    with write_transaction():
        round_ = _writable(round_id)
        if round_.status != "open":
            raise RoundError("round", str(_l(
                "Open the round first: voting is possible only in an open round.")), 409)
        item = _current_item(round_)
        if item.state != "waiting":
            raise RoundError("state", str(_l("Voting on this item has already started.")), 409)
        item.state = "voting"
        item.save(only=[ValidationItem.state])
        _bump(round_)
        audit.record("update", round_, details={"presenter": "voting", "item": item.id})
    return item


def reveal(round_id: int) -> ValidationItem:
    """Close voting on the item on the screen and show its result (voting -> revealed)."""
    with write_transaction():
        round_ = _writable(round_id)
        item = _current_item(round_)
        if item.state != "voting":
            raise RoundError("state", str(_l(
                "Only an item that is being voted on can be revealed.")), 409)
        item.state = "revealed"
        item.save(only=[ValidationItem.state])
        _bump(round_)
        audit.record("update", round_, details={"presenter": "reveal", "item": item.id})
    return item


def item_counts(item_id: int) -> dict[str, int]:
    """{verdict: ballots} for one item, every verdict present (one grouped query)."""
    counts = dict.fromkeys(VERDICTS, 0)
    rows = (ValidationBallot.select(ValidationBallot.verdict, fn.COUNT(SQL("*")))
            .where(ValidationBallot.item == item_id)
            .group_by(ValidationBallot.verdict).tuples())
    for verdict, count in rows:
        if verdict in counts:
            counts[verdict] = count
    return counts


def presenter_state(round_id: int) -> PresenterState | None:
    """The poll's figures in one statement (None: no such round)."""
    current = ValidationItem.alias()
    cast = (ValidationBallot.select(fn.COUNT(ValidationBallot.id))
            .join(current, on=(ValidationBallot.item == current.id))
            .where((current.round == ValidationRound.id)
                   & (current.position == ValidationRound.current_position)))
    state = (current.select(current.state)
             .where((current.round == ValidationRound.id)
                    & (current.position == ValidationRound.current_position)))
    row = (ValidationRound.select(ValidationRound.revision, ValidationRound.current_position,
                                  cast.alias("cast"), state.alias("item_state"))
           .where(ValidationRound.id == round_id).tuples().first())
    if row is None:
        return None
    revision, position, count, item_state = row
    return PresenterState(revision=revision, cast=count or 0, position=position,
                          item_state=item_state)


def shares(counts: dict[str, int]) -> dict[str, int]:
    """Whole percentages per verdict (0 when nothing was cast)."""
    total = sum(counts.values())
    return {key: round(100 * value / total) if total else 0 for key, value in counts.items()}
