"""Ballots under real concurrency, in-process (SQLite with threads, and PostgreSQL):
every voter's device is a thread with its own test client (own cookies, own
database connection per request), released together by a barrier. Nothing is
mocked; the rows are counted when every thread has finished.

- Many people posting all their items at once: one ballot per person and item.
- One person on two devices posting the same item at once: one ballot, one of the two.
- Ballots racing the closing of the round: none is stored after the close, and
  every ballot answered 303 is in the frozen results."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from consultplatform.api import db
from consultplatform.testing import csrf_from
from consultplatform_validation.models import ValidationBallot, ValidationRound
from consultplatform_validation.rounds import close_round

from . import world as worlds
from .ballot_helpers import ballot_url

BARRIER_TIMEOUT = 60


def race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run every call at the same moment, each in its own thread."""
    barrier = threading.Barrier(len(calls), timeout=BARRIER_TIMEOUT)

    def one(call: Callable[[], Any]) -> Any:
        barrier.wait()
        try:
            return call()
        finally:
            if not db.is_closed():
                db.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return [future.result() for future in [pool.submit(one, call) for call in calls]]


def device(app, voter) -> tuple[Any, str]:
    """A device that opened the personal link: (its client, its CSRF token)."""
    client = app.test_client()
    page = client.get(ballot_url(voter))
    assert page.status_code == 200
    return client, csrf_from(page.get_data(as_text=True))


def poster(client, csrf: str, voter, items, value: str = "agree") -> Callable[[], list[int]]:
    def post() -> list[int]:
        return [client.post(f"{ballot_url(voter)}/{item.id}",
                            data={"csrf_token": csrf, "verdict": value,
                                  "reason": "omdat"}).status_code
                for item in items]
    return post


def test_many_people_at_once_give_one_ballot_per_person_and_item(app):
    made = worlds.open_round_for(app, worlds.consultation_with_people(per_sector=20, public=10))
    voters, items = made["voters"], made["items"]
    assert len(voters) == 50
    calls = [poster(*device(app, voter), voter, items) for voter in voters]
    results = race(calls)
    assert Counter(code for codes in results for code in codes) == {303: 150}
    pairs = Counter(ValidationBallot.select(ValidationBallot.voter, ValidationBallot.item)
                    .tuples())
    assert len(pairs) == 150 and set(pairs.values()) == {1}


def test_one_person_on_two_devices_at_once_keeps_one_ballot(app, opened):
    voter, item = opened["voters"][0], opened["items"][0]
    phone, laptop = device(app, voter), device(app, voter)
    for _attempt in range(8):
        codes = race([poster(*phone, voter, [item], "agree"),
                      poster(*laptop, voter, [item], "disagree")])
        assert codes == [[303], [303]]
        rows = list(ValidationBallot.select().where(ValidationBallot.voter == voter.id))
        assert len(rows) == 1 and rows[0].verdict in ("agree", "disagree")


def test_no_ballot_is_accepted_after_the_close(app):
    made = worlds.open_round_for(app, worlds.consultation_with_people(per_sector=15, public=0))
    round_id, items = made["round"].id, made["items"]
    calls: list[Callable[[], Any]] = [poster(*device(app, voter), voter, items)
                                      for voter in made["voters"]]

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
    # Every ballot answered 303 was stored before the close and is counted in the results.
    assert codes[303] == len(stored) == round_.results["ballots"]
