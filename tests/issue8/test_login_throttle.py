"""Issue 8, point 12: login throttled per account, not only per address; the lock is
lifted by the owner's mail link or by an administrator; nothing tells whether an
account exists; every step is in the audit log."""

from __future__ import annotations

import re
import threading

import pytest

from consultplatform.db import db
from consultplatform.models import AuditLog, OutboxMail, StaffUser
from tests.conftest import csrf_from, make_app, make_staff

PASSWORD = "correct horse battery"
CSRF = re.compile(r'value="[^"]{40,}"')


def _attempt(client, email, password, address):
    token = csrf_from(client.get("/auth/login").get_data(as_text=True))
    return client.post("/auth/login", data={"csrf_token": token, "email": email,
                                            "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_sixty_addresses_cannot_keep_guessing_one_password(app):
    user = make_staff("admin", email="wethouder@example.org")
    answers = set()
    for n in range(60):
        response = _attempt(app.test_client(), user.email, f"gok {n}", f"10.0.{n // 250}.{n % 250}")
        answers.add(response.status_code)
    assert answers == {401}
    # Locked: the right password does not open it either, with the same answer.
    response = _attempt(app.test_client(), user.email, PASSWORD, "10.9.9.9")
    assert response.status_code == 401
    assert "Het e-mailadres of het wachtwoord is niet juist." in response.get_data(as_text=True)
    assert AuditLog.select().where(AuditLog.action == "lock").count() == 1
    # The owner's mail has the link that lifts the lock.
    mail = OutboxMail.get(OutboxMail.kind == "staff_unlock")
    assert mail.to_address == user.email
    link = re.search(r"http://\S+/auth/ontgrendelen/\S+", mail.text_body).group(0)
    path = "/" + link.split("/", 3)[3]
    client = app.test_client()
    page = client.get(path)
    assert page.status_code == 200
    assert client.post(path, data={"csrf_token": csrf_from(page.get_data(as_text=True))}
                       ).status_code == 303
    assert _attempt(app.test_client(), user.email, PASSWORD, "10.9.9.9").status_code == 302
    assert AuditLog.select().where(AuditLog.action == "unlock").count() == 1
    # A used link is spent.
    assert client.get(path).status_code == 404


def test_a_locked_account_and_an_unknown_address_answer_alike(app):
    user = make_staff("viewer", email="bekend@example.org")
    for n in range(10):
        _attempt(app.test_client(), user.email, "fout", f"10.1.0.{n}")
    pages = []
    for email in (user.email, "onbekend@example.org"):
        response = _attempt(app.test_client(), email, PASSWORD, "10.2.0.1")
        body = CSRF.sub("", response.get_data(as_text=True)).replace(email, "ADDRESS")
        pages.append((response.status_code, body))
    assert pages[0] == pages[1]
    assert StaffUser.get_by_id(user.id).locked_until is not None


def test_failures_long_ago_do_not_add_up(app):
    import datetime as dt

    user = make_staff("viewer")
    for n in range(9):
        _attempt(app.test_client(), user.email, "fout", f"10.3.0.{n}")
    earlier = StaffUser.get_by_id(user.id).last_failed_login_at - dt.timedelta(hours=2)
    StaffUser.update(last_failed_login_at=earlier).where(StaffUser.id == user.id).execute()
    _attempt(app.test_client(), user.email, "fout", "10.3.1.1")
    assert _attempt(app.test_client(), user.email, PASSWORD, "10.3.1.2").status_code == 302


def test_an_administrator_unlocks_an_account(app, admin_client):
    user = make_staff("moderator")
    for n in range(10):
        _attempt(app.test_client(), user.email, "fout", f"10.4.0.{n}")
    listing = admin_client.get("/admin/staffuser/").get_data(as_text=True)
    response = admin_client.post("/admin/staffuser/action/", data={
        "csrf_token": csrf_from(listing), "action": "unlock", "rowid": [str(user.id)]})
    assert response.status_code == 302
    assert StaffUser.get_by_id(user.id).locked_until is None
    assert AuditLog.get(AuditLog.action == "unlock").details == {"by": "admin"}
    assert _attempt(app.test_client(), user.email, PASSWORD, "10.4.1.1").status_code == 302


def test_simultaneous_guesses_lock_once(migrated, instance_dir):
    """Twenty wrong passwords at the same moment, each thread with its own connection:
    one lock, one mail, no lost count."""
    application = make_app(migrated, instance_dir, RATELIMIT_ENABLED=False)
    with application.app_context():
        db.connect(reuse_if_open=True)
        from tests.conftest import _clean_tables

        _clean_tables()
        user = make_staff("admin", email="race@example.org")
    clients = []
    for _ in range(20):
        client = application.test_client()
        token = csrf_from(client.get("/auth/login").get_data(as_text=True))
        clients.append((client, token))
    start, codes = threading.Barrier(20), []

    def guess(client, token):
        start.wait()
        codes.append(client.post("/auth/login", data={
            "csrf_token": token, "email": user.email, "password": "fout"}).status_code)

    threads = [threading.Thread(target=guess, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with application.app_context():
        db.connect(reuse_if_open=True)
        assert codes == [401] * 20
        # The tenth locks it; the ten after it meet the lock and count no further.
        assert AuditLog.select().where(AuditLog.action == "lock").count() == 1
        assert OutboxMail.select().where(OutboxMail.kind == "staff_unlock").count() == 1
        assert AuditLog.select().where((AuditLog.action == "login")
                                       & (AuditLog.result == "denied")).count() == 20
        db.close()


@pytest.mark.parametrize("token", ["x", "a" * 43, "a" * 99])
def test_unknown_unlock_links_are_refused(client, token):
    assert client.get(f"/auth/ontgrendelen/{token}").status_code == 404
    response = client.post(f"/auth/ontgrendelen/{token}",
                           data={"csrf_token": csrf_from(client.get("/auth/login")
                                                         .get_data(as_text=True))})
    assert response.status_code == 404


def test_an_unlock_link_ends_with_its_lock(app):
    import datetime as dt

    user = make_staff("viewer", email="verlopen@example.org")
    for n in range(10):
        _attempt(app.test_client(), user.email, "fout", f"10.5.0.{n}")
    mail = OutboxMail.get(OutboxMail.kind == "staff_unlock")
    path = "/" + re.search(r"http://\S+/auth/ontgrendelen/\S+", mail.text_body).group(0).split("/", 3)[3]
    assert app.test_client().get(path).status_code == 200
    StaffUser.update(locked_until=dt.datetime(2000, 1, 1)).where(StaffUser.id == user.id).execute()
    assert app.test_client().get(path).status_code == 404
    # A login after the lock clears the link for good.
    assert _attempt(app.test_client(), user.email, PASSWORD, "10.5.1.1").status_code == 302
    assert StaffUser.get_by_id(user.id).unlock_token_hash is None
