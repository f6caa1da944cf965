"""Two hosts behind one address, on one PostgreSQL and one Redis: what a municipality
runs when one machine is not enough (README, "Several machines").

Each host is gunicorn (two workers) with its own huey consumer and its own
instance folder; a round-robin TCP proxy in front is the one address. Checked:
mail is delivered exactly once although both hosts' workers deliver; the
sign-up limit is one limit, whichever host counts; a change made through one
host shows on the other at once (the cached pages are keyed by what the
database says, the cache itself is shared in Redis).

Needs PostgreSQL and Redis: ``make test TEST_DATABASE_URL=... TEST_REDIS_URL=...``
(the PostgreSQL pass of .ci/run).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import threading
import time
import uuid
from collections import Counter

import pytest

from consultplatform.db import db
from consultplatform.models import ConsultationSession, OutboxMail
from consultplatform.testing import DEFAULT_PASSWORD, factories, make_staff
from consultplatform.testing.html import admin_form
from tests.issue8.test_served_defaults import Browser
from tests.test_mail_delivery import Collector, free_port
from tests.test_served import BIN, ROOT

REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
LIMIT = 4


class RoundRobin(threading.Thread):
    """One address in front of several hosts: each new connection goes to the next."""

    def __init__(self, backends: list[int]) -> None:
        super().__init__(daemon=True)
        self.backends, self.served = backends, Counter()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.turn = 0

    def run(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            backend = self.backends[self.turn % len(self.backends)]
            self.turn += 1
            self.served[backend] += 1
            threading.Thread(target=self._relay, args=(client, backend), daemon=True).start()

    def _relay(self, client: socket.socket, backend: int) -> None:
        with client, socket.create_connection(("127.0.0.1", backend)) as upstream:
            back = threading.Thread(target=self._pipe, args=(upstream, client), daemon=True)
            back.start()
            self._pipe(client, upstream)
            back.join(timeout=30)

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while chunk := source.recv(65536):
                target.sendall(chunk)
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self.listener.close()


def _wait_up(base: str, process: subprocess.Popen, log) -> None:
    import urllib.request

    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("a host stopped: " + log.read_text()[-3000:])
        with contextlib.suppress(OSError), urllib.request.urlopen(base + "/healthz", timeout=2):
            return
        time.sleep(0.2)
    pytest.fail("a host did not answer: " + log.read_text()[-3000:])


@pytest.fixture(scope="module")
def hosts(migrated, tmp_path_factory):
    """Hosts a and b (gunicorn and a huey consumer each) and the proxy's address."""
    if not migrated.startswith("postgres") or not REDIS_URL:
        pytest.skip("two hosts need PostgreSQL and Redis: TEST_DATABASE_URL and TEST_REDIS_URL")
    smtp_port = free_port()
    from aiosmtpd.controller import Controller

    collector = Collector()
    smtp = Controller(collector, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    ports = [free_port(), free_port()]
    proxy = RoundRobin(ports)
    run = uuid.uuid4().hex[:10]
    processes: list[subprocess.Popen] = []
    logs = []
    try:
        for name, port in zip("ab", ports, strict=True):
            instance = tmp_path_factory.mktemp(f"host-{name}")
            env = {k: v for k, v in os.environ.items() if not k.startswith("CONSULTPLATFORM_")}
            env.update({f"CONSULTPLATFORM_{key}": value for key, value in {
                "DATABASE_URL": migrated, "INSTANCE_PATH": str(instance),
                "PLUGINS_EXTRA": '["fullhooks=tests.plugin_fullhooks"]',
                # What every host of one site shares (README, "Several machines").
                "SECRET_KEY": f"two-hosts-{run}", "HUEY_REDIS_URL": REDIS_URL,
                "RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": f"hosts-{run}",
                "CACHE_REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": f"hosts-{run}",
                "PUBLIC_URL": f"http://127.0.0.1:{proxy.port}", "TRUSTED_PROXIES": "1",
                "SIGNUP_RATE_LIMIT": f"{LIMIT} per minute", "MAIL_SERVER": "127.0.0.1",
                "MAIL_PORT": str(smtp_port), "MAIL_ENQUEUE_ON_COMMIT": "true",
                "LOG_LEVEL": "WARNING",
                # The staff member here logs in with a password only (tests/test_mfa.py
                # covers the second step): the documented switch, not a silent default.
                "MFA_REQUIRED_ROLES": ""}.items()})
            env["PYTHONPATH"] = str(ROOT)
            log_path = instance / "host.log"
            log = log_path.open("wb")
            logs.append(log)
            processes.append(subprocess.Popen(
                [str(BIN / "gunicorn"), "--no-control-socket", "--workers", "2", "--bind",
                 f"127.0.0.1:{port}", "wsgi:app"], env=env, cwd=ROOT, stdout=log, stderr=log))
            processes.append(subprocess.Popen(
                [str(BIN / "huey_consumer"), "consultplatform.worker.huey", "--workers", "2",
                 "--worker-type", "thread"], env=env, cwd=ROOT, stdout=log, stderr=log))
            _wait_up(f"http://127.0.0.1:{port}", processes[-2], log_path)
        proxy.start()
        yield {"base": f"http://127.0.0.1:{proxy.port}", "a": f"http://127.0.0.1:{ports[0]}",
               "b": f"http://127.0.0.1:{ports[1]}", "proxy": proxy, "mail": collector,
               "prefix": f"hosts-{run}"}
    finally:
        proxy.close()
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in logs:
            log.close()
        smtp.stop()


def _sign_up(base: str, slug: str, session_id: int, address: str, forwarded: str) -> int:
    visitor = Browser()
    visitor.opener.addheaders = [("X-Forwarded-For", forwarded)]
    page = visitor.get(f"{base}/c/{slug}/aanmelden?sessie={session_id}")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    return visitor.post(f"{base}/c/{slug}/aanmelden", {
        "csrf_token": token, "sessions": str(session_id), "name": "Twee Hosts",
        "email": address, "organisation": "", "sector": "none", "side": "government",
        "phone": "", "privacy": "y", "website": ""})


def test_mail_is_delivered_exactly_once_by_the_two_hosts_workers(app, hosts):
    parent = factories.consultation(slug="twee-hosts")
    meeting = factories.session(parent, capacity=100)
    db.close()
    addresses = [f"gast{n}-{uuid.uuid4().hex[:6]}@example.org" for n in range(10)]
    for n, address in enumerate(addresses):  # every sign-up from an address of its own
        assert _sign_up(hosts["base"], parent.slug, meeting.id, address, f"10.0.0.{n}") == 200
    assert all(hosts["proxy"].served[p] for p in hosts["proxy"].backends), "a host got nothing"
    deadline = time.monotonic() + 90
    mine = lambda: [rcpt for rcpts, _ in hosts["mail"].messages for rcpt in rcpts  # noqa: E731
                    if rcpt in addresses]
    while len(mine()) < len(addresses) and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(3)  # both workers had every chance to send something twice
    assert sorted(mine()) == sorted(addresses)
    sent = {m.to_address: m.status for m in OutboxMail.select()}
    assert all(sent[a] == "sent" for a in addresses), sent


def test_the_sign_up_limit_is_one_limit_for_both_hosts(app, hosts):
    parent = factories.consultation(slug="grens")
    meeting = factories.session(parent, capacity=100)
    db.close()
    before = dict(hosts["proxy"].served)
    answers = [_sign_up(hosts["base"], parent.slug, meeting.id,
                        f"grens{n}-{uuid.uuid4().hex[:6]}@example.org", "10.9.9.9")
               for n in range(2 * LIMIT)]
    assert answers.count(429) == LIMIT and answers.count(200) == LIMIT, answers
    assert all(hosts["proxy"].served[p] > before.get(p, 0) for p in hosts["proxy"].backends)


def test_a_change_through_one_host_shows_on_the_other_at_once(app, hosts):
    import redis

    admin = make_staff("admin")
    parent = factories.consultation(slug="gedeeld")
    meeting = factories.session(parent, title="Eerste titel", capacity=40)
    db.close()
    page = f"/c/{parent.slug}"
    visitor = Browser()
    assert "40 plaatsen vrij" in visitor.get(hosts["b"] + page)
    with redis.Redis.from_url(REDIS_URL) as shared:  # the rendered page is in the shared tier
        assert list(shared.scan_iter(f"{hosts['prefix']}:cache:*"))

    assert _sign_up(hosts["a"], parent.slug, meeting.id, "een@example.org", "10.1.1.1") == 200
    assert "39 plaatsen vrij" in visitor.get(hosts["b"] + page)

    staff = Browser()
    login = staff.get(hosts["a"] + "/auth/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login).group(1)
    staff.post(hosts["a"] + "/auth/login", {"csrf_token": token, "email": admin.email,
                                            "password": DEFAULT_PASSWORD})
    edit = f"{hosts['a']}/admin/session/edit/?id={meeting.id}"
    fields: dict[str, list[str]] = {}
    for field in admin_form(staff.get(edit)):
        fields.setdefault(field["name"], []).append(field["value"])
    fields["title"] = ["Tweede titel"]
    assert staff.post(edit, fields) == 200
    assert ConsultationSession.get_by_id(meeting.id).title == "Tweede titel"
    html = visitor.get(hosts["b"] + page)
    assert "Tweede titel" in html and "Eerste titel" not in html
