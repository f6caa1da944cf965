"""The board under real concurrency, on SQLite and on PostgreSQL: every caller is a
thread of its own with its own database connection, released together by a
barrier. Nothing is mocked; the rows are counted once every thread has finished.

- Two people save the same action from the same version: exactly one wins, the
  other gets StaleActionError carrying the winner's version, and can save what
  they typed again on top of it.
- Fifty dots at once (ten voters, three actions) keep the per-person and the
  per-action limit of the consultation's settings.
- Two merges of the same pair at once (either direction) do not deadlock and
  leave one live action with every link, the other merged into it.
"""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest

from consultplatform.api import (
    Action,
    ActionError,
    ActionInput,
    Insight,
    InsightAction,
    PluginSetting,
    StaffUser,
    StaleActionError,
    db,
)
from consultplatform.testing import admin_dsn, get_csrf, login
from consultplatform_workshops import board_services as board
from consultplatform_workshops.models import (
    WorkshopsAction,
    WorkshopsDot,
    WorkshopsMember,
    WorkshopsScope,
    WorkshopsWorkshop,
)
from consultplatform_workshops.workshops import WorkshopError, WorkshopPlan, prepare_workshop

from . import helpers

BARRIER_TIMEOUT = 60
DOTS_PER_PERSON = 3
DOTS_PER_ACTION = 2
VOTERS = 10
ATTEMPTS_EACH = 5  # 10 x 5 = 50 dots at once
_seq = itertools.count(1)


class Gate:
    """A second connection (outside the app's) holding the write locks the services
    need, so the racers all get under way before any can write: on SQLite the one
    write lock (BEGIN IMMEDIATE), on PostgreSQL the tables the services lock."""

    TABLES = ("action", "consultation_session", "workshops_workshop", "workshops_dot")

    def __init__(self, url: str) -> None:
        if url.startswith("sqlite"):
            self.conn: Any = sqlite3.connect(url.split("///", 1)[1], isolation_level=None,
                                             timeout=30)
            self.conn.execute("BEGIN IMMEDIATE")
        else:
            self.conn = psycopg.connect(admin_dsn(url))
            self.conn.execute("LOCK TABLE " + ", ".join(self.TABLES) + " IN EXCLUSIVE MODE")

    def open(self) -> None:
        self.conn.commit() if not isinstance(self.conn, sqlite3.Connection) \
            else self.conn.execute("COMMIT")
        self.conn.close()


def race(app, calls: Sequence[Callable[[], Any]], *,
         in_context: bool = True) -> list[tuple[str, Any]]:
    """Run ``calls`` at the same moment, each in its own thread, request context and
    database connection (opened after the barrier: the pool may be smaller than the
    crowd). A :class:`Gate` holds the writes back until every call is under way.
    HTTP calls (``in_context=False``) bring their own request context. Returns
    ("ok", result) or ("error", exception) per call, in order."""
    barrier = threading.Barrier(len(calls), timeout=BARRIER_TIMEOUT)
    lock = threading.Lock()
    entered = in_flight = most = 0

    def one(call: Callable[[], Any]) -> tuple[str, Any]:
        nonlocal entered, in_flight, most
        with app.test_request_context() if in_context else contextlib.nullcontext():
            barrier.wait()
            with lock:
                entered += 1
                in_flight += 1
                most = max(most, in_flight)
            try:
                return "ok", call()
            except (WorkshopError, ActionError) as refused:
                return "error", refused
            finally:
                with lock:
                    in_flight -= 1
                if not db.is_closed():
                    db.close()

    gate = Gate(app.config["DATABASE_URL"])
    try:
        with ThreadPoolExecutor(max_workers=len(calls)) as pool:
            futures = [pool.submit(one, call) for call in calls]
            deadline = time.monotonic() + BARRIER_TIMEOUT
            while entered < len(calls) and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(0.2)  # let them reach the locks
            gate.open()
            results = [future.result() for future in futures]
    finally:
        with contextlib.suppress(Exception):
            gate.open()
    # Nobody could write before the gate opened: all were under way together.
    assert most == len(calls), f"only {most} of {len(calls)} calls overlapped"
    return results


