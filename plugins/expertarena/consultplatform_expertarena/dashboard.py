"""The Expertarenas' step on a consultation's dashboard: insights per arena, and
what is missing (a moderator, sectors, theme proposals waiting for review)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from peewee import fn

from consultplatform.api import (
    STEP_ORDER,
    Consultation,
    Insight,
    StepCheck,
    Theme,
    TrajectoryStep,
)
from consultplatform_expertarena.arenas import arena_query, arena_sectors, moderator_ids_of
from consultplatform_expertarena.models import ExpertarenaThemeProposal


def arenas_step(consultation: Consultation) -> TrajectoryStep:
    arenas = [a for a in arena_query(consultation) if a.status != "cancelled"]
    ids = [a.id for a in arenas]
    insights = dict(Insight.select(Insight.session, fn.COUNT(Insight.id))
                    .where(Insight.session.in_(ids or [0])).group_by(Insight.session).tuples())
    moderators = moderator_ids_of(arenas)
    sectors = arena_sectors(arenas)
    waiting = (ExpertarenaThemeProposal.select().join(Theme)
               .where((Theme.consultation == consultation.id)
                      & ExpertarenaThemeProposal.reviewed_at.is_null()).count())
    checks = []
    for arena in arenas:
        if not moderators.get(arena.id):
            checks.append(StepCheck(_l("Arena without a moderator: %(title)s", title=arena.title),
                                    url_for("session.edit_view", id=arena.id)))
        if not sectors.get(arena.id):
            checks.append(StepCheck(_l("Arena without sectors: %(title)s", title=arena.title),
                                    url_for("expertarena_arenas.setup", session_id=arena.id)))
    if waiting:
        checks.append(StepCheck(_l("%(num)d theme proposals waiting for review", num=waiting),
                                url_for("expertarena_proposal.index_view")))
    if not arenas or (not insights and all(a.status == "planned" for a in arenas)):
        state = "not_started"
    else:
        state = "done" if all(a.status == "closed" for a in arenas) else "in_progress"
    figures = [(_l("Insights"), sum(insights.values()))]
    figures += [(arena.title, insights.get(arena.id, 0)) for arena in arenas]
    return TrajectoryStep(key="expertarenas", label=_l("Expertarenas"),
                          order=STEP_ORDER["expertarenas"], state=state, figures=figures,
                          checks=checks, url=url_for("expertarena_arenas.index"))
