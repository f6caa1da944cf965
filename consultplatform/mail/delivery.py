"""Delivery of the outbox: claim due mails, send them, record the outcome.

Mails are claimed in a short transaction (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, the write lock on SQLite) that marks them ``sending`` with a lease;
they are sent after that transaction has committed, and the outcome is written
only if the lease is still ours. Several workers can therefore run at once
without sending a mail twice. Without ``MAIL_SERVER`` every mail is written as
an ``.eml`` file into the instance folder instead.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import smtplib
import ssl
import tempfile
import time
from collections.abc import Iterable, Mapping
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any, Protocol

from flask import current_app

from consultplatform.db import db, is_postgres, utcnow, write_transaction
from consultplatform.logging_setup import redact
from consultplatform.mail.compose import compose
from consultplatform.models import OutboxMail

log = logging.getLogger(__name__)

DEFAULT_FROM = "Consultatieplatform <noreply@example.org>"
# How long a claimed mail belongs to the worker that claimed it.
LEASE = dt.timedelta(minutes=5)
# A worker starts no new send once this much of its lease has gone by; the rest of
# its batch goes back to the queue (a send takes at most a few MAIL_TIMEOUTs).
LEASE_CUTOFF_SECONDS = LEASE.total_seconds() / 2
FIRST_BACKOFF = dt.timedelta(minutes=1)
MAX_BACKOFF = dt.timedelta(hours=6)
MAX_ERROR_LENGTH = 300
# Bodies in quoted-printable or base64: no 8-bit data for relays without 8BITMIME.
MESSAGE_POLICY = email_policy.default.clone(cte_type="7bit")
_METHOD = re.compile(r"^METHOD:([A-Za-z-]+)\s*$", re.MULTILINE)
_ICS_METHODS = {"REQUEST", "CANCEL", "PUBLISH"}


class Transport(Protocol):
    def send(self, message: EmailMessage, mail: OutboxMail) -> None: ...

    def close(self) -> None: ...


# --- the message --------------------------------------------------------------------


def calendar_method(ics: str) -> str:
    """The iTIP method an iCalendar text declares (REQUEST when it declares none)."""
    match = _METHOD.search(ics)
    method = match.group(1).upper() if match else "REQUEST"
    return method if method in _ICS_METHODS else "REQUEST"


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _message_id(mail: OutboxMail, sender: str) -> str:
    """Stable per outbox row, so a retried mail keeps its Message-ID."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "consultplatform.invalid"
    stamp = int(mail.created_at.replace(tzinfo=dt.UTC).timestamp()) if mail.created_at else 0
    return f"<outbox.{mail.id}.{stamp}@{domain}>"


def build_message(mail: OutboxMail, config: Mapping[str, Any]) -> EmailMessage:
    """The e-mail for an outbox row: text (and HTML) body, calendar file attached."""
    sender = config.get("MAIL_FROM") or DEFAULT_FROM
    message = EmailMessage(policy=MESSAGE_POLICY)
    message["From"] = sender
    message["To"] = _one_line(mail.to_address)
    message["Subject"] = _one_line(mail.subject)
    created = (mail.created_at or utcnow()).replace(tzinfo=dt.UTC)
    message["Date"] = format_datetime(created)
    message["Message-ID"] = _message_id(mail, sender)
    message["Auto-Submitted"] = "auto-generated"
    if mail.language:
        message["Content-Language"] = _one_line(mail.language)
    message.set_content(mail.text_body or "")
    if mail.html_body:
        message.add_alternative(mail.html_body, subtype="html")
    if mail.ics:
        message.add_attachment(mail.ics, subtype="calendar", filename="invite.ics",
                               params={"method": calendar_method(mail.ics)})
    return message


# --- transports -----------------------------------------------------------------------


# Temporary files of FileTransport: hidden, and never taken for a mail.
TEMP_PREFIX, TEMP_SUFFIX = ".mail-", ".tmp"
# A temporary file this old belongs to a writer that died (a write takes milliseconds).
STALE_TEMPORARY_SECONDS = 600


