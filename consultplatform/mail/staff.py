"""Mails that are not about a registration: the staff unlock link, and the helper
other such mails use (the erasure confirmation)."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from consultplatform.models import OutboxMail, StaffUser
from consultplatform.urls import public_url

UNLOCK_SUBJECT = _l("Your account has been locked after wrong passwords")


def queue_plain_mail(kind: str, to_address: str, language: str, subject: Any,
                     **context: Any) -> OutboxMail:
    """A composed mail that is not about a registration (templates ``mail/<kind>.txt``
    and ``.html``), in ``language``; inside the caller's transaction."""
    with force_locale(language):
        title = str(subject)
        context = {"site_name": current_app.config["SITE_NAME"], "cp_lang": language,
                   **context}
        text = render_template(f"mail/{kind}.txt", **context)
        html = render_template(f"mail/{kind}.html", subject=title, **context)
    return OutboxMail.create(kind=kind, to_address=to_address, language=language,
                             subject=title, text_body=text, html_body=html)


def queue_unlock_mail(user: StaffUser, token: str) -> OutboxMail:
    """Inside the transaction that locked ``user``: the mail with the unlock link."""
    return queue_plain_mail("staff_unlock", user.email, user.language, UNLOCK_SUBJECT,
                            user=user, link=public_url(url_for("auth.unlock", token=token)),
                            minutes=int(current_app.config["LOGIN_LOCK_MINUTES"]))
