"""A person's own data, through the personal link in their mail (no account): see
everything held about them, download it, withdraw the news consent, and ask for
erasure, confirmed from a mail to their address."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from consultplatform import audit
from consultplatform.admin.labels import LABELS
from consultplatform.db import write_transaction
from consultplatform.extensions import limiter
from consultplatform.models import Participant
from consultplatform.privacy.erasure import erase_participant
from consultplatform.privacy.export import json_download, personal_data
from consultplatform.privacy.links import participant_of
from consultplatform.privacy.mail import queue_erase_confirmation
from consultplatform.public.manage import ConfirmForm, _registration
from consultplatform.public.signup import signup_rate_limit
from consultplatform.services.participants import withdraw_news_consent
from consultplatform.services.signup import deliver_soon

bp = Blueprint("own_data", __name__, url_prefix="/aanmelding")


def _person(token: str) -> Participant:
    participant: Participant = _registration(token, archived_too=True).participant
    return participant


@bp.get("/<string(maxlength=100):token>/gegevens")
def overview(token: str):
    person = _person(token)
    return render_template("public/own_data.html", token=token, person=person,
                           data=personal_data(person.id), form=ConfirmForm(),
                           field_labels=LABELS)


@bp.get("/<string(maxlength=100):token>/gegevens.json")
def download(token: str):
    person = _person(token)
    audit.record("export_own", person, with_origin=False)
    return json_download(personal_data(person.id), f"mijn-gegevens-{person.id}.json")


@bp.post("/<string(maxlength=100):token>/nieuws-intrekken")
def withdraw_news(token: str):
    person = _person(token)
    if ConfirmForm().validate_on_submit():
        withdraw_news_consent(person.id)
        flash(_("You will no longer receive news about this consultation."), "success")
    return redirect(url_for(".overview", token=token), code=303)


@bp.route("/<string(maxlength=100):token>/verwijderen", methods=["GET", "POST"])
@limiter.limit(signup_rate_limit, methods=["POST"])
def request_erasure(token: str):
    person = _person(token)
    form = ConfirmForm()
    if form.validate_on_submit():
        with write_transaction():
            queue_erase_confirmation(person)
            audit.record("erase_requested", person, with_origin=False)
        deliver_soon()
        return render_template("public/erase_sent.html", token=token, person=person)
    return render_template("public/erase_request.html", token=token, person=person,
                           form=form)


@bp.route("/verwijderen/<string(maxlength=300):token>", methods=["GET", "POST"])
def confirm_erasure(token: str):
    participant_id = participant_of(token)
    person = Participant.get_or_none(Participant.id == participant_id) \
        if participant_id is not None else None
    if person is None:
        abort(404, description=_("This link is not valid or has expired (it works for two "
                                 "days). Ask again through the link in your registration "
                                 "e-mail."))
    if person.erased_at is not None:
        return render_template("public/erase_done.html", already=True)
    form = ConfirmForm()
    if form.validate_on_submit():
        erase_participant(person.id, "own_request", by="self")
        return render_template("public/erase_done.html", already=False)
    return render_template("public/erase_confirm.html", form=form,
                           consultation=person.consultation)
