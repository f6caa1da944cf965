"""What `make run` does, end to end: CLI set-up, then gunicorn serving wsgi:app."""

from __future__ import annotations

import http.cookiejar
import os
import pathlib
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pyotp
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(database_url: str, instance: pathlib.Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONSULTPLATFORM_")}
    env.update(CONSULTPLATFORM_DATABASE_URL=database_url,
               CONSULTPLATFORM_INSTANCE_PATH=str(instance),
               CONSULTPLATFORM_PLUGINS_EXTRA='["fullhooks=tests.plugin_fullhooks"]',
               CONSULTPLATFORM_LOG_LEVEL="WARNING", ADMIN_EMAIL="", ADMIN_PASSWORD="",
               PYTHONPATH=str(ROOT))
    return env


def _flask(env, *args) -> str:
    result = subprocess.run([str(BIN / "flask"), "--app", "consultplatform", *args], env=env,
                            cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    return result.stdout


@pytest.fixture
def served(app, migrated, tmp_path):
    """The `make run` sequence against the test database, then gunicorn with two workers."""
    env = _env(migrated, tmp_path)
    output = _flask(env, "db", "upgrade") + _flask(env, "demo", "load", "--if-empty") + \
        _flask(env, "users", "bootstrap-admin")
    port = _free_port()
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--no-control-socket", "--workers", "2", "--bind",
         f"127.0.0.1:{port}", "wsgi:app"], env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5):
                break
        except OSError:  # not listening yet, or workers still booting
            time.sleep(0.2)
    else:
        server.kill()
        log.close()
        pytest.fail("gunicorn did not answer: " + (tmp_path / "gunicorn.log").read_text()[-2000:])
    yield base, output
    server.terminate()
    server.wait(timeout=10)
    log.close()


def test_make_run_sequence_serves_demo_and_admin_login(served):
    base, output = served
    email = re.search(r"e-mail:\s+(\S+)", output).group(1)
    password = re.search(r"password:\s+(\S+)", output).group(1)
    with urllib.request.urlopen(base + "/") as response:
        home = response.read().decode()
    assert "Sociaal-Economische Agenda Noordoostpolder" in home

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/auth/login") as response:
        page = response.read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                      r'name="csrf_token"[^>]*value="([^"]+)"', page)
    data = urllib.parse.urlencode({"csrf_token": token.group(1) or token.group(2),
                                   "email": email, "password": password}).encode()
    with opener.open(base + "/auth/login", data=data) as after:
        # The demo keeps two-step login required for administrators: the first admin
        # sets up the authenticator app first (its code computed here from the key shown).
        assert after.url == base + "/auth/tweestaps"
        setup = after.read().decode()
    assert "two-step login" in output
    with opener.open(base + "/admin/") as response:
        assert response.url == base + "/auth/tweestaps"
    secret = re.search(r'id="secret-key">([A-Z2-7 ]+)<', setup).group(1).replace(" ", "")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', setup).group(1)
    data = urllib.parse.urlencode({"csrf_token": token,
                                   "code": pyotp.TOTP(secret).now()}).encode()
    with opener.open(base + "/auth/tweestaps", data=data) as response:
        assert len(re.findall(r"<li><code>[a-z0-9-]+</code></li>", response.read().decode())) == 10
    with opener.open(base + "/admin/") as after:
        assert after.url == base + "/admin/"
        overview = after.read().decode()
    assert "Sociaal-Economische Agenda Noordoostpolder" in overview
    for path in ("/admin/consultation/", "/admin/session/", "/admin/participant/",
                 "/admin/theme/", "/admin/staffuser/", "/admin/plugins/"):
        with opener.open(base + path) as response:
            assert response.status == 200, path
