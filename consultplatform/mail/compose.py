"""Queue participant mails into the outbox, and compose them in the participant's language.

:func:`queue_mail` and :func:`queue_notice` run inside the transaction that causes
the mail, so the outbox row exists exactly when the change does (nothing lost when
the mail server is down). They write only what the mail is about (its kind, the
registration, the calendar sequence, why someone waits); the subject, the bodies
and the calendar file are composed right after the commit, outside the seat lock
(:func:`compose_after_commit`), or by the worker before sending if that never
happened (:func:`compose`).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from consultplatform.db import db, utcnow, write_transaction
from consultplatform.mail.ics import build_ics
from consultplatform.models import ConsultationSession, OutboxMail, Participant, Registration
from consultplatform.seats import lock_session
from consultplatform.timezone import now_local
from consultplatform.urls import public_url
from consultplatform.waiting import waiting_reason

log = logging.getLogger(__name__)

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


def bump_sequence(kind: str, registration: Registration) -> None:
    """Every invitation or cancellation is newer than the last one sent (RFC 5546), so
    a sign-up again after a CANCEL is not ignored by calendar programs. The caller
    saves ``registration`` (a new one is created with it: no UPDATE of its own)."""
    if kind in ICS_METHODS:
        registration.ics_sequence += 1


def queue_mail(kind: str, registration: Registration, *, reason: str | None = None,
               sequence_saved: bool = False) -> OutboxMail:
    """Put mail ``kind`` for ``registration`` in the outbox. ``reason``: why a waiting
    person waits (``seats.FULL``, ...), said in the mail. ``sequence_saved``: the
    caller already bumped and saved the calendar sequence (see :func:`bump_sequence`)."""
    if not sequence_saved and kind in ICS_METHODS:
        bump_sequence(kind, registration)
        registration.save(only=[Registration.ics_sequence])
    spec = {"session": registration.session_id, "participant": registration.participant_id,
            "sequence": registration.ics_sequence, "reason": reason}
    return _queue(kind, registration.participant, registration, spec, registration.session)


def queue_notice(kind: str, participant: Participant, session: ConsultationSession,
                 **context: str) -> OutboxMail:
    """A mail about ``session`` that is about no registration of it (a sign-up that
    could not be made); ``context`` holds plain strings for the template."""
    spec = {"session": session.id, "participant": participant.id, "context": context}
    return _queue(kind, participant, None, spec, session)


def _queue(kind: str, participant: Participant, registration: Registration | None,
           spec: dict[str, Any], session: ConsultationSession) -> OutboxMail:
    mail = OutboxMail.create(kind=kind, to_address=participant.email,
                             language=participant.language, subject="", text_body="",
                             registration=registration, compose_spec=spec)
    compose_after_commit(mail, participant, session, registration)
    return mail


def compose_after_commit(mail: OutboxMail, participant: Participant,
                         session: ConsultationSession, registration: Registration | None) -> None:
    """Compose the mail once the transaction that queued it has committed, from the
    rows it was queued with (no reading them again). A failure here loses nothing:
    the row stays uncomposed and the worker composes it."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def run() -> None:
        try:
            with app.app_context():
                _compose(mail, participant, session, registration)
        except Exception:
            log.exception("mail #%s: composing after the commit failed; the worker will", mail.id)

    db.obj.after_commit(run)


def compose(mail_id: int) -> OutboxMail | None:
    """Render an uncomposed outbox row (subject, bodies, calendar file) from what it
    is about; a row already composed is left alone. Returns the row as stored.
    The worker's way, for rows nobody composed after their commit."""
    mail = OutboxMail.get_or_none(OutboxMail.id == mail_id)
    if mail is None or mail.compose_spec is None:
        return mail
    spec = mail.compose_spec
    registration = Registration.get_or_none(Registration.id == mail.registration_id) \
        if mail.registration_id else None
    _compose(mail, Participant.get_by_id(spec["participant"]),
             ConsultationSession.get_by_id(spec["session"]), registration)
    return OutboxMail.get_by_id(mail.id)


def _compose(mail: OutboxMail, participant: Participant, session: ConsultationSession,
             registration: Registration | None) -> None:
    spec = mail.compose_spec
    if registration is not None:
        registration.participant, registration.session = participant, session
    values, ics = _context(mail.kind, spec, participant, registration)
    with force_locale(participant.language):
        values = {key: value() if callable(value) else value for key, value in values.items()}
        values.update({"kind": mail.kind, "participant": participant, "session": session,
                       "registration": registration, "consultation": session.consultation,
                       "site_name": current_app.config["SITE_NAME"],
                       "cp_lang": participant.language})
        subject = str(SUBJECTS[mail.kind]) % {"title": session.title}
        text = render_template(f"mail/{mail.kind}.txt", **values)
        html = render_template(f"mail/{mail.kind}.html", subject=subject, **values)
    # The row must still be the one queued: after a rolled-back savepoint SQLite may
    # hand its id to another mail, and this one must not be written over it.
    (OutboxMail.update(subject=subject[:300], text_body=text, html_body=html, ics=ics,
                       compose_spec=None)
     .where((OutboxMail.id == mail.id) & OutboxMail.compose_spec.is_null(False)
            & (OutboxMail.kind == mail.kind) & (OutboxMail.to_address == mail.to_address)
            & (OutboxMail.created_at == mail.created_at))
     .execute())


def _context(kind: str, spec: dict[str, Any], participant: Participant,
             registration: Registration | None) -> tuple[dict[str, Any], str]:
    """The template values this kind needs beyond the rows, and its calendar file."""
    values: dict[str, Any] = dict(spec.get("context") or {})
    if registration is None:
        latest = (Registration.select().where(Registration.participant == participant.id)
                  .order_by(Registration.id.desc()).first())
        values["manage_url"] = manage_url(latest) if latest else ""
        return values, ""
    values["manage_url"] = manage_url(registration)
    if kind == "waitlisted":
        reason = spec.get("reason")
        values["waiting"] = lambda: waiting_reason(
            reason, sector=participant.sector.name if participant.sector_id else "",
            side=participant.side)
    method = ICS_METHODS.get(kind)
    ics = build_ics(registration, method, sequence=spec.get("sequence")) if method else ""
    return values, ics


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
