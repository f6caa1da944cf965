"""Staff pressing the same button at once, for real (threads with their own client
and database connection, released together by a barrier), on SQLite and
PostgreSQL (also over HTTP through gunicorn with three worker processes): of two
"close" presses one closes the round and the other gets 409;
of many "open voting" presses on the presenter one opens it. Nobody gets a 500."""

from __future__ import annotations

import http.cookiejar
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from consultplatform.api import AuditLog, db
from consultplatform.testing import (
    DEFAULT_PASSWORD,
    choose_consultation,
    csrf_from,
    factories,
    get_csrf,
    login,
    make_app,
    make_staff,
)
from consultplatform_validation.models import ValidationItem, ValidationRound
from consultplatform_validation.presenter import move_to
from tests.test_concurrency import _NoRedirect, gunicorn  # noqa: F401 - the server fixture

from . import world as worlds


@pytest.fixture
def racing_app(app, migrated, instance_dir):
    """The app without the per-IP limit (every thread logs in from the same address)."""
    application = make_app(migrated, instance_dir, RATELIMIT_ENABLED=False)
    yield application
    if not db.is_closed():
        db.close()


def race(count: int, prepare):
    barrier = threading.Barrier(count, timeout=60)

    def one(n: int):
        try:
            send = prepare(n)
        except BaseException:
            barrier.abort()
            raise
        barrier.wait()
        return send()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def _clients(racing_app, consultation, count: int, url: str):
    staff = [make_staff("admin") for _ in range(count)]

    def prepare(n: int):
        client = racing_app.test_client()
        login(client, staff[n])
        choose_consultation(client, consultation)
        return client, get_csrf(client, url)

    return prepare


def test_two_staff_close_at_once_one_closes(racing_app):
    with racing_app.test_request_context():
        world = worlds.consultation_with_people()
        made = worlds.open_round_for(racing_app, world)
    round_id = made["round"].id
    page = f"/admin/validation-rounds/{round_id}/"
    ready = _clients(racing_app, world["consultation"], 2, page)

    def prepare(n: int):
        client, token = ready(n)
        return lambda: client.post(f"{page}close", data={"csrf_token": token}).status_code

    assert sorted(race(2, prepare)) == [303, 409]
    assert ValidationRound.get_by_id(round_id).status == "closed"
    closes = AuditLog.select().where((AuditLog.action == "close")
                                     & (AuditLog.object_type == "ValidationRound")).count()
    assert closes == 1


def test_many_presses_of_open_voting_open_it_once(racing_app):
    with racing_app.test_request_context():
        world = worlds.consultation_with_people()
        made = worlds.open_round_for(racing_app, world)
        move_to(made["round"].id, 1)
    round_id = made["round"].id
    screen = f"/admin/validation-presenter/{round_id}/"
    ready = _clients(racing_app, world["consultation"], 4, screen)
    revision = ValidationRound.get_by_id(round_id).revision

    def prepare(n: int):
        client, token = ready(n)
        return lambda: client.post(f"{screen}voting", data={
            "csrf_token": token, "position": "1"}).status_code

    assert sorted(race(4, prepare)) == [303, 409, 409, 409]
    assert ValidationItem.get(ValidationItem.round == round_id,
                              ValidationItem.position == 1).state == "voting"
    assert ValidationRound.get_by_id(round_id).revision == revision + 1


# -- through gunicorn (3 worker processes) on PostgreSQL -----------------------------------


def _http_staff(base: str, user, consultation, page: str):
    """A logged-in staff member's opener (own cookie jar), on the consultation, and the
    CSRF token of ``page``."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def post(url: str, data: dict) -> int:
        body = urllib.parse.urlencode(data).encode()
        try:
            with opener.open(base + url, data=body, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as answer:
            with answer:
                return answer.code

    def token(url: str) -> str:
        with opener.open(base + url, timeout=60) as response:
            return csrf_from(response.read().decode())

    assert post("/auth/login", {"csrf_token": token("/auth/login"), "email": user.email,
                                "password": DEFAULT_PASSWORD}) == 302
    assert post("/admin/werkruimte/", {"csrf_token": token("/admin/"), "next": "/admin/",
                                       "consultation": str(consultation.id)}) in (302, 303)
    return post, token(page)


def test_two_staff_close_at_once_through_gunicorn(app, gunicorn):  # noqa: F811
    base, log_path = gunicorn
    with app.test_request_context():
        world = worlds.consultation_with_people()
        made = worlds.open_round_for(app, world)
    moderators = [make_staff("moderator") for _ in range(2)]
    for moderator in moderators:  # each moderates a session of the consultation
        factories.session(world["consultation"], moderator=moderator)
    round_id = made["round"].id
    page = f"/admin/validation-rounds/{round_id}/"

    def prepare(n: int):
        post, token = _http_staff(base, moderators[n], world["consultation"], page)
        return lambda: post(f"{page}close", {"csrf_token": token})

    assert sorted(race(2, prepare)) == [303, 409], log_path.read_text()[-2000:]
    assert ValidationRound.get_by_id(round_id).status == "closed"
