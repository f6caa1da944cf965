"""The "Workshops" page in /admin: the workshops of the chosen consultation with
their facilitator, date, status, actions and insights in scope, and per workshop
the page that prepares it (question, scope, members).

Preparing is for administrators and the workshop's facilitator (its session's
moderator); a member of the board gets 403, anyone else 404.
"""

from __future__ import annotations

import operator
from functools import reduce
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from peewee import JOIN, Cast, Value, fn
from werkzeug.routing import BuildError
from wtforms import SelectMultipleField, TextAreaField

from consultplatform.api import (
    ConsultationSession,
    Insight,
    SafeForm,
    Sector,
    SecureView,
    StaffUser,
    Theme,
    current_consultation_id,
    current_language,
    insight_vocabulary,
    parse_id,
)
from consultplatform_workshops.models import WorkshopsAction, WorkshopsMember
from consultplatform_workshops.workshops import (
    FORMAT_KEY,
    Scope,
    WorkshopError,
    WorkshopPlan,
    may_work,
    prepare_workshop,
    scope_of,
    scopes_of,
    workshop_row,
    workshop_session,
)

# Roles that may prepare a workshop at all: administrators, and moderators for the
# workshops they facilitate.
PREPARING_ROLES = ("admin", "moderator")
# The form's lists, in the order the page shows them; each is a WorkshopError's field.
ID_LISTS = ("themes", "sectors", "arenas", "members")


class PrepareForm(SafeForm):
    """What a facilitator chooses; the choices are checked by the service."""

    question = TextAreaField(_l("Question of the workshop"))
    themes = SelectMultipleField(_l("Themes"), validate_choice=False)
    sectors = SelectMultipleField(_l("Sectors"), validate_choice=False)
    categories = SelectMultipleField(_l("Categories"), validate_choice=False)
    arenas = SelectMultipleField(_l("Arenas"), validate_choice=False)
    members = SelectMultipleField(_l("Members"), validate_choice=False)


def may_prepare(session: ConsultationSession) -> bool:
    """Administrators and the workshop's facilitator."""
    return current_user.role == "admin" or session.moderator_id == current_user.id


def board_url(session_id: int) -> str:
    """The workshop's board ("" while no board page is registered)."""
    try:
        return url_for("workshops_board.board", session_id=session_id)
    except BuildError:
        return ""


def _workshops(consultation_id: int) -> list[ConsultationSession]:
    return list(ConsultationSession.select(ConsultationSession, StaffUser.id, StaffUser.name)
                .join(StaffUser, JOIN.LEFT_OUTER,
                      on=(ConsultationSession.moderator == StaffUser.id))
                .where((ConsultationSession.consultation == consultation_id)
                       & (ConsultationSession.format_key == FORMAT_KEY))
                .order_by(ConsultationSession.starts_at, ConsultationSession.id))


def _insights_in_scope(consultation_id: int, scopes: dict[int, Scope]) -> dict[int, int]:
    """How many insights each workshop's scope holds: one statement for all of them
    (a UNION ALL of one count per workshop)."""
    parts = [scope.narrow(Insight.select(Cast(Value(ident), "INTEGER"), fn.COUNT(Insight.id))
                          .join(ConsultationSession)
                          .where(ConsultationSession.consultation == consultation_id))
             for ident, scope in scopes.items()]
    if not parts:
        return {}
    return {int(ident): int(count) for ident, count in reduce(operator.add, parts).tuples()}


def workshop_rows(consultation_id: int) -> list[dict[str, Any]]:
    """The list's rows: a fixed number of statements, whatever the number of workshops
    and insights."""
    sessions = _workshops(consultation_id)
    ids = [s.id for s in sessions]
    actions = dict(WorkshopsAction.select(WorkshopsAction.session, fn.COUNT(WorkshopsAction.id))
                   .where(WorkshopsAction.session.in_(ids or [0]))
                   .group_by(WorkshopsAction.session).tuples())
    members = {row for (row,) in WorkshopsMember.select(WorkshopsMember.session)
               .where(WorkshopsMember.session.in_(ids or [0])
                      & (WorkshopsMember.staff == current_user.id)).tuples()}
    in_scope = _insights_in_scope(consultation_id, scopes_of(ids))
    admin = current_user.role == "admin"
    rows = []
    for session in sessions:
        facilitator = session.moderator if session.moderator_id else None
        mine = session.moderator_id == current_user.id
        rows.append({"session": session,
                     "facilitator": facilitator.name if facilitator else "",
                     "actions": actions.get(session.id, 0),
                     "insights": in_scope.get(session.id, 0),
                     "may_work": admin or mine or session.id in members,
                     "may_prepare": admin or mine, "mine": mine})
    return rows


