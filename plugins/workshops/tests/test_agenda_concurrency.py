"""Two or more people saving the same agenda item at once, for real (threads with
their own client and database connection, released together by a barrier), on
SQLite and PostgreSQL: one save wins, every other gets the 409 page with its own
text still in the form; nobody gets a 500 and no version is lost. Moving actions at
once keeps every action under the item exactly once."""

from __future__ import annotations

import html
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from consultplatform.api import AgendaItem, AgendaItemAction, AgendaItemVersion, db
from consultplatform.testing import (
    choose_consultation,
    get_csrf,
    login,
    make_app,
    make_staff,
)
from consultplatform_workshops.agenda import stamp

from . import agenda_world

EDITORS = 8


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


def test_one_of_many_simultaneous_saves_wins(racing_app):
    with racing_app.test_request_context():
        world = agenda_world.build()
    item = world.items["work"]
    seen = stamp(AgendaItem.get_by_id(item.id))
    staff = [make_staff("admin") for _ in range(EDITORS)]

    def prepare(n: int):
        client = racing_app.test_client()
        login(client, staff[n])
        client.set_cookie("lang", "en")
        choose_consultation(client, world.consultation)
        token = get_csrf(client, f"/admin/draft-agenda/item/{item.id}/edit")
        data = {"csrf_token": token, "title": "Werk", "text": f"Tekst van redacteur {n}",
                "position": "0", "theme": str(world.themes["labour"].id), "seen": seen,
                "actions": [str(world.actions["jobs"].id), str(world.actions["homes"].id)]}

        def send():
            response = client.post(f"/admin/draft-agenda/item/{item.id}/edit", data=data)
            return n, response.status_code, html.unescape(response.get_data(as_text=True))

        return send

    results = race(EDITORS, prepare)
    statuses = sorted(status for _n, status, _body in results)
    assert statuses == [303] + [409] * (EDITORS - 1), statuses
    (winner,) = [n for n, status, _body in results if status == 303]
    for n, status, body in results:
        if status == 409:
            assert "Someone else changed this item" in body
            assert f"Tekst van redacteur {n}" in body  # what they typed, kept
            assert f"Tekst van redacteur {winner}" in body  # and the item as it is now
    saved = AgendaItem.get_by_id(item.id)
    assert (saved.text, saved.version) == (f"Tekst van redacteur {winner}", 2)
    assert AgendaItemVersion.select().where(AgendaItemVersion.item == item.id).count() == 2


def test_simultaneous_moves_keep_every_action_once(racing_app):
    with racing_app.test_request_context():
        world = agenda_world.build()
    item = world.items["work"]
    actions = [world.actions["jobs"].id, world.actions["homes"].id]
    staff = [make_staff("admin") for _ in range(EDITORS)]

    def prepare(n: int):
        client = racing_app.test_client()
        login(client, staff[n])
        choose_consultation(client, world.consultation)
        token = get_csrf(client, "/admin/draft-agenda/")
        data = {"csrf_token": token, "action": str(actions[n % 2]),
                "direction": ("up", "down")[n % 2]}

        def send():
            return client.post(f"/admin/draft-agenda/item/{item.id}/move", data=data).status_code

        return send

    assert race(EDITORS, prepare) == [303] * EDITORS
    order = [row.action_id for row in AgendaItemAction.select()
             .where(AgendaItemAction.item == item.id).order_by(AgendaItemAction.position)]
    assert sorted(order) == sorted(actions)
    positions = [row.position for row in AgendaItemAction.select()
                 .where(AgendaItemAction.item == item.id)]
    assert sorted(positions) == [0, 1]
