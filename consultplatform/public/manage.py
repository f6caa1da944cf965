"""Self-service through the link in the mail (no account): see, cancel,
download the calendar file, correct one's details."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, StringField, TelField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from consultplatform.forms import SafeForm, options
from consultplatform.mail.ics import build_ics
from consultplatform.models import Participant, Registration
from consultplatform.models.choices import LANGUAGES
from consultplatform.public.signup_form import NEWS_CONSENT
from consultplatform.services.participants import DetailsError, OwnDetails, update_own_details
from consultplatform.services.signup import cancel
from consultplatform.timezone import now_local

bp = Blueprint("manage", __name__, url_prefix="/aanmelding")

TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,64}")


class DetailsForm(SafeForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)],
                       render_kw={"autocomplete": "name"})
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)],
                               render_kw={"autocomplete": "organization"})
    phone = TelField(_l("Phone number (optional)"),
                     validators=[Optional(), Length(max=40),
                                 Regexp(r"^[0-9 +()\-]{6,40}$",
                                        message=_l("Use digits, spaces and + ( ) - only."))],
                     render_kw={"autocomplete": "tel"})
    language = RadioField(_l("Language of our e-mails"), choices=options(LANGUAGES),
                          validators=[DataRequired()])
    news = BooleanField(NEWS_CONSENT)


class ConfirmForm(SafeForm):
    """Only the CSRF token: the confirmation step of a cancellation."""


def _registration(token: str, *, archived_too: bool = False) -> Registration:
    """The registration behind a link, or a clear 404/410. ``archived_too``: a person's
    data rights last as long as their data, past the consultation's archiving."""
    if not TOKEN_SHAPE.fullmatch(token):
        abort(404, description=_("This link is not valid. Use the link from your e-mail."))
    registration = Registration.get_or_none(Registration.token == token)
    if registration is None:
        abort(404, description=_("This link is not valid. Use the link from your e-mail."))
    consultation = registration.session.consultation
    retention = consultation.retention_until
    archived = consultation.status == "archived" and not archived_too
    if archived or (retention and retention < now_local().date()):
        abort(410, description=_("This link has expired: the consultation is over."))
    return registration


def _own(registration: Registration, registration_id: int) -> Registration:
    """One of the same person's registrations, or 404."""
    other = Registration.get_or_none((Registration.id == registration_id)
                                     & (Registration.participant == registration.participant_id))
    if other is None:
        abort(404)
    return other


@bp.route("/<string(maxlength=100):token>", methods=["GET", "POST"])
def overview(token: str):
    registration = _registration(token)
    participant: Participant = registration.participant
    form = DetailsForm(obj=participant if request.method == "GET" else None,
                       data={"news": participant.news_opt_in} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            update_own_details(participant.id, OwnDetails(
                name=form.name.data, organisation=form.organisation.data or "",
                phone=form.phone.data or "", language=form.language.data,
                news_opt_in=bool(form.news.data), news_consent_text=str(NEWS_CONSENT)))
        except DetailsError as refused:
            form[refused.field].errors = [*form[refused.field].errors, str(refused)]
        else:
            flash(_("Your details have been saved."), "success")
            return redirect(url_for(".overview", token=token), code=303)
    registrations = list(Registration.select()
                         .where(Registration.participant == participant.id)
                         .order_by(Registration.id))
    status = 422 if request.method == "POST" else 200
    return render_template("public/manage.html", token=token, participant=participant,
                           registrations=registrations, form=form), status


@bp.route("/<string(maxlength=100):token>/annuleren/<id:registration_id>",
          methods=["GET", "POST"])
def cancel_registration(token: str, registration_id: int):
    own = _own(_registration(token), registration_id)
    if own.status == "cancelled":
        flash(_("This registration was already cancelled."), "info")
        return redirect(url_for(".overview", token=token), code=303)
    if not own.session.is_going_ahead:
        abort(409, description=_("This session has already taken place or was cancelled; "
                                 "the registration can no longer be changed."))
    form = ConfirmForm()
    if form.validate_on_submit():
        cancel(own.id)
        flash(_("Your registration for %(title)s has been cancelled.", title=own.session.title),
              "success")
        return redirect(url_for(".overview", token=token), code=303)
    return render_template("public/manage_cancel.html", token=token, registration=own,
                           form=form)


@bp.get("/<string(maxlength=100):token>/agenda/<id:registration_id>.ics")
def calendar_file(token: str, registration_id: int):
    own = _own(_registration(token), registration_id)
    if own.status != "confirmed":
        abort(404, description=_("There is only a calendar file for a confirmed place."))
    # A file to import into one's own calendar publishes the event; REQUEST (an
    # invitation to answer) and CANCEL are what the mails carry.
    return Response(build_ics(own, "PUBLISH"), mimetype="text/calendar",
                    headers={"Content-Disposition":
                             f'attachment; filename="sessie-{own.session_id}.ics"'})