class WorkshopsView(SecureView):
    """The workshops of the chosen consultation, and preparing one."""

    @expose("/")
    def index(self):
        consultation_id = current_consultation_id()
        rows = workshop_rows(consultation_id) if consultation_id is not None else []
        return self.render("workshops/workshops.html", rows=rows, board_url=board_url,
                           chosen=consultation_id is not None)

    @expose("/<id:session_id>/voorbereiden", methods=("GET", "POST"))
    def prepare(self, session_id: int):
        if current_user.role not in PREPARING_ROLES:  # a viewer never writes (403)
            self.deny("prepare", object_type="ConsultationSession", description=_(
                "Only the workshop's facilitator and administrators may prepare it."))
        try:
            session = workshop_session(session_id)
        except WorkshopError:
            abort(404)
        if not may_prepare(session):
            if may_work(current_user, session):
                self.deny("prepare", session, description=_(
                    "Only the workshop's facilitator and administrators may prepare it."))
            abort(404)
        form = PrepareForm()
        choices = _choices(session)
        for name, options in choices.items():
            form[name].choices = options
        status, problem = 200, ""
        if request.method == "POST":
            if form.validate() and (plan := _plan(form)) is not None:
                try:
                    prepare_workshop(session.id, plan)
                except WorkshopError as refused:
                    if refused.status == 404:
                        abort(404)
                    if refused.field in form:
                        form[refused.field].errors = [str(refused)]
                    else:
                        problem = str(refused)
                    status = refused.status
                else:
                    flash(_("The workshop is prepared: its board shows the insights in its "
                            "scope."), "success")
                    return redirect(url_for(".prepare", session_id=session.id), code=303)
            else:
                status = 400 if form.csrf_token.errors else 422
        else:
            _fill(form, session.id)
        return self.render("workshops/prepare.html", session=session, form=form,
                           problem=problem, closed=session.status != "planned",
                           board_url=board_url(session.id)), status


def _choices(session: ConsultationSession) -> dict[str, list[tuple[str, str]]]:
    """Every list of the form as (value, label) pairs: of the workshop's consultation."""
    consultation_id = session.consultation_id
    language = current_language()
    themes = Theme.select(Theme.id, Theme.name).where(Theme.consultation == consultation_id) \
        .order_by(Theme.position, Theme.name)
    sectors = Sector.select(Sector.id, Sector.name).where(
        Sector.consultation == consultation_id).order_by(Sector.name)
    arenas = (ConsultationSession.select(ConsultationSession.id, ConsultationSession.title)
              .where((ConsultationSession.consultation == consultation_id)
                     & (ConsultationSession.format_key != FORMAT_KEY))
              .order_by(ConsultationSession.starts_at, ConsultationSession.id))
    # Active accounts, and the members chosen before (an account switched off since
    # stays listed, so saving the page never drops a member unseen).
    chosen = WorkshopsMember.select(WorkshopsMember.staff).where(
        WorkshopsMember.session == session.id)
    staff = (StaffUser.select(StaffUser.id, StaffUser.name)
             .where((StaffUser.active | StaffUser.id.in_(chosen))
                    & (StaffUser.id != (session.moderator_id or 0)))
             .order_by(StaffUser.name, StaffUser.id))
    vocabulary = insight_vocabulary(session.consultation)
    return {"themes": [(str(t.id), t.name) for t in themes],
            "sectors": [(str(s.id), s.name) for s in sectors],
            "categories": [(c.code, c.label(language)) for c in vocabulary.categories],
            "arenas": [(str(a.id), a.title) for a in arenas],
            "members": [(str(u.id), u.name) for u in staff]}


def _fill(form: PrepareForm, session_id: int) -> None:
    """The workshop as it is prepared now."""
    scope = scope_of(session_id)
    form.question.data = workshop_row(session_id).question
    form.themes.data = [str(i) for i in scope.theme_ids]
    form.sectors.data = [str(i) for i in scope.sector_ids]
    form.categories.data = list(scope.categories)
    form.arenas.data = [str(i) for i in scope.arena_ids]
    form.members.data = [str(staff) for (staff,) in WorkshopsMember.select(WorkshopsMember.staff)
                         .where(WorkshopsMember.session == session_id).tuples()]


def _plan(form: PrepareForm) -> WorkshopPlan | None:
    """The form's values as the service's plan; None (errors at the fields) when a
    list holds something that is not an id."""
    ids: dict[str, list[int]] = {}
    for name in ID_LISTS:
        values = form[name].data or []
        parsed = [parse_id(v) for v in values]
        if None in parsed:
            form[name].errors = [_("Choose one of the options shown.")]
            continue
        ids[name] = [i for i in parsed if i is not None]
    if len(ids) != len(ID_LISTS):
        return None
    return WorkshopPlan(question=form.question.data or "", theme_ids=ids["themes"],
                        sector_ids=ids["sectors"], categories=list(form.categories.data or []),
                        arena_ids=ids["arenas"], member_ids=ids["members"])

