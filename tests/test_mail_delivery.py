"""Outbox delivery: a real SMTP server (aiosmtpd) on 127.0.0.1, retries with backoff,
exactly-once under concurrent workers, the .eml fallback, the message's parts, the
admin's Outbox view with its retry action, the background tasks and the CLI."""

from __future__ import annotations

import datetime as dt
import email
import logging
import os
import socket
import sys
import threading
import types
from email import policy

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar, Event
from werkzeug.datastructures import MultiDict

from consultplatform import tasks
from consultplatform.db import db, utcnow
from consultplatform.mail.delivery import backoff, build_message, calendar_method, deliver_due, retry
from consultplatform.models import AuditLog, OutboxMail
from tests.conftest import csrf_from, login, make_staff

ADDRESS = "deelnemer@example.org"
T0 = dt.datetime(2030, 3, 1, 9, 0, 0)


# --- helpers ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Collector:
    """aiosmtpd handler that keeps every message it accepts."""

    def __init__(self, delay: float = 0.0) -> None:
        self.messages: list[tuple[list[str], bytes]] = []
        self.delay = delay
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.delay:
            import asyncio

            await asyncio.sleep(self.delay)
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 OK"

    def parsed(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(content, policy=policy.default)
                for _, content in self.messages]


@pytest.fixture
def smtp():
    """Start a collecting SMTP server on a free port with ``smtp.start(port)``."""
    controllers: list[Controller] = []

    class Server:
        def start(self, port: int | None = None, delay: float = 0.0) -> Collector:
            collector = Collector(delay)
            controller = Controller(collector, hostname="127.0.0.1", port=port or free_port())
            controller.start()
            controllers.append(controller)
            self.port = controller.port
            return collector

    yield Server()
    for controller in controllers:
        controller.stop()


def ics_text(method: str = "REQUEST", uid: str = "registration-1@example.org") -> str:
    calendar = Calendar()
    calendar.add("prodid", "-//consultplatform tests//NL")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    event.add("dtstart", dt.datetime(2030, 3, 10, 9, 0, tzinfo=dt.UTC))
    event.add("dtend", dt.datetime(2030, 3, 10, 11, 0, tzinfo=dt.UTC))
    event.add("summary", "Expertarena Landbouw – café")
    calendar.add_component(event)
    return calendar.to_ical().decode()


def queue_mail(**fields) -> OutboxMail:
    values = {"kind": "confirmation", "to_address": ADDRESS, "language": "nl",
              "subject": "Bevestiging: Expertarena Landbouw", "next_attempt_at": T0,
              "text_body": "Beste deelnemer,\n\nU bent aangemeld voor de sessie in het café.\n",
              "html_body": "<p>Beste deelnemer,</p><p>U bent aangemeld.</p>",
              "ics": ics_text()}
    values.update(fields)
    return OutboxMail.create(**values)


def fresh(mail: OutboxMail) -> OutboxMail:
    return OutboxMail.get_by_id(mail.id)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


# --- retries, backoff, exactly once --------------------------------------------------------