def draft(app, setting, title: str, insights: Sequence[int]) -> Action:
    with app.test_request_context():
        ident = board.draft_action(setting["workshop"].id, ActionInput(title=title), insights)
    return Action.get_by_id(ident)


def test_two_saves_from_one_version_one_wins_the_other_keeps_its_text(app, setting):
    ws = setting["workshop"].id
    one, two = setting["insights"][0].id, setting["insights"][1].id
    for round_ in range(5):
        action = draft(app, setting, f"Banenloket {round_}", [one, two])
        start = action.version
        typed = {"first": ActionInput(title=f"Regionaal banenloket {round_}",
                                      description="Eén loket voor werkgevers.",
                                      department="Economische zaken"),
                 "second": ActionInput(title=f"Stageloket {round_}", kind="proposal",
                                       owner="education", description="Met het mbo.")}
        results = race(app, [lambda data=data, ident=action.id, version=start:
                             board.save_action(ws, ident, data, version)
                             for data in typed.values()])
        outcomes = [kind for kind, _ in results]
        assert sorted(outcomes) == ["error", "ok"], results
        winner, loser = (("first", "second") if outcomes[0] == "ok" else ("second", "first"))
        refused = results[list(typed).index(loser)][1]
        assert isinstance(refused, StaleActionError)
        assert refused.field == "version"
        # The error carries the winner's version: the page shows it beside the form.
        assert refused.current.id == action.id
        assert refused.current.version == start + 1
        assert refused.current.title == typed[winner].title
        stored = Action.get_by_id(action.id)
        assert (stored.title, stored.version) == (typed[winner].title, start + 1)
        # The loser's text was not lost: they save it again on the new version.
        with app.test_request_context():
            board.save_action(ws, action.id, typed[loser], refused.current.version)
        stored = Action.get_by_id(action.id)
        assert (stored.title, stored.description, stored.kind, stored.owner,
                stored.version) == (typed[loser].title, typed[loser].description,
                                    typed[loser].kind, typed[loser].owner, start + 2)
        # The links were untouched by both saves.
        assert sorted(i for (i,) in InsightAction.select(InsightAction.insight)
                      .where(InsightAction.action == action.id).tuples()) == sorted([one, two])


def voters(count: int) -> list[StaffUser]:
    """Staff accounts to vote with (rows only: nobody logs in)."""
    return [StaffUser.create(email=f"stemmer{next(_seq)}@example.org", name=f"Stemmer {n}",
                             password_hash="-", role="viewer") for n in range(count)]


def test_fifty_dots_at_once_keep_both_limits(app, setting):
    ws = setting["workshop"]
    PluginSetting.create(plugin="workshops", consultation=setting["consultation"],
                         data={"dots_per_person": DOTS_PER_PERSON,
                               "dots_per_action": DOTS_PER_ACTION})
    actions = [draft(app, setting, f"Actie {n}", [setting["insights"][n].id]).id
               for n in range(3)]
    people = voters(VOTERS)
    # Each voter tries three dots on one action and two on the next: at most two
    # fit on one action and three in all, so exactly three of the five go in.
    calls, plan = [], []
    for n, voter in enumerate(people):
        first, second = actions[n % 3], actions[(n + 1) % 3]
        for action_id in (first, first, first, second, second):
            plan.append((voter.id, action_id))
            calls.append(lambda v=voter.id, a=action_id: board.add_dot(ws.id, v, a))
    assert len(calls) == VOTERS * ATTEMPTS_EACH == 50
    results = race(app, calls)

    refused = [value for kind, value in results if kind == "error"]
    assert all(isinstance(e, WorkshopError) and e.status == 409 and e.field == "dots"
               for e in refused), refused
    assert len(refused) == VOTERS * (ATTEMPTS_EACH - DOTS_PER_PERSON)
    per_person: Counter[int] = Counter()
    per_pair: Counter[tuple[int, int]] = Counter()
    rows = list(WorkshopsDot.select().where(WorkshopsDot.session == ws.id))
    for row in rows:
        per_person[row.voter_id] += row.dots
        per_pair[(row.voter_id, row.action_id)] += row.dots
    assert per_person == dict.fromkeys([p.id for p in people], DOTS_PER_PERSON)
    assert max(per_pair.values()) <= DOTS_PER_ACTION
    # One row per voter and action (the unique index held), and only planned pairs.
    assert len(rows) == len(per_pair)
    assert set(per_pair) <= set(plan)
    assert sum(per_pair.values()) == sum(1 for kind, _ in results if kind == "ok")
    with app.test_request_context():
        assert board.dot_totals(ws.id) == {
            action: sum(d for (_, a), d in per_pair.items() if a == action)
            for action in actions if any(a == action for _, a in per_pair)}


