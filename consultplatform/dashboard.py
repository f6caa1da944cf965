"""A consultation's dashboard: the trajectory as steps in the order of the case,
each with its state, its figures and what is missing before the next step.

Every plugin adds its steps through ``cp_trajectory_steps``; the core's own are
the set-up, the invitation and sign-up, and the draft agenda (consultplatform.core_steps).
"""

from __future__ import annotations

from consultplatform.contributions import STEP_STATES, TrajectoryStep
from consultplatform.models import (
    Consultation,
)
from consultplatform.plugins import PluginError, registry


def steps(consultation: Consultation) -> list[TrajectoryStep]:
    """Every enabled plugin's steps (the core's too), checked, in the case's order."""
    found = []
    for name, step in registry().items("cp_trajectory_steps", consultation=consultation):
        if not isinstance(step, TrajectoryStep) or step.state not in STEP_STATES:
            raise PluginError(f"{name}.cp_trajectory_steps must return TrajectoryStep items "
                              f"with a state of {STEP_STATES}")
        found.append(step)
    return sorted(found, key=lambda step: (step.order, str(step.label)))