def test_unreachable_server_then_delivered_exactly_once(ctx, smtp):
    port = free_port()  # nothing listens here yet
    ctx.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=2)
    mail = queue_mail()

    assert deliver_due(now=T0) == {"sent": 0, "retried": 1, "failed": 0}
    waiting = fresh(mail)
    assert waiting.status == "queued" and waiting.attempts == 1
    assert waiting.next_attempt_at == T0 + dt.timedelta(minutes=1)
    assert "ConnectionRefusedError" in waiting.last_error
    assert "@" not in waiting.last_error and waiting.sent_at is None
    # Not due again before its backoff has passed.
    assert deliver_due(now=T0 + dt.timedelta(seconds=30)) == {"sent": 0, "retried": 0, "failed": 0}

    server = smtp.start(port)
    later = T0 + dt.timedelta(minutes=2)
    assert deliver_due(now=later) == {"sent": 1, "retried": 0, "failed": 0}
    assert len(server.messages) == 1
    assert server.messages[0][0] == [ADDRESS]
    sent = fresh(mail)
    assert sent.status == "sent" and sent.attempts == 2 and sent.sent_at is not None
    assert sent.last_error == ""
    # Nothing more, whenever asked.
    assert deliver_due(now=later) == {"sent": 0, "retried": 0, "failed": 0}
    assert deliver_due(now=later + dt.timedelta(days=2)) == {"sent": 0, "retried": 0, "failed": 0}
    assert len(server.messages) == 1

    # What arrived is the whole message: text, HTML, calendar invitation.
    received = server.parsed()[0]
    assert received["Subject"] == mail.subject and received["To"] == ADDRESS
    assert received["Auto-Submitted"] == "auto-generated"
    assert "aangemeld voor de sessie in het café" in received.get_body(("plain",)).get_content()
    assert "<p>U bent aangemeld.</p>" in received.get_body(("html",)).get_content()
    [invite] = list(received.iter_attachments())
    assert invite.get_filename() == "invite.ics"
    assert Calendar.from_ical(invite.get_content())["METHOD"] == "REQUEST"


@pytest.mark.parametrize("workers", [2])
def test_concurrent_workers_send_each_mail_once(app, smtp, workers):
    server = smtp.start(delay=0.01)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    with app.app_context():
        mails = [queue_mail(to_address=f"deelnemer{i}@example.org", subject=f"Mail {i}")
                 for i in range(20)]
    start = threading.Barrier(workers)
    errors: list[BaseException] = []
    sent_by: list[int] = []

    def worker() -> None:
        try:
            with app.app_context():
                db.connect(reuse_if_open=True)
                try:
                    start.wait(timeout=10)
                    total = 0
                    while True:
                        counts = deliver_due(now=T0, limit=3)
                        if not sum(counts.values()):
                            break
                        total += counts["sent"]
                    sent_by.append(total)
                finally:
                    db.close()
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sum(sent_by) == 20
    received = [rcpt for rcpts, _ in server.messages for rcpt in rcpts]
    assert sorted(received) == sorted(m.to_address for m in mails)
    assert len({msg["Message-ID"] for msg in server.parsed()}) == 20
    with app.app_context():
        rows = list(OutboxMail.select())
        assert {(row.status, row.attempts) for row in rows} == {("sent", 1)}


def test_max_attempts_marks_failed_and_retry_requeues(ctx):
    ctx.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2,
                      MAIL_MAX_ATTEMPTS=3)
    mail = queue_mail()
    other = queue_mail(status="sent", sent_at=T0, attempts=1)
    now = T0
    for attempt, wait in ((1, 1), (2, 2)):
        assert deliver_due(now=now) == {"sent": 0, "retried": 1, "failed": 0}
        row = fresh(mail)
        assert (row.status, row.attempts) == ("queued", attempt)
        assert row.next_attempt_at == now + dt.timedelta(minutes=wait)
        now = row.next_attempt_at
    assert deliver_due(now=now) == {"sent": 0, "retried": 0, "failed": 1}
    failed = fresh(mail)
    assert (failed.status, failed.attempts) == ("failed", 3) and failed.last_error
    assert deliver_due(now=now + dt.timedelta(days=1)) == {"sent": 0, "retried": 0, "failed": 0}

    assert retry([mail.id, other.id]) == 1
    again = fresh(mail)
    assert (again.status, again.attempts, again.last_error) == ("queued", 0, "")
    assert again.next_attempt_at <= utcnow()
    assert fresh(other).status == "sent"


