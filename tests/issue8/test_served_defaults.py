"""Issue 8, points 1, 13 and 14, against what `make run` starts (`flask serve`:
gunicorn with threaded workers and the huey worker), over real HTTP:

- the link in the confirmation mail opens the self-service page on the port served on;
- the sign-up limit holds exactly whatever the number of workers, and across a reload,
  with the default store (SQLite in the instance folder) and with Redis;
- clients that send half a body do not keep anyone else waiting.
"""

from __future__ import annotations

import contextlib
import email
import os
import pathlib
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from email import policy

import pytest

from tests.test_served import BIN, ROOT, _env, _flask, _free_port

REDIS_URL = "redis://127.0.0.1:6379/3"


def _get(url: str, timeout: float = 10) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _wait_until_up(base: str, process: subprocess.Popen, log: pathlib.Path) -> None:
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("flask serve stopped: " + log.read_text()[-3000:])
        try:
            if _get(base + "/healthz", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail("flask serve did not answer: " + log.read_text()[-3000:])


@contextlib.contextmanager
def serving(env: dict, tmp_path: pathlib.Path, *options: str):
    """`flask serve` on a free port (as `make run` runs it); stopped with its children."""
    port = _free_port()
    log = tmp_path / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen([str(BIN / "flask"), "--app", "consultplatform", "serve",
                                    "--port", str(port), *options], env=env, cwd=ROOT,
                                   stdout=out, stderr=out, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log)
        yield base, process, log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture
def site(app, migrated, tmp_path):
    """The `make run` set-up against the test database, without PUBLIC_URL."""
    env = _env(migrated, tmp_path)
    env.pop("CONSULTPLATFORM_PUBLIC_URL", None)
    env["CONSULTPLATFORM_RATELIMIT_KEY_PREFIX"] = "t" + uuid.uuid4().hex
    _flask(env, "db", "upgrade")
    _flask(env, "demo", "load", "--if-empty")
    return env


def _attempt(url: str) -> int:
    """One sign-up POST from a new visitor (its own connection, so any worker): a valid
    form token, an empty form (refused with 422 when the limit lets it through)."""
    visitor = Browser()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', visitor.get(url)).group(1)
    return visitor.post(url, {"csrf_token": token})


class Browser:
    """urllib with a cookie jar: one visitor."""

    def __init__(self) -> None:
        import http.cookiejar

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, url: str) -> str:
        with self.opener.open(url, timeout=10) as response:
            return response.read().decode()

    def post(self, url: str, data: dict) -> int:
        import urllib.parse

        body = urllib.parse.urlencode(data, doseq=True).encode()
        try:
            with self.opener.open(url, data=body, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def _signup_data(page: str, email_address: str) -> dict:
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    session_id = re.search(r'name="sessions"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="sessions"',
                           page)
    sector = re.search(r'<option value="(\d+)"', page).group(1)
    data = {"csrf_token": token, "name": "Anouk Akkerman", "email": email_address,
            "organisation": "", "sector": sector, "side": "government", "privacy": "y",
            "sessions": session_id.group(1) or session_id.group(2)}
    for question in set(re.findall(r'type="radio"[^>]*name="(q_\d+)"|name="(q_\d+)"[^>]*type="radio"',
                                   page)):
        data[question[0] or question[1]] = "0"  # the first option of a required question
    return data


def _mail_to(folder: pathlib.Path, address: str, timeout: float = 90) -> email.message.Message:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(folder.glob("*.eml")) if folder.is_dir() else []:
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            if message["To"] == address:
                return message
        time.sleep(0.5)
    pytest.fail(f"no mail to {address} in {folder}")


def _slug(base: str) -> str:
    return re.search(r'href="/c/([a-z0-9-]+)"', _get(base + "/")[1]).group(1)


def test_mail_links_follow_the_port_and_limits_hold_across_workers_and_reload(site, tmp_path):
    with serving(site, tmp_path, "--workers", "3") as (base, process, log):
        url = f"{base}/c/{_slug(base)}/aanmelden"
        visitor = Browser()
        assert visitor.post(url, _signup_data(visitor.get(url), "poort@example.org")) == 200
        message = _mail_to(tmp_path / "mail", "poort@example.org")
        text = message.get_body(("plain",)).get_content()
        link = re.search(r"http://\S+/aanmelding/\S+", text).group(0)
        assert link.startswith(base + "/aanmelding/"), link
        status, page = _get(link)
        assert status == 200 and "Anouk Akkerman" in page
        assert "PUBLIC_URL IS NOT SET" not in log.read_text()
        # Nine more POSTs from this address (three workers, new connections): the
        # limit of ten per minute lets them in; the eleventh is refused.
        codes = [_attempt(url) for _ in range(9)]
        assert 429 not in codes
        assert _attempt(url) == 429
        process.send_signal(signal.SIGHUP)  # gunicorn reloads its workers
        time.sleep(3)
        _wait_until_up(base, process, log)
        assert _attempt(url) == 429


def test_with_redis_the_limit_holds_across_a_reload(site, tmp_path):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    env = {**site, "CONSULTPLATFORM_RATELIMIT_STORAGE_URI": REDIS_URL}
    with serving(env, tmp_path, "--workers", "2", "--no-worker") as (base, process, log):
        url = f"{base}/c/{_slug(base)}/aanmelden"
        assert 429 not in [_attempt(url) for _ in range(10)]
        process.send_signal(signal.SIGHUP)
        time.sleep(3)
        _wait_until_up(base, process, log)
        assert _attempt(url) == 429


def test_a_bare_server_start_warns_about_the_public_address(site, tmp_path):
    port = _free_port()
    log = tmp_path / "bare.log"
    with log.open("wb") as out:
        server = subprocess.Popen([str(BIN / "gunicorn"), "--no-control-socket", "--bind",
                                   f"127.0.0.1:{port}", "wsgi:app"], env=site, cwd=ROOT,
                                  stdout=out, stderr=out)
    try:
        _wait_until_up(f"http://127.0.0.1:{port}", server, log)
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert "PUBLIC_URL IS NOT SET" in log.read_text()


def test_stalled_bodies_do_not_keep_others_waiting(site, tmp_path):
    env = {**site, "CONSULTPLATFORM_BODY_IDLE_SECONDS": "2"}
    with serving(env, tmp_path, "--no-worker") as (base, _process, _log):
        port = int(base.rsplit(":", 1)[1])
        stalled = []
        for _ in range(6):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock.sendall(b"POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Content-Type: application/x-www-form-urlencoded\r\n"
                         b"Content-Length: 5000\r\n\r\nemail=a")
            stalled.append(sock)
        time.sleep(0.5)
        try:
            for _ in range(5):
                started = time.monotonic()
                assert _get(base + "/healthz", timeout=5)[0] == 200
                assert time.monotonic() - started < 1.0
            # Cut off after the idle time, with a 408, instead of holding a thread.
            stalled[0].settimeout(10)
            assert stalled[0].recv(200).startswith(b"HTTP/1.1 408")
        finally:
            for sock in stalled:
                sock.close()
