"""Ballots through gunicorn (three worker processes of four threads) on PostgreSQL:
300 ballots posted at once (100 people, three items each) give exactly one ballot
per person and item; one person on two devices keeps one ballot; ballots racing
the close are never stored after it. Each device is a thread with its own cookie
jar over real HTTP."""

from __future__ import annotations

import http.cookiejar
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from consultplatform.testing import csrf_from
from consultplatform_validation.models import ValidationBallot, ValidationRound
from consultplatform_validation.rounds import close_round
from tests.test_concurrency import gunicorn  # noqa: F401  (the fixture)

from . import world as worlds

BARRIER_TIMEOUT = 120


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def device(base: str, voter) -> Callable[[Any, str], int]:
    """Open the personal link with a cookie jar of its own; returns a poster."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())
    link = f"{base}/toetsing/{voter.token}"
    with opener.open(link, timeout=60) as response:
        csrf = csrf_from(response.read().decode())

    def post(item, verdict: str) -> int:
        body = urllib.parse.urlencode({"csrf_token": csrf, "verdict": verdict,
                                       "reason": "omdat"}).encode()
        try:
            with opener.open(f"{link}/{item.id}", data=body, timeout=120) as response:
                return response.status
        except urllib.error.HTTPError as answer:
            with answer:
                return answer.code
    return post


def race(calls: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(calls), timeout=BARRIER_TIMEOUT)

    def one(call: Callable[[], Any]) -> Any:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return [future.result() for future in [pool.submit(one, call) for call in calls]]


def test_300_ballots_at_once_through_gunicorn(app, gunicorn):  # noqa: F811
    base, log_path = gunicorn
    made = worlds.open_round_for(app, worlds.consultation_with_people(per_sector=45, public=10))
    voters, items = made["voters"], made["items"]
    assert len(voters) * len(items) == 300
    posters = [device(base, voter) for voter in voters]
    results = race([lambda post=post: [post(item, "agree") for item in items]
                    for post in posters])
    assert Counter(code for codes in results for code in codes) == {303: 300}, \
        log_path.read_text()[-2000:]
    pairs = Counter(ValidationBallot.select(ValidationBallot.voter, ValidationBallot.item)
                    .tuples())
    assert len(pairs) == 300 and set(pairs.values()) == {1}


def test_two_devices_of_one_person_through_gunicorn(app, opened, gunicorn):  # noqa: F811
    base, _log = gunicorn
    voter, item = opened["voters"][0], opened["items"][0]
    phone, laptop = device(base, voter), device(base, voter)
    for _attempt in range(5):
        codes = race([lambda: phone(item, "agree"), lambda: laptop(item, "disagree")])
        assert codes == [303, 303]
        rows = list(ValidationBallot.select().where(ValidationBallot.voter == voter.id))
        assert len(rows) == 1 and rows[0].verdict in ("agree", "disagree")


def test_ballots_racing_the_close_through_gunicorn(app, gunicorn):  # noqa: F811
    base, _log = gunicorn
    made = worlds.open_round_for(app, worlds.consultation_with_people(per_sector=20, public=0))
    round_id, items = made["round"].id, made["items"]
    posters = [device(base, voter) for voter in made["voters"]]
    calls: list[Callable[[], Any]] = [
        lambda post=post: [post(item, "agree") for item in items] for post in posters]

    def close() -> str:
        with app.test_request_context():
            close_round(round_id)
        return "closed"

    calls.insert(len(calls) // 2, close)
    results = race(calls)
    codes = Counter(code for result in results if result != "closed" for code in result)
    assert set(codes) <= {303, 409}, codes
    round_ = ValidationRound.get_by_id(round_id)
    stored = list(ValidationBallot.select())
    assert all(ballot.updated_at <= round_.closed_at for ballot in stored)
    assert codes[303] == len(stored) == round_.results["ballots"]