def test_backoff_doubles_up_to_six_hours():
    assert [backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert backoff(9) == dt.timedelta(hours=4, minutes=16)
    assert backoff(10) == backoff(50) == dt.timedelta(hours=6)


def test_expired_lease_is_claimed_again_live_one_is_not(ctx, smtp):
    server = smtp.start()
    ctx.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    leased = queue_mail(status="sending", attempts=1, next_attempt_at=T0 + dt.timedelta(minutes=5))
    assert deliver_due(now=T0) == {"sent": 0, "retried": 0, "failed": 0}
    assert deliver_due(now=T0 + dt.timedelta(minutes=6))["sent"] == 1
    assert (fresh(leased).status, fresh(leased).attempts) == ("sent", 2)
    assert len(server.messages) == 1


def test_error_text_masks_addresses(ctx, monkeypatch):
    import smtplib

    ctx.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())

    def refuse(self, message):
        raise smtplib.SMTPRecipientsRefused({ADDRESS: (550, b"no such user " + ADDRESS.encode())})

    monkeypatch.setattr("smtplib.SMTP.send_message", refuse)
    monkeypatch.setattr("smtplib.SMTP.__init__", lambda self, *a, **k: None)
    monkeypatch.setattr("smtplib.SMTP.quit", lambda self: None)
    mail = queue_mail()
    assert deliver_due(now=T0)["retried"] == 1
    error = fresh(mail).last_error
    assert error.startswith("SMTPRecipientsRefused") and "[e-mail]" in error and "@" not in error


# --- the .eml fallback and the message itself -----------------------------------------------


def test_without_mail_server_mails_become_eml_files(ctx, tmp_path, caplog):
    ctx.config.update(MAIL_SERVER="", MAIL_DIR=str(tmp_path / "mail"))
    mail = queue_mail()
    with caplog.at_level(logging.INFO, logger="consultplatform.mail.delivery"):
        assert deliver_due(now=T0) == {"sent": 1, "retried": 0, "failed": 0}
    [path] = list((tmp_path / "mail").glob("*.eml"))
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["To"] == ADDRESS and message["Subject"] == mail.subject
    assert "café" in message.get_body(("plain",)).get_content()
    assert str(path) in caplog.text and ADDRESS not in caplog.text
    assert fresh(mail).status == "sent"


def test_eml_files_go_to_the_instance_folder_by_default(ctx):
    folder = os.path.join(ctx.instance_path, "mail")
    before = set(os.listdir(folder)) if os.path.isdir(folder) else set()
    mail = queue_mail(ics="", html_body="")
    assert deliver_due(now=T0)["sent"] == 1
    new = set(os.listdir(folder)) - before
    assert len(new) == 1 and new.pop().endswith(f"-mail-{mail.id}-1.eml")


def test_message_parts_and_headers(ctx):
    mail = queue_mail(subject="Aanmelding – café")
    message = email.message_from_bytes(build_message(mail, ctx.config).as_bytes(),
                                       policy=policy.default)
    assert message["From"] == "Consultatieplatform <noreply@example.org>"
    assert message["Subject"] == "Aanmelding – café"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Date"] and message["Message-ID"].endswith("@example.org>")
    assert message.get_content_type() == "multipart/mixed"
    assert message.get_body(("plain",)).get_content().startswith("Beste deelnemer")
    assert message.get_body(("html",)).get_content_type() == "text/html"
    [invite] = list(message.iter_attachments())
    assert invite.get_content_type() == "text/calendar"
    assert invite.get_param("method") == "REQUEST"
    assert invite.get_content_charset() == "utf-8"
    assert invite.get_filename() == "invite.ics"
    calendar = Calendar.from_ical(invite.get_content())
    assert [str(event["UID"]) for event in calendar.walk("VEVENT")] == ["registration-1@example.org"]
    # 7-bit transfer encodings only: any relay takes it.
    assert all(byte < 128 for byte in build_message(mail, ctx.config).as_bytes())
    # The same Message-ID on every try.
    assert build_message(mail, ctx.config)["Message-ID"] == message["Message-ID"]

    ctx.config["MAIL_FROM"] = "Gemeente <consultatie@gemeente.example>"
    cancel = queue_mail(ics=ics_text("CANCEL"), html_body="")
    message = build_message(cancel, ctx.config)
    assert message["From"] == "Gemeente <consultatie@gemeente.example>"
    assert message.get_body(("html",)) is None
    [invite] = list(message.iter_attachments())
    assert invite.get_param("method") == "CANCEL"
    assert Calendar.from_ical(invite.get_content())["METHOD"] == "CANCEL"

    plain = build_message(queue_mail(ics="", html_body=""), ctx.config)
    assert plain.get_content_type() == "text/plain" and not list(plain.iter_attachments())


