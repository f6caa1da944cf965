"""The core's steps of a consultation's trajectory on its dashboard: the set-up, the
invitation and sign-up, and the draft agenda (see consultplatform.dashboard)."""

from __future__ import annotations

import datetime as dt

from flask import url_for
from flask_babel import format_date, ngettext
from flask_babel import lazy_gettext as _l
from peewee import fn

from consultplatform.contributions import STEP_ORDER, StepCheck, TrajectoryStep
from consultplatform.models import (
    Action,
    AgendaDecision,
    AgendaItem,
    Consultation,
    ConsultationSession,
    Participant,
    Sector,
    Theme,
)
from consultplatform.seat_counts import status_counts
from consultplatform.timezone import now_local


def _edit(endpoint: str, record_id: int) -> str:
    return url_for(f"{endpoint}.edit_view", id=record_id)


def _new(endpoint: str, consultation: Consultation) -> str:
    return url_for(f"{endpoint}.create_view", consultation=consultation.id)


def setup_step(consultation: Consultation) -> TrajectoryStep:
    counts = {
        "sectors": Sector.select().where(Sector.consultation == consultation).count(),
        "themes": Theme.select().where(Theme.consultation == consultation).count(),
    }
    sessions = list(ConsultationSession.select(ConsultationSession.id, ConsultationSession.title,
                                               ConsultationSession.capacity)
                    .where(ConsultationSession.consultation == consultation)
                    .order_by(ConsultationSession.starts_at))
    checks = []
    if consultation.retention_until is None:
        checks.append(StepCheck(_l("No retention date for the personal data yet"),
                                _edit("consultation", consultation.id)))
    if not consultation.contact_email:
        checks.append(StepCheck(_l("No contact address for participants yet"),
                                _edit("consultation", consultation.id)))
    if not counts["sectors"]:
        checks.append(StepCheck(_l("No sectors yet"), _new("sector", consultation)))
    if not counts["themes"]:
        checks.append(StepCheck(_l("No themes yet"), _new("theme", consultation)))
    if not sessions:
        checks.append(StepCheck(_l("No sessions yet"), _new("session", consultation)))
    checks += [StepCheck(_l("Session without a capacity: %(title)s", title=s.title),
                         _edit("session", s.id)) for s in sessions if s.capacity is None]
    if consultation.status == "draft":
        checks.append(StepCheck(_l("The consultation is a draft: publish it when it is ready"),
                                _edit("consultation", consultation.id)))
    started = sessions or any(counts.values())
    state = "done" if not checks else ("in_progress" if started else "not_started")
    return TrajectoryStep(
        key="setup", label=_l("Set-up"), order=STEP_ORDER["setup"], state=state,
        figures=[(_l("Sectors"), counts["sectors"]), (_l("Themes"), counts["themes"]),
                 (_l("Sessions"), len(sessions)), *_retention_figure(consultation)],
        checks=checks, url=_edit("consultation", consultation.id))


def _retention_figure(consultation: Consultation) -> list[tuple]:
    """When the participants' data goes (the nightly task, the day after the date)."""
    if consultation.retention_until is None:
        return []
    day = consultation.retention_until + dt.timedelta(days=1)
    label = (_l("Personal data erased on") if day <= now_local().date()
             else _l("Personal data will be erased on"))
    return [(label, format_date(day, format="long"))]


def signup_step(consultation: Consultation) -> TrajectoryStep:
    sessions = list(ConsultationSession.select()
                    .where((ConsultationSession.consultation == consultation)
                           & (ConsultationSession.status != "cancelled"))
                    .order_by(ConsultationSession.starts_at))
    counts = status_counts([s.id for s in sessions])
    people = Participant.select().where(Participant.consultation == consultation).count()
    figures: list = [(_l("Participants"), people)]
    for session in sessions:
        confirmed = counts.get(session.id, {}).get("confirmed", 0)
        waiting = counts.get(session.id, {}).get("waitlisted", 0)
        figures.append((session.title, _places(confirmed, session.capacity, waiting)))
    now = now_local()
    open_now = [s for s in sessions if s.is_open_for_registration]
    to_come = [s for s in sessions if s.status == "planned" and s.starts_at > now]
    checks = [StepCheck(_l("Invitation-only session without its invitation link: %(title)s",
                           title=s.title), _edit("session", s.id))
              for s in to_come if s.audience == "invite" and not s.invite_token]
    if consultation.status != "published" or not sessions:
        state = "not_started" if consultation.status == "draft" else "done"
    else:
        state = "in_progress" if open_now or to_come else "done"
    return TrajectoryStep(
        key="signup", label=_l("Invitation and sign-up"), order=STEP_ORDER["signup"],
        state=state, figures=figures, checks=checks,
        url=url_for("registration.index_view"))


def _places(confirmed: int, capacity: int | None, waiting: int) -> str:
    taken = (str(_l("%(confirmed)d of %(capacity)d places taken", confirmed=confirmed,
                    capacity=capacity)) if capacity is not None
             else str(_l("%(confirmed)d signed up", confirmed=confirmed)))
    if waiting:
        taken += ", " + ngettext("%(num)d waiting", "%(num)d waiting", waiting)
    return taken


def agenda_step(consultation: Consultation) -> TrajectoryStep:
    actions = Action.select().where(Action.consultation == consultation).count()
    of_consultation = AgendaItem.select(AgendaItem.id).where(
        AgendaItem.consultation == consultation)
    items = of_consultation.count()
    decided = (AgendaDecision.select(fn.COUNT(AgendaDecision.item.distinct()))
               .where(AgendaDecision.item.in_(of_consultation)).scalar() or 0)
    state = "not_started" if not items else ("done" if decided == items else "in_progress")
    return TrajectoryStep(
        key="agenda", label=_l("Draft agenda"), order=STEP_ORDER["agenda"], state=state,
        figures=[(_l("Actions and proposals"), actions), (_l("Agenda items"), items),
                 (_l("Agenda items decided"), decided)])