def remove_stale_temporaries(folder: str, older_than: float = STALE_TEMPORARY_SECONDS) -> int:
    """Delete what writers killed mid-write (``kill -9``) left behind; returns how many."""
    removed = 0
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return 0
    cutoff = time.time() - older_than
    for name in names:
        if not (name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)):
            continue
        path = os.path.join(folder, name)
        try:
            if os.stat(path).st_mtime <= cutoff:
                os.unlink(path)
                removed += 1
        except FileNotFoundError:
            continue  # another worker cleaned it up first
    if removed:
        log.warning("removed %d unfinished mail file(s) from %s", removed, folder)
    return removed


class FileTransport:
    """Writes each message as an ``.eml`` file (no mail server configured).

    Atomically: the message goes into a hidden temporary file in the same folder,
    is flushed to disk, and is then renamed into place, so a reader (or a worker
    killed mid-write) never sees half a mail under a mail's name. Temporaries left
    by a killed writer are removed when a transport starts.
    """

    def __init__(self, folder: str) -> None:
        self.folder = folder
        remove_stale_temporaries(folder)

    def send(self, message: EmailMessage, mail: OutboxMail) -> None:
        os.makedirs(self.folder, mode=0o700, exist_ok=True)
        name = f"{utcnow():%Y%m%dT%H%M%S}-mail-{mail.id}-{mail.attempts}.eml"
        path = os.path.join(self.folder, name)
        fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(message.as_bytes())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
        log.info("mail #%s written to %s (no MAIL_SERVER configured)", mail.id, path)

    def close(self) -> None:
        pass


class SmtpTransport:
    """One SMTP connection for a batch, opened on first use.

    When the server cannot be reached (or refuses the login), the rest of the
    batch fails at once with the same error instead of waiting for each mail.
    """

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.host = config["MAIL_SERVER"]
        self.port = int(config.get("MAIL_PORT") or 25)
        self.timeout = float(config.get("MAIL_TIMEOUT") or 10)
        self.use_ssl = bool(config.get("MAIL_USE_SSL"))
        self.use_tls = bool(config.get("MAIL_USE_TLS"))
        self.username = config.get("MAIL_USERNAME") or ""
        self.password = config.get("MAIL_PASSWORD") or ""
        self._smtp: smtplib.SMTP | None = None
        self._unreachable: Exception | None = None

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.use_ssl:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                                  context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.use_tls and not self.use_ssl:
                smtp.starttls(context=context)
            if self.username:
                smtp.login(self.username, self.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage, mail: OutboxMail) -> None:
        if self._unreachable is not None:
            raise self._unreachable
        if self._smtp is None:
            try:
                self._smtp = self._connect()
            except (OSError, smtplib.SMTPException) as exc:
                self._unreachable = exc
                raise
        try:
            self._smtp.send_message(message)
        except BaseException:
            self.close()  # the next mail starts on a fresh connection
            raise

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def mail_folder(config: Mapping[str, Any], instance_path: str) -> str:
    return config.get("MAIL_DIR") or os.path.join(instance_path, "mail")


def make_transport(config: Mapping[str, Any], instance_path: str) -> Transport:
    if config.get("MAIL_SERVER"):
        return SmtpTransport(config)
    return FileTransport(mail_folder(config, instance_path))


