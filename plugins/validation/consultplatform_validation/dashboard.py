"""The validation's step on the consultation dashboard (PLACEHOLDER)."""

from __future__ import annotations

from consultplatform.api import Consultation, TrajectoryStep


def validation_steps(consultation: Consultation) -> list[TrajectoryStep]:
    return []
