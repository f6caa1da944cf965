"""The results of a round (issue 15, point 4): per item the counts and shares
overall and per sector x side, small groups merged or hidden, the consensus and
divergence flags, the reasons and suggested wordings grouped per item (anonymous),
and the priorities ranked. ``compute`` returns plain JSON-able values: closing a
round stores them (``ValidationRound.results``), the pages read them from there.
"""

from __future__ import annotations

from typing import Any

from consultplatform_validation.models import ValidationBallot, ValidationItem, ValidationRound


def compute(round_: ValidationRound) -> dict[str, Any]:
    """PLACEHOLDER (the results helper replaces it): totals only."""
    ballots = (ValidationBallot.select().join(ValidationItem)
               .where(ValidationItem.round == round_.id).count())
    return {"ballots": ballots, "items": []}
