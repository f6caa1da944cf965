"""The mail that asks a person to confirm the erasure of their data."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from consultplatform.mail.staff import queue_plain_mail
from consultplatform.models import OutboxMail, Participant
from consultplatform.privacy.links import MAX_AGE_SECONDS, erase_token
from consultplatform.urls import public_url

ERASE_SUBJECT = _l("Confirm that your data may be erased")


def queue_erase_confirmation(person: Participant) -> OutboxMail:
    """The mail with the confirmation link (valid for two days), in the person's
    language; sent by the background worker like every mail."""
    link = public_url(url_for("own_data.confirm_erasure", token=erase_token(person.id)))
    return queue_plain_mail("erase_confirm", person.email, person.language, ERASE_SUBJECT,
                            person=person, link=link, consultation=person.consultation.title,
                            hours=MAX_AGE_SECONDS // 3600)