@pytest.mark.parametrize("opposite", [False, True], ids=["same-direction", "opposite"])
def test_two_merges_of_one_pair_at_once(app, setting, opposite):
    ws = setting["workshop"].id
    insight_ids = [i.id for i in setting["insights"]]
    for round_ in range(4):
        left = draft(app, setting, f"Links {round_}", insight_ids[:2]).id
        right = draft(app, setting, f"Rechts {round_}", insight_ids[1:]).id
        pairs = [(left, right), (right, left) if opposite else (left, right)]
        results = race(app, [lambda t=t, s=s: board.merge(ws, t, s) for t, s in pairs])
        outcomes = [kind for kind, _ in results]
        assert sorted(outcomes) == ["error", "ok"], results
        won = outcomes.index("ok")
        target, source = pairs[won]
        refused = results[1 - won][1]
        assert isinstance(refused, WorkshopError | ActionError)
        assert refused.field == "action" or getattr(refused, "status", 400) == 404
        kept, merged = Action.get_by_id(target), Action.get_by_id(source)
        assert kept.status != "merged"
        assert (merged.status, merged.merged_into_id) == ("merged", target)
        # Every insight either of them answered is linked to the kept one, once.
        links = list(InsightAction.select(InsightAction.insight)
                     .where(InsightAction.action == target).tuples())
        assert sorted(i for (i,) in links) == sorted(insight_ids)
        assert not InsightAction.select().where(InsightAction.action == source).exists()
        on_board = {a for (a,) in WorkshopsAction.select(WorkshopsAction.action)
                    .where(WorkshopsAction.action.in_([left, right])).tuples()}
        assert on_board == {target}


def test_two_saves_over_http_one_gets_409_with_both_versions(app, setting):
    """The same race through the board's save form (once the board's pages exist):
    one 303, one 409 whose page holds what the loser typed and the winner's title."""
    if "workshops_board.save" not in app.view_functions:
        pytest.skip("the board's pages are not registered in this build")
    ws = setting["workshop"].id
    action = draft(app, setting, "Banenloket", [setting["insights"][0].id])
    clients = [setting["client"], app.test_client()]
    login(clients[1], setting["member"])
    titles = ["Regionaal banenloket", "Stageloket met het mbo"]
    url = f"/admin/workshop-board/{ws}/action/{action.id}/save"
    forms = []
    for client, title in zip(clients, titles, strict=True):
        client.set_cookie("lang", "en")
        forms.append({"csrf_token": get_csrf(client, "/admin/"), "version": str(action.version),
                      "title": title, "description": f"Uitleg bij {title}", "kind": "action",
                      "owner": "municipality", "horizon": "short", "department": ""})
    results = race(app, [lambda c=c, f=f: c.post(url, data=f)
                         for c, f in zip(clients, forms, strict=True)], in_context=False)
    codes = [response.status_code for _, response in results]
    assert sorted(codes) == [303, 409], codes
    winner, loser = (0, 1) if codes[0] == 303 else (1, 0)
    page = results[loser][1].get_data(as_text=True)
    assert titles[loser] in page and f"Uitleg bij {titles[loser]}" in page  # kept
    assert titles[winner] in page  # theirs, to compare
    stored = Action.get_by_id(action.id)
    assert (stored.title, stored.version) == (titles[winner], action.version + 1)


