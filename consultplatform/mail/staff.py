"""Mail to staff accounts (not about a registration): the unlock link."""

from __future__ import annotations

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from consultplatform.models import OutboxMail, StaffUser
from consultplatform.urls import public_url

UNLOCK_SUBJECT = _l("Your account has been locked after wrong passwords")


def queue_unlock_mail(user: StaffUser, token: str) -> OutboxMail:
    """Inside the transaction that locked ``user``: the mail with the unlock link."""
    link = public_url(url_for("auth.unlock", token=token))
    with force_locale(user.language):
        context = {"user": user, "link": link, "site_name": current_app.config["SITE_NAME"],
                   "cp_lang": user.language,
                   "minutes": int(current_app.config["LOGIN_LOCK_MINUTES"])}
        subject = str(UNLOCK_SUBJECT)
        text = render_template("mail/staff_unlock.txt", **context)
        html = render_template("mail/staff_unlock.html", subject=subject, **context)
    return OutboxMail.create(kind="staff_unlock", to_address=user.email, language=user.language,
                             subject=subject, text_body=text, html_body=html)
