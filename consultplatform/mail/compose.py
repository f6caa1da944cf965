"""Compose participant mails into the outbox, in the participant's language.

Call these inside the transaction that causes the mail, so the mail exists
exactly when the change does (nothing lost when the mail server is down).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from consultplatform.db import utcnow, write_transaction
from consultplatform.mail.ics import build_ics
from consultplatform.models import ConsultationSession, OutboxMail, Participant, Registration
from consultplatform.seats import lock_session
from consultplatform.timezone import now_local
from consultplatform.urls import public_url
from consultplatform.waiting import waiting_reason

SUBJECTS = {
    "confirmation": _l("You are signed up: %(title)s"),
    "waitlisted": _l("On the waiting list: %(title)s"),
    "promoted": _l("A place has become free for you: %(title)s"),
    "cancelled": _l("Cancelled: %(title)s"),
    "reminder": _l("Reminder: %(title)s"),
    "updated": _l("Changed: %(title)s"),
    "session_cancelled": _l("Will not take place: %(title)s"),
    "unchanged": _l("You were already signed up: %(title)s"),
    "other_sectors": _l("Not possible for your sector: %(title)s"),
}
# Which calendar attachment goes with which mail.
ICS_METHODS = {"confirmation": "REQUEST", "promoted": "REQUEST", "reminder": "REQUEST",
               "updated": "REQUEST", "cancelled": "CANCEL", "session_cancelled": "CANCEL"}


def manage_url(registration: Registration) -> str:
    return public_url(f"/aanmelding/{registration.token}")


def queue_mail(kind: str, registration: Registration, *, reason: str | None = None) -> OutboxMail:
    """Render mail ``kind`` for ``registration`` and put it in the outbox. ``reason``:
    why a waiting person waits (``seats.FULL``, ...), said in the mail."""
    participant: Participant = registration.participant
    session: ConsultationSession = registration.session
    method = ICS_METHODS.get(kind)
    if method:
        # Every invitation or cancellation is newer than the last one sent (RFC 5546),
        # so a sign-up again after a CANCEL is not ignored by calendar programs.
        registration.ics_sequence += 1
        registration.save(only=[Registration.ics_sequence])
    extra: dict[str, Any] = {}
    if kind == "waitlisted":
        extra["waiting"] = lambda: waiting_reason(
            reason, sector=participant.sector.name if participant.sector_id else "",
            side=participant.side)
    return _queue(kind, participant, session, manage_url(registration), registration,
                  ics=build_ics(registration, method) if method else "", **extra)


def queue_notice(kind: str, participant: Participant, session: ConsultationSession,
                 **context: Any) -> OutboxMail:
    """A mail about ``session`` that is about no registration of it (a sign-up that
    could not be made), with the link of the person's latest registration, if any."""
    latest = (Registration.select().where(Registration.participant == participant.id)
              .order_by(Registration.id.desc()).first())
    return _queue(kind, participant, session, manage_url(latest) if latest else "", None,
                  **context)


def _queue(kind: str, participant: Participant, session: ConsultationSession, link: str,
           registration: Registration | None, *, ics: str = "", **context: Any) -> OutboxMail:
    with force_locale(participant.language):
        # Callables are phrased here, in the participant's language.
        values = {key: value() if callable(value) else value for key, value in context.items()}
        values.update({"kind": kind, "participant": participant, "session": session,
                       "registration": registration,
                       "consultation": session.consultation, "manage_url": link,
                       "site_name": current_app.config["SITE_NAME"],
                       "cp_lang": participant.language})
        subject = str(SUBJECTS[kind]) % {"title": session.title}
        text = render_template(f"mail/{kind}.txt", **values)
        html = render_template(f"mail/{kind}.html", subject=subject, **values)
    return OutboxMail.create(
        kind=kind, to_address=participant.email, language=participant.language,
        subject=subject[:300], text_body=text, html_body=html, ics=ics,
        registration=registration)


def queue_reminders(now: dt.datetime | None = None) -> int:
    """Queue a reminder for every confirmed seat whose session is within its reminder window."""
    now = now or now_local()
    queued = 0
    candidates = (Registration.select(Registration.id)
                  .join(ConsultationSession)
                  .where((Registration.status == "confirmed")
                         & Registration.reminded_at.is_null()
                         & (ConsultationSession.status == "planned")
                         & ConsultationSession.reminder_hours.is_null(False)
                         & (ConsultationSession.starts_at > now)
                         & (ConsultationSession.starts_at <= now + dt.timedelta(days=30))))
    for row in candidates:
        with write_transaction():
            # Under the session lock: a cancellation committed since the candidates were
            # read must not get a reminder that puts the event back in their calendar.
            registration = Registration.get_by_id(row.id)
            session = lock_session(registration.session_id)
            registration = Registration.get_by_id(row.id)
            due = session.starts_at - dt.timedelta(hours=session.reminder_hours or 0)
            if (registration.reminded_at is not None or registration.status != "confirmed"
                    or session.status != "planned" or session.reminder_hours is None
                    or now < due or session.starts_at <= now):
                continue
            queue_mail("reminder", registration)
            registration.reminded_at = utcnow()
            registration.save(only=[Registration.reminded_at])
            queued += 1
    return queued