def test_setting_aside_while_an_action_takes_the_insight_up(app, setting):
    """An insight is answered or set aside, never both: whichever comes second sees the
    first (the set-aside is refused, or the link opens the insight again)."""
    ws = setting["workshop"]
    arena, farm = setting["arenas"][0], setting["farm"]
    for round_ in range(4):
        insight = helpers.insight(arena, farm, "barrieres", [setting["labour"]], 1,
                                  f"Tegelijk {round_}").id
        calls = [lambda i=insight: board.set_insight_aside(ws.id, i, "already_done"),
                 lambda i=insight: board.draft_action(ws.id, ActionInput(title="Pakt het op"),
                                                      [i])]
        results = race(app, calls)
        assert results[1][0] == "ok", results
        if results[0][0] == "error":
            assert isinstance(results[0][1], WorkshopError) and results[0][1].status == 409
        stored = Insight.get_by_id(insight)
        assert InsightAction.select().where(InsightAction.insight == insight).exists()
        assert (stored.set_aside_reason, stored.set_aside_note) == ("", ""), (
            f"round {round_}: answered and set aside at once ({results[0][0]} first)")


def test_a_dot_racing_a_merge_never_lands_on_the_merged_action(app, setting):
    """A dot put on the action being merged away either lands before the merge (and
    goes back to its voter with the merge) or is refused: no dot is left on an action
    that is no longer on the board, where it would still count against its voter."""
    ws = setting["workshop"].id
    (voter,) = voters(1)
    insight_ids = [i.id for i in setting["insights"]]
    for round_ in range(4):
        kept = draft(app, setting, f"Blijft {round_}", insight_ids[:1]).id
        merged = draft(app, setting, f"Gaat op {round_}", insight_ids[1:2]).id
        results = race(app, [lambda k=kept, m=merged: board.merge(ws, k, m),
                             lambda m=merged: board.add_dot(ws, voter.id, m)])
        assert results[0][0] == "ok", results
        if results[1][0] == "error":
            assert isinstance(results[1][1], WorkshopError | ActionError)
        on_board = {a for (a,) in WorkshopsAction.select(WorkshopsAction.action)
                    .where(WorkshopsAction.session == ws).tuples()}
        stray = [(d.action_id, d.dots) for d in WorkshopsDot.select()
                 if d.action_id not in on_board]
        assert not stray, f"round {round_}: dots left on merged actions: {stray}"


def test_the_first_changes_on_a_new_board_at_once(app, setting):
    """Two first drafts on a workshop whose board was never opened: both saved, the
    board's revision raised twice (its row made once, not refused the second time)."""
    fresh = helpers.workshop(setting["consultation"], setting["facilitator"], title="Nieuw")
    insights = [i.id for i in setting["insights"]]  # different ones: no lock in common
    results = race(app, [lambda n=n: board.draft_action(fresh.id, ActionInput(title=f"Eerste {n}"),
                                                        [insights[n]]) for n in range(2)])
    assert [kind for kind, _ in results] == ["ok", "ok"], results
    assert WorkshopsAction.select().where(WorkshopsAction.session == fresh.id).count() == 2
    row = WorkshopsWorkshop.get(WorkshopsWorkshop.session == fresh.id)
    assert row.revision == 3  # made at 1, raised by each of the two


def test_two_preparations_at_once(app, setting):
    """The facilitator and an administrator save the preparation at the same moment:
    one of the two plans is stored whole (never a mix, never a refused duplicate)."""
    ws = setting["workshop"].id
    plans = [WorkshopPlan(question=f"Vraag {n}", theme_ids=[setting["labour"].id],
                          sector_ids=[setting["farm"].id, setting["shop"].id][: n + 1],
                          member_ids=[setting["member"].id]) for n in range(2)]
    for _round in range(3):
        results = race(app, [lambda p=p: prepare_workshop(ws, p) for p in plans])
        assert [kind for kind, _ in results] == ["ok", "ok"], results
        question = WorkshopsWorkshop.get(WorkshopsWorkshop.session == ws).question
        plan = plans[int(question[-1])]
        assert sorted(WorkshopsScope.select(WorkshopsScope.kind, WorkshopsScope.value)
                      .where(WorkshopsScope.session == ws).tuples()) == sorted(
            [("theme", str(setting["labour"].id))]
            + [("sector", str(i)) for i in plan.sector_ids])
        assert [m.staff_id for m in WorkshopsMember.select()] == [setting["member"].id]
