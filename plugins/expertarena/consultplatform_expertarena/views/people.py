"""Who comes to an arena: attendance marked by the moderator, with counts per
side and sector, and the public side invited by staff."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import JOIN
from wtforms import SelectField
from wtforms.validators import InputRequired, Optional

from consultplatform.api import (
    ALREADY,
    CLOSED,
    CONFIRMED,
    OTHER_SECTORS,
    Applicant,
    BaseSignUpForm,
    Participant,
    Registration,
    SafeForm,
    Sector,
    choices,
    mark_attendance,
    options,
)
from consultplatform_expertarena.analysis import Scope, participation
from consultplatform_expertarena.arenas import arena_or_404, may_see_people, moderates_arena
from consultplatform_expertarena.services import invite as invite_to_arena
from consultplatform_expertarena.views.common import (
    ArenaRoutes,
    hidden_tabs,
    require_confirmation,
)

MARKS = ("attended", "no_show", "")


class InviteForm(SafeForm):
    # The sign-up form's own fields: the same rules for a person, whoever adds them.
    name = BaseSignUpForm.name
    email = BaseSignUpForm.email
    organisation = BaseSignUpForm.organisation
    side = SelectField(_l("Side"), choices=options(choices.SIDES), default="government",
                       validators=[InputRequired()])
    sector = SelectField(_l("Sector"), choices=[], validators=[Optional()])
    language = SelectField(_l("Language of the mails"), choices=options(choices.LANGUAGES),
                           default="nl")


class PeopleRoutes(ArenaRoutes):
    """Routes of :class:`~consultplatform_expertarena.views.arenas.ArenasView`."""

    @expose("/<id:session_id>/aanwezigheid")
    def attendance(self, session_id: int):
        return self._attendance_page(session_id)

    @expose("/<id:session_id>/aanwezigheid/opslaan", methods=("POST",))
    def save_attendance(self, session_id: int):
        return self._attendance_page(session_id)

    def _attendance_page(self, session_id: int):
        session = arena_or_404(session_id)
        if not may_see_people(session):
            self.refuse("attendance", session)
        registrations = list(
            Registration.select(Registration, Participant, Sector)
            .join(Participant).join(Sector, on=(Participant.sector == Sector.id),
                                    join_type=JOIN.LEFT_OUTER)
            .where((Registration.session == session.id) & (Registration.status == "confirmed"))
            .order_by(Participant.side, Sector.name, Participant.name))
        errors: dict[int, str] = {}
        status = 200
        if request.method == "POST":
            if not moderates_arena(session):
                self.refuse("save_attendance", session)
            require_confirmation()
            wanted: dict[int, str | None] = {}
            for registration in registrations:
                value = request.form.get(f"att-{registration.id}", registration.attendance or "")
                if value not in MARKS:
                    errors[registration.id] = _("Choose came, did not come or not recorded.")
                wanted[registration.id] = value
            if not errors:
                changed = mark_attendance(wanted)
                flash(_("Attendance saved (%(num)d changed).", num=changed), "success")
                return redirect(url_for(".attendance", session_id=session.id), code=303)
            status = 422
        counts = participation(Scope(session.consultation, session))
        sectors = {s.id: s for s in Sector.select().where(
            Sector.consultation == session.consultation_id)}
        return self.render("expertarena/attendance.html", arena=session,
                           registrations=registrations, counts=counts, sectors=sectors,
                           sides=choices.SIDES, errors=errors, form=SafeForm(),
                           may_write=moderates_arena(session),
                           hide=hidden_tabs(session)), status

    @expose("/<id:session_id>/uitnodigen", methods=("GET", "POST"))
    def invite(self, session_id: int):
        session = arena_or_404(session_id)
        if not moderates_arena(session):
            self.refuse("invite", session)
        form = InviteForm()
        form.sector.choices = [("", _("No sector"))] + [
            (str(s.id), s.name) for s in Sector.select()
            .where(Sector.consultation == session.consultation_id)
            .order_by(Sector.position, Sector.name)]
        status = 200
        if form.validate_on_submit():
            applicant = Applicant(
                name=form.name.data, email=form.email.data,
                organisation=form.organisation.data or "",
                sector_id=int(form.sector.data) if form.sector.data else None,
                side=form.side.data, language=form.language.data)
            outcome = invite_to_arena(session, applicant)
            if outcome.result == CLOSED:
                abort(409, description=_("This arena has been closed or cancelled; no one "
                                         "can be added."))
            if outcome.result == OTHER_SECTORS:
                form.sector.errors = [*form.sector.errors, _(
                    "This arena is for entrepreneurs of its own sectors; invite entrepreneurs "
                    "of another sector to their own arena.")]
                return self.render("expertarena/invite.html", arena=session, form=form,
                                   hide=hidden_tabs(session)), 422
            flash({
                CONFIRMED: _("Invited: the person has a place and gets a mail with the "
                             "calendar invitation."),
                ALREADY: _("This e-mail address was already signed up for this arena; "
                           "nothing has changed."),
            }.get(outcome.result, _("The arena is full for this person: they are on the "
                                    "waiting list and get a mail saying so.")), "success")
            return redirect(url_for(".invite", session_id=session.id), code=303)
        if request.method == "POST":
            status = 422
        return self.render("expertarena/invite.html", arena=session, form=form,
                           hide=hidden_tabs(session)), status
