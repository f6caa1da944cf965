"""The validation's step on the consultation dashboard.

No step before the consultation has a draft agenda or a round. State: not started
(no round opened yet), in progress (a round open, or closed
without a decision on every item since), done (the round closed and every item of
it decided after closing). The round the step is about is the last one opened; a
round still being prepared counts only when none was opened. Checks link to the
page that fixes them. A fixed number of statements, whatever the number of voters
or ballots.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from peewee import fn

from consultplatform.api import (
    STEP_ORDER,
    AgendaItem,
    Consultation,
    StepCheck,
    TrajectoryStep,
)
from consultplatform_validation.models import (
    ValidationBallot,
    ValidationItem,
    ValidationRound,
    ValidationVoter,
)
from consultplatform_validation.outputs_memo import decisions_after

# The staff pages (views/admin_views.py): the rounds, and a round's decisions.
ROUNDS_URL = "/admin/validation-rounds/"
DECISIONS_URL = "/admin/validation-decisions/{round_id}/"
# Under this share of the voters with a verdict, an open round gets a check.
LOW_TURNOUT = 0.3


def current_round(consultation: Consultation) -> tuple[ValidationRound | None, int]:
    """(the round the step is about, the number of rounds) in one query."""
    rounds = list(ValidationRound.select()
                  .where(ValidationRound.consultation == consultation.id)
                  .order_by(ValidationRound.id.desc()))
    opened = [r for r in rounds if r.status != "draft"]
    return (opened or rounds or [None])[0], len(rounds)


def undecided_items(round_: ValidationRound) -> int:
    """The round's items (still on the agenda) without a decision recorded since the
    round closed (two queries)."""
    decided = decisions_after(round_)
    return sum(1 for (agenda_item,) in ValidationItem.select(ValidationItem.agenda_item)
               .where((ValidationItem.round == round_.id)
                      & ValidationItem.agenda_item.is_null(False)).tuples()
               if agenda_item not in decided)


def turnout(round_: ValidationRound) -> tuple[int, int, int]:
    """(voters, voters with at least one verdict, verdicts) of the round (two queries)."""
    ballots, voted = (ValidationBallot
                      .select(fn.COUNT(ValidationBallot.id),
                              fn.COUNT(fn.DISTINCT(ValidationBallot.voter)))
                      .join(ValidationItem).where(ValidationItem.round == round_.id)
                      .tuples().first()) or (0, 0)
    voters = ValidationVoter.select().where(ValidationVoter.round == round_.id).count()
    return voters, int(voted or 0), int(ballots or 0)


def validation_steps(consultation: Consultation) -> list[TrajectoryStep]:
    round_, rounds = current_round(consultation)
    checks: list[StepCheck] = []
    figures: list[tuple] = [(_l("Rounds"), rounds)]
    if round_ is None or round_.status == "draft":
        on_agenda = (AgendaItem.select().where((AgendaItem.consultation == consultation.id)
                                               & (AgendaItem.decision != "dropped")).count())
        if round_ is None and not on_agenda:
            return []  # nothing to validate yet: the step shows once there is an agenda
        if round_ is None:
            checks.append(StepCheck(_l("The draft agenda has items, but no validation round "
                                       "has been prepared"), ROUNDS_URL))
        else:
            checks.append(StepCheck(_l("The validation round has not been opened yet: %(title)s",
                                       title=round_.title), ROUNDS_URL))
        return [TrajectoryStep(key="validation", label=_l("Validation"),
                               order=STEP_ORDER["validation"], state="not_started",
                               figures=figures, checks=checks, url=ROUNDS_URL)]

    voters, voted, ballots = turnout(round_)
    share = voted / voters if voters else 0.0
    figures += [(_l("Invited"), voters), (_l("Turnout"), f"{round(100 * share)}%"),
                (_l("Verdicts"), ballots)]
    state = "in_progress"
    if round_.status == "open":
        if share < LOW_TURNOUT:
            checks.append(StepCheck(_l("Low turnout so far: %(percent)s of the people invited "
                                       "gave a verdict", percent=f"{round(100 * share)}%"),
                                    ROUNDS_URL))
    else:
        missing = undecided_items(round_)
        if missing:
            checks.append(StepCheck(lazy_ngettext(
                "%(num)d item without a decision since the round closed",
                "%(num)d items without a decision since the round closed", missing),
                DECISIONS_URL.format(round_id=round_.id)))
        else:
            state = "done"
    return [TrajectoryStep(key="validation", label=_l("Validation"),
                           order=STEP_ORDER["validation"], state=state, figures=figures,
                           checks=checks, url=ROUNDS_URL)]
