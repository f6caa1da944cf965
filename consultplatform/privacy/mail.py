"""The mail that asks a person to confirm the erasure of their data."""

from __future__ import annotations

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from consultplatform.models import OutboxMail, Participant
from consultplatform.privacy.links import MAX_AGE_SECONDS, erase_token
from consultplatform.urls import public_url

ERASE_SUBJECT = _l("Confirm that your data may be erased")


def queue_erase_confirmation(person: Participant) -> OutboxMail:
    """The mail with the confirmation link (valid for two days), in the person's
    language; sent by the background worker like every mail."""
    link = public_url(url_for("own_data.confirm_erasure", token=erase_token(person.id)))
    with force_locale(person.language):
        context = {"person": person, "link": link, "cp_lang": person.language,
                   "site_name": current_app.config["SITE_NAME"],
                   "consultation": person.consultation.title,
                   "hours": MAX_AGE_SECONDS // 3600}
        subject = str(ERASE_SUBJECT)
        text = render_template("mail/erase_confirm.txt", **context)
        html = render_template("mail/erase_confirm.html", subject=subject, **context)
    return OutboxMail.create(kind="erase_confirm", to_address=person.email,
                             language=person.language, subject=subject, text_body=text,
                             html_body=html)