def test_calendar_method():
    assert calendar_method("BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n") == "CANCEL"
    assert calendar_method("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n") == "REQUEST"
    assert calendar_method("METHOD:X-EVIL;x=1\r\n") == "REQUEST"


def test_deliver_due_refuses_to_run_inside_a_transaction(ctx):
    with db.atomic(), pytest.raises(RuntimeError):
        deliver_due(now=T0)


# --- admin -------------------------------------------------------------------------------------


def test_admin_outbox_lists_and_retries(app, admin_client):
    with app.app_context():
        failed = queue_mail(status="failed", attempts=8, last_error="TimeoutError: timed out",
                            html_body='<p id="raw-html-body">x</p>',
                            text_body="Beheer uw aanmelding: https://example.org/m/"
                                      "abcdefghijklmnopqrstuvwxyz0123456789ABCD")
        sent = queue_mail(status="sent", attempts=1, sent_at=T0, subject="Al verstuurd")
    page = admin_client.get("/admin/outbox/")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert failed.subject in body and "Al verstuurd" in body and "TimeoutError" in body
    assert "/admin/outbox/new/" not in body and "/admin/outbox/edit/" not in body

    details = admin_client.get(f"/admin/outbox/details/?id={failed.id}").get_data(as_text=True)
    assert 'id="raw-html-body"' not in details and "Beheer uw aanmelding" in details
    assert "abcdefghijklmnopqrstuvwxyz0123456789ABCD" not in details  # the token is masked
    # Filters on status (a choice) and kind.
    only_failed = admin_client.get("/admin/outbox/?flt0_0=failed")
    assert only_failed.status_code == 200
    assert failed.subject in only_failed.get_data(as_text=True)
    assert "Al verstuurd" not in only_failed.get_data(as_text=True)
    assert admin_client.get("/admin/outbox/?flt0_3=confirmation").status_code == 200

    token = csrf_from(body)
    form = MultiDict([("csrf_token", token), ("action", "retry"),
                      ("rowid", str(failed.id)), ("rowid", str(sent.id))])
    # Without the CSRF token: refused, nothing changes.
    no_token = MultiDict([(k, v) for k, v in form.items(multi=True) if k != "csrf_token"])
    assert admin_client.post("/admin/outbox/action/", data=no_token).status_code == 400
    with app.app_context():
        assert fresh(failed).status == "failed"

    response = admin_client.post("/admin/outbox/action/", data=form)
    assert response.status_code == 302
    with app.app_context():
        again = fresh(failed)
        assert (again.status, again.attempts) == ("queued", 0)
        assert fresh(sent).status == "sent"
        [entry] = AuditLog.select().where(AuditLog.action == "retry")
        assert entry.object_type == "OutboxMail" and entry.result == "success"
        assert entry.details == {"ids": sorted([str(failed.id), str(sent.id)], key=int),
                                 "queued": 1}

    # Deleting is impossible, as a view and as an action; so are creating and editing.
    assert admin_client.post("/admin/outbox/delete/",
                             data={"csrf_token": token, "id": str(sent.id)}).status_code == 403
    assert admin_client.post("/admin/outbox/action/", data={
        "csrf_token": token, "action": "delete", "rowid": str(sent.id)}).status_code == 400
    assert admin_client.get("/admin/outbox/new/").status_code == 403
    assert admin_client.get(f"/admin/outbox/edit/?id={sent.id}").status_code == 403
    with app.app_context():
        assert OutboxMail.select().count() == 2


@pytest.mark.parametrize("role", ["viewer", "moderator"])
def test_outbox_is_for_administrators_only(app, role):
    with app.app_context():
        mail = queue_mail(status="failed", attempts=8)
        user = make_staff(role)
    client = app.test_client()
    login(client, user)
    assert client.get("/admin/outbox/").status_code == 403
    assert client.get(f"/admin/outbox/details/?id={mail.id}").status_code == 403
    token = csrf_from(client.get("/admin/participant/").get_data(as_text=True))
    response = client.post("/admin/outbox/action/", data={
        "csrf_token": token, "action": "retry", "rowid": str(mail.id)})
    assert response.status_code == 403
    with app.app_context():
        assert fresh(mail).status == "failed"
        assert not AuditLog.select().where(AuditLog.action == "retry").exists()


