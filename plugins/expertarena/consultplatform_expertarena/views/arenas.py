"""The "Arenas" page in /admin: every arena with its sectors, moderators, places
and insights; closing and reopening; an arena's sectors and extra moderators."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from peewee import fn

from consultplatform.api import (
    Insight,
    SafeForm,
    SecureView,
    SessionStateError,
    StaffUser,
    close_session,
    is_admin,
    reopen_session,
    session_counts,
)
from consultplatform_expertarena.arenas import (
    arena_or_404,
    arena_query,
    arena_sectors,
    co_moderator_ids,
    moderates_arena,
    moderator_candidates,
    moderator_ids_of,
    sectors_of,
)
from consultplatform_expertarena.services import save_arena_setup
from consultplatform_expertarena.views.capture import CaptureRoutes
from consultplatform_expertarena.views.common import (
    closed_conflict,
    hidden_tabs,
    require_confirmation,
)
from consultplatform_expertarena.views.people import PeopleRoutes


class ArenasView(CaptureRoutes, PeopleRoutes, SecureView):
    """Staff pages of the arenas; every write is checked per arena (moderators of
    that arena, or administrators)."""

    @expose("/")
    def index(self):
        arenas = list(arena_query())
        ids = [a.id for a in arenas]
        counts = session_counts(ids)
        insights = dict(Insight.select(Insight.session,
                                                  fn.COUNT(Insight.id))
                        .where(Insight.session.in_(ids or [0]))
                        .group_by(Insight.session).tuples())
        moderating = moderator_ids_of(arenas)
        staff_ids = {i for group in moderating.values() for i in group}
        names = {u.id: u.name for u in StaffUser.select(StaffUser.id, StaffUser.name)
                 .where(StaffUser.id.in_(sorted(staff_ids) or [0]))}
        rows = []
        for arena in arenas:
            mods = moderating[arena.id]
            rows.append({"arena": arena, "confirmed": counts.get(arena.id, {}).get("confirmed", 0),
                         "insights": insights.get(arena.id, 0),
                         "moderators": sorted(names[i] for i in mods if i in names),
                         "mine": current_user.id in mods})
        return self.render("expertarena/arenas.html", rows=rows, sectors=arena_sectors(arenas))

    @expose("/<id:session_id>/sluiten", methods=("POST",))
    def close(self, session_id: int):
        session = arena_or_404(session_id)
        if not moderates_arena(session):
            self.refuse("close", session)
        require_confirmation()
        try:
            closed = close_session(session.id)
        except SessionStateError:
            closed_conflict()
        if not closed.changed:
            message = _("This arena was already closed.")
        elif is_admin():
            message = _("The arena is closed. Its insights are now read-only for its "
                        "moderators; you can reopen it with the button below.")
        else:
            message = _("The arena is closed. Its insights are now read-only; an "
                        "administrator can reopen it.")
        flash(message, "success")
        return redirect(url_for(".capture", session_id=session.id), code=303)

    @expose("/<id:session_id>/heropenen", methods=("POST",))
    def reopen(self, session_id: int):
        session = arena_or_404(session_id)
        if not is_admin():
            self.refuse("reopen", session)
        require_confirmation()
        reopen_session(session.id)
        flash(_("The arena is open again; its moderators can change its insights."), "success")
        return redirect(url_for(".capture", session_id=session.id), code=303)

    @expose("/<id:session_id>/instellingen", methods=("GET", "POST"))
    def setup(self, session_id: int):
        """An arena's sectors and its extra moderators (administrators only)."""
        session = arena_or_404(session_id)
        if not is_admin():
            self.refuse("setup", session)
        sectors, staff = sectors_of(session.consultation_id), moderator_candidates()
        chosen_sectors = {s.id for s in arena_sectors([session])[session.id]}
        chosen_staff = co_moderator_ids(session.id)
        error = None
        if request.method == "POST":
            wanted_sectors = request.form.getlist("sector")
            wanted_staff = request.form.getlist("moderator")
            known_sectors, known_staff = {str(s.id) for s in sectors}, {str(u.id) for u in staff}
            if not set(wanted_sectors) <= known_sectors or not set(wanted_staff) <= known_staff:
                error = _("Choose from the sectors and staff members shown.")
            elif not wanted_sectors and sectors:
                error = _("An arena has at least one sector.")
            else:
                save_arena_setup(session.id, [int(i) for i in wanted_sectors],
                                 [int(i) for i in wanted_staff])
                flash(_("The arena's sectors and moderators are saved."), "success")
                return redirect(url_for(".capture", session_id=session.id), code=303)
            chosen_sectors = {int(i) for i in wanted_sectors if i.isdigit()}
            chosen_staff = {int(i) for i in wanted_staff if i.isdigit()}
        return self.render("expertarena/arena_settings.html", arena=session, sectors=sectors,
                           staff=staff, chosen_sectors=chosen_sectors, chosen_staff=chosen_staff,
                           error=error, form=SafeForm(), hide=hidden_tabs(session)), \
            422 if error else 200
