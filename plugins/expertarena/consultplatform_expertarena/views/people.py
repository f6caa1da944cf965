"""Who comes to an arena: attendance marked by the moderator, with counts per
side and sector, and the public side invited by staff."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from peewee import JOIN
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from consultplatform import audit
from consultplatform.db import utcnow, write_transaction
from consultplatform.models import Participant, Registration, Sector, choices
from consultplatform.signup import ALREADY, CLOSED, CONFIRMED, Applicant, SignUp, sign_up
from consultplatform_expertarena.analysis import Scope, participation
from consultplatform_expertarena.arenas import may_see_people, moderates_arena
from consultplatform_expertarena.views.common import (
    arena_context,
    deny,
    hidden_tabs,
    require_confirmation,
)

MARKS = ("attended", "no_show", "")
# Sides staff invite to an arena; entrepreneurs sign up themselves.
INVITED_SIDES = ("government", "education", "other", "entrepreneur")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class InviteForm(FlaskForm):
    name = StringField(_l("Name"), filters=[_strip], validators=[
        DataRequired(message=_l("Fill in the name.")), Length(max=120)])
    email = EmailField(_l("E-mail address"), filters=[_strip], validators=[
        DataRequired(message=_l("Fill in the e-mail address.")),
        Email(message=_l("Fill in a valid e-mail address.")), Length(max=254)])
    organisation = StringField(_l("Organisation"), filters=[_strip],
                               validators=[Optional(), Length(max=200)])
    side = SelectField(_l("Side"), choices=[], validators=[InputRequired()])
    sector = SelectField(_l("Sector"), choices=[], validators=[Optional()])
    language = SelectField(_l("Language of the mails"), choices=[], default="nl")


class PeopleRoutes:
    """Routes of :class:`~consultplatform_expertarena.views.arenas.ArenasView`."""

    @expose("/<id:session_id>/aanwezigheid")
    def attendance(self, session_id: int):
        return self._attendance_page(session_id)

    @expose("/<id:session_id>/aanwezigheid/opslaan", methods=("POST",))
    def save_attendance(self, session_id: int):
        return self._attendance_page(session_id)

    def _attendance_page(self, session_id: int):
        session, _settings, _language = arena_context(session_id)
        if not may_see_people(session):
            deny("attendance", session)
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
                deny("save_attendance", session)
            require_confirmation()
            wanted: dict[int, str] = {}
            for registration in registrations:
                value = request.form.get(f"att-{registration.id}", registration.attendance or "")
                if value not in MARKS:
                    errors[registration.id] = _("Choose came, did not come or not recorded.")
                wanted[registration.id] = value
            if not errors:
                changed = self._save_attendance(registrations, wanted)
                flash(_("Attendance saved (%(num)d changed).", num=changed), "success")
                return redirect(url_for(".attendance", session_id=session.id), code=303)
            status = 422
        counts = participation(Scope(session.consultation, session))
        sectors = {s.id: s for s in Sector.select().where(
            Sector.consultation == session.consultation_id)}
        return self.render("expertarena/attendance.html", arena=session,
                           registrations=registrations, counts=counts, sectors=sectors,
                           sides=choices.SIDES, errors=errors, form=FlaskForm(),
                           may_write=moderates_arena(session),
                           hide=hidden_tabs(session)), status

    @staticmethod
    def _save_attendance(registrations: list[Registration], wanted: dict[int, str]) -> int:
        changed = 0
        with write_transaction():
            for registration in registrations:
                value = wanted.get(registration.id, "") or None
                if registration.attendance == value:
                    continue
                registration.attendance, registration.updated_at = value, utcnow()
                registration.save(only=[Registration.attendance, Registration.updated_at])
                audit.record("attendance", registration, details={"attendance": value or ""})
                changed += 1
        return changed

    @expose("/<id:session_id>/uitnodigen", methods=("GET", "POST"))
    def invite(self, session_id: int):
        session, _settings, _language = arena_context(session_id)
        if not moderates_arena(session):
            deny("invite", session)
        form = InviteForm()
        form.language.choices = list(choices.LANGUAGES)
        form.side.choices = [(side, label) for side, label in choices.SIDES
                             if side in INVITED_SIDES]
        form.sector.choices = [("", _("No sector"))] + [
            (str(s.id), s.name) for s in Sector.select()
            .where(Sector.consultation == session.consultation_id)
            .order_by(Sector.position, Sector.name)]
        if request.method == "GET":
            form.side.data = "government"
        status = 200
        if form.validate_on_submit():
            applicant = Applicant(
                name=form.name.data, email=form.email.data,
                organisation=form.organisation.data or "",
                sector_id=int(form.sector.data) if form.sector.data else None,
                side=form.side.data, language=form.language.data)
            outcome = sign_up(SignUp(consultation=session.consultation, applicant=applicant,
                                     session_ids=[session.id], by_staff=True))[0]
            if outcome.result == CLOSED:
                abort(409, description=_("This arena has been closed or cancelled; no one "
                                         "can be added."))
            if outcome.registration is not None and outcome.result != ALREADY:
                audit.record("invite", outcome.registration, details={"status": outcome.result})
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