# --- background tasks and the CLI ------------------------------------------------------------


@pytest.fixture
def immediate_huey(app, monkeypatch, tmp_path):
    """Tasks run at once, in this process, with the test's app."""
    monkeypatch.setattr(tasks, "_app", app)
    app.config["MAIL_DIR"] = str(tmp_path / "mail")
    tasks.huey.immediate = True
    yield tasks.huey
    tasks.huey.immediate = False


def test_enqueue_delivery_is_switched_off_in_tests(app):
    assert app.config["MAIL_ENQUEUE_ON_COMMIT"] is False
    assert tasks.enqueue_delivery(app) is False


def test_enqueue_delivery_runs_deliver_now(app, immediate_huey, tmp_path):
    app.config["MAIL_ENQUEUE_ON_COMMIT"] = True
    with app.app_context():
        mail = queue_mail(next_attempt_at=utcnow())
    assert tasks.enqueue_delivery(app) is True
    with app.app_context():
        assert fresh(mail).status == "sent"
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 1


def test_enqueue_delivery_never_raises_when_the_queue_is_down(app, monkeypatch, caplog):
    app.config["MAIL_ENQUEUE_ON_COMMIT"] = True

    def unreachable(task):
        raise ConnectionError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(tasks.huey, "enqueue", unreachable)
    with caplog.at_level(logging.WARNING, logger="consultplatform.tasks"):
        assert tasks.enqueue_delivery(app) is False
    assert "periodic delivery" in caplog.text


def test_periodic_delivery_task(app, immediate_huey, tmp_path):
    with app.app_context():
        mails = [queue_mail(next_attempt_at=utcnow()) for _ in range(3)]
    assert tasks.deliver_outbox.call_local() == {"sent": 3, "retried": 0, "failed": 0}
    with app.app_context():
        assert {fresh(m).status for m in mails} == {"sent"}


def test_reminder_task_calls_queue_reminders(app, immediate_huey, monkeypatch, tmp_path):
    """send_reminders calls compose.queue_reminders() in the app (which takes Amsterdam
    time itself), then delivers. (A stand-in compose module: this tests the wiring.)"""
    calls = []

    def queue_reminders(now=None):
        calls.append(now if now is not None else utcnow())
        queue_mail(kind="reminder", next_attempt_at=utcnow())
        return 1

    app.config["MAIL_ENQUEUE_ON_COMMIT"] = True
    fake = types.ModuleType("consultplatform.mail.compose")
    fake.queue_reminders = queue_reminders
    monkeypatch.setitem(sys.modules, "consultplatform.mail.compose", fake)
    assert tasks.send_reminders.call_local() == 1
    assert len(calls) == 1 and abs(calls[0] - utcnow()) < dt.timedelta(minutes=1)
    with app.app_context():
        assert OutboxMail.get(OutboxMail.kind == "reminder").status == "sent"


def test_periodic_schedule():
    every_minute, every_ten = tasks.deliver_outbox.s(), tasks.send_reminders.s()
    assert every_minute.validate_datetime(dt.datetime(2030, 1, 1, 10, 7))
    assert every_ten.validate_datetime(dt.datetime(2030, 1, 1, 10, 20))
    assert not every_ten.validate_datetime(dt.datetime(2030, 1, 1, 10, 21))


def test_cli_mail_deliver(app, tmp_path):
    app.config["MAIL_DIR"] = str(tmp_path)
    with app.app_context():
        queue_mail(next_attempt_at=utcnow())
    result = app.test_cli_runner().invoke(args=["mail", "deliver"])
    assert result.exit_code == 0, result.output
    assert "sent 1, retried 0, failed 0" in result.output