# --- claiming and recording -------------------------------------------------------------


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next try after ``attempts`` failed ones: 1, 2, 4 ... minutes, at most 6 h."""
    if attempts >= 20:
        return MAX_BACKOFF
    return min(FIRST_BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def describe_error(exc: BaseException) -> str:
    """Short and without personal data: class and message, addresses masked."""
    text = _one_line(redact(f"{type(exc).__name__}: {exc}"))
    return text[:MAX_ERROR_LENGTH]


def _due(now: dt.datetime):
    return (OutboxMail.status.in_(("queued", "sending"))) & (OutboxMail.next_attempt_at <= now)


def _claim(now: dt.datetime, limit: int, max_attempts: int) -> list[OutboxMail]:
    """Mark up to ``limit`` due mails as ours (``sending``, one more attempt, leased)."""
    with write_transaction():
        # A lease that ran out on the last allowed attempt: its worker died mid-send.
        OutboxMail.update(status="failed", last_error="delivery interrupted").where(
            _due(now) & (OutboxMail.status == "sending")
            & (OutboxMail.attempts >= max_attempts)).execute()
        query = (OutboxMail.select(OutboxMail.id)
                 .where(_due(now) & (OutboxMail.attempts < max_attempts))
                 .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
                 .limit(limit))
        if is_postgres():
            query = query.for_update(skip_locked=True)
        ids = [row.id for row in query]
        if not ids:
            return []
        OutboxMail.update(status="sending", attempts=OutboxMail.attempts + 1,
                          next_attempt_at=now + LEASE).where(OutboxMail.id.in_(ids)).execute()
        return list(OutboxMail.select().where(OutboxMail.id.in_(ids)).order_by(OutboxMail.id))


def _settle(mail: OutboxMail, **changes: Any) -> bool:
    """Record an outcome, only while the claim is still ours (same status and attempt)."""
    done = OutboxMail.update(**changes).where(
        (OutboxMail.id == mail.id) & (OutboxMail.status == "sending")
        & (OutboxMail.attempts == mail.attempts)).execute()
    if not done:
        log.warning("mail #%s: lease lost before its outcome was recorded", mail.id)
    return bool(done)


def _release(mails: list[OutboxMail], now: dt.datetime) -> None:
    """Give claimed but unsent mails back, without counting an attempt."""
    for mail in mails:
        _settle(mail, status="queued", attempts=mail.attempts - 1, next_attempt_at=now)


def deliver_due(now: dt.datetime | None = None, limit: int = 50) -> dict[str, int]:
    """Send up to ``limit`` due mails once; returns the counts sent / retried / failed.

    Needs an app context; must run outside any transaction (the claim has to commit
    before anything is sent).
    """
    if db.obj.transaction_depth() > 0:
        raise RuntimeError("deliver_due must run outside a database transaction")
    now = now or utcnow()
    config = current_app.config
    max_attempts = int(config.get("MAIL_MAX_ATTEMPTS") or 8)
    counts = {"sent": 0, "retried": 0, "failed": 0}
    started = time.monotonic()
    mails = _claim(now, limit, max_attempts)
    if not mails:
        return counts
    transport = make_transport(config, current_app.instance_path)
    try:
        for position, mail in enumerate(mails):
            if time.monotonic() - started > LEASE_CUTOFF_SECONDS:
                _release(mails[position:], now)
                log.info("%d mail(s) left for the next run: lease nearly used up",
                         len(mails) - position)
                break
            counts[_deliver_one(mail, transport, config, now, max_attempts)] += 1
    finally:
        transport.close()
    return counts


def _deliver_one(mail: OutboxMail, transport: Transport, config: Mapping[str, Any],
                 now: dt.datetime, max_attempts: int) -> str:
    try:
        if mail.compose_spec is not None:  # queued, but never composed after its commit
            mail = compose(mail.id) or mail
        message = build_message(mail, config)
    except Exception as exc:  # a row that cannot become a message will never become one
        _settle(mail, status="failed", last_error=describe_error(exc))
        log.error("mail #%s cannot be built: %s", mail.id, describe_error(exc))
        return "failed"
    try:
        transport.send(message, mail)
    except Exception as exc:
        error = describe_error(exc)
        if mail.attempts >= max_attempts:
            _settle(mail, status="failed", last_error=error)
            log.error("mail #%s failed after %s attempts: %s", mail.id, mail.attempts, error)
            return "failed"
        _settle(mail, status="queued", last_error=error,
                next_attempt_at=now + backoff(mail.attempts))
        log.warning("mail #%s attempt %s failed, will retry: %s", mail.id, mail.attempts, error)
        return "retried"
    _settle(mail, status="sent", sent_at=utcnow(), last_error="")
    return "sent"


def retry(mail_ids: Iterable[int]) -> int:
    """Queue failed (or waiting) mails again, attempts reset, due now; returns how many."""
    ids = [int(ident) for ident in mail_ids]
    if not ids:
        return 0
    return OutboxMail.update(status="queued", attempts=0, next_attempt_at=utcnow(),
                             last_error="").where(
        OutboxMail.id.in_(ids) & OutboxMail.status.in_(("failed", "queued"))).execute()
