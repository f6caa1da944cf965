"""The workshops' step on a consultation's dashboard: what became of the insights,
and what is still missing before the draft agenda (open insights, workshops without
a facilitator or without actions, actions not on the agenda). A fixed number of
statements, whatever the number of insights or workshops."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from peewee import fn
from werkzeug.routing import BuildError

from consultplatform.api import (
    STEP_ORDER,
    Action,
    AgendaItem,
    AgendaItemAction,
    Consultation,
    ConsultationSession,
    StepCheck,
    TrajectoryStep,
)
from consultplatform_workshops.models import WorkshopsAction
from consultplatform_workshops.outputs_memo import GONE, fates
from consultplatform_workshops.workshops import FORMAT_KEY, uses_workshops


def _url(endpoint: str, **values) -> str:
    """The page's address; the workshops' list when a page is not there (yet)."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return url_for("workshops_list.index")


def workshops_steps(consultation: Consultation) -> list[TrajectoryStep]:
    if not uses_workshops(consultation):
        return []
    workshops = list(ConsultationSession
                     .select(ConsultationSession.id, ConsultationSession.title,
                             ConsultationSession.status, ConsultationSession.moderator)
                     .where((ConsultationSession.consultation == consultation.id)
                            & (ConsultationSession.format_key == FORMAT_KEY)
                            & (ConsultationSession.status != "cancelled"))
                     .order_by(ConsultationSession.starts_at, ConsultationSession.id))
    on_boards = dict(WorkshopsAction.select(WorkshopsAction.session, fn.COUNT(WorkshopsAction.id))
                     .where(WorkshopsAction.session.in_([w.id for w in workshops] or [0]))
                     .group_by(WorkshopsAction.session).tuples())
    live = Action.select(Action.id).where((Action.consultation == consultation.id)
                                          & Action.status.not_in(GONE))
    actions = live.count()
    off_agenda = (live.where(Action.id.not_in(
        AgendaItemAction.select(AgendaItemAction.action).join(AgendaItem)
        .where(AgendaItem.consultation == consultation.id))).count())
    items = AgendaItem.select().where(AgendaItem.consultation == consultation.id).count()
    total, answered, aside, _reasons = fates(consultation)
    still_open = total - answered - aside

    checks = []
    for workshop in workshops:
        if workshop.moderator_id is None:
            checks.append(StepCheck(_l("Workshop without a facilitator: %(title)s",
                                       title=workshop.title),
                                    url_for("session.edit_view", id=workshop.id)))
        elif not on_boards.get(workshop.id):
            checks.append(StepCheck(_l("Workshop without actions yet: %(title)s",
                                       title=workshop.title),
                                    _url("workshops_board.board", session_id=workshop.id)))
    if workshops and still_open:
        checks.append(StepCheck(lazy_ngettext("%(num)d insight still open",
                                              "%(num)d insights still open", still_open),
                                _url("workshops_coverage.index")))
    if actions and not items:
        checks.append(StepCheck(_l("No items on the draft agenda yet"),
                                _url("workshops_agenda.index")))
    elif items and off_agenda:
        checks.append(StepCheck(lazy_ngettext("%(num)d action not on the draft agenda yet",
                                              "%(num)d actions not on the draft agenda yet",
                                              off_agenda),
                                _url("workshops_agenda.index")))
    if not workshops or not (actions or aside):
        state = "not_started"
    elif all(w.status == "closed" for w in workshops) and not still_open:
        state = "done"
    else:
        state = "in_progress"
    figures = [(_l("Workshops"), len(workshops)), (_l("Actions and proposals"), actions),
               (_l("Insights answered"), answered), (_l("Insights set aside"), aside),
               (_l("Insights still open"), still_open)]
    return [TrajectoryStep(key="workshops", label=_l("Workshops"),
                           order=STEP_ORDER["workshops"], state=state, figures=figures,
                           checks=checks, url=_url("workshops_list.index"))]
