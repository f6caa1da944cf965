"""Events fire only after the transaction that caused them has committed: the
core's own event hooks (``cp_session_closed``, ...) and the events plugins
declare (``cp_register_events``), heard through ``cp_event``."""

from __future__ import annotations

from typing import Any

from consultplatform.db import db
from consultplatform.hookspecs import EVENT_HOOKS
from consultplatform.plugins import registry


def emit_after_commit(hook_name: str, **kwargs: Any) -> None:
    """Queue ``hook_name`` for after the current commit (at once outside a transaction).

    A rollback of the whole transaction drops the queued event: plugins never
    hear of what did not happen. Caveat: peewee keeps callbacks queued inside a
    savepoint that is rolled back while the outer transaction commits, so emit
    only once the nested work is certain (the core emits after its saves).
    """
    if hook_name not in EVENT_HOOKS:
        raise ValueError(f"{hook_name} is not an event hook")
    plugins = registry()
    db.obj.after_commit(lambda: plugins.notify(hook_name, **kwargs))


def emit_event(name: str, **payload: Any) -> None:
    """Fire the declared plugin event ``name`` after the current commit (at once
    outside a transaction); every enabled plugin's ``cp_event`` hears it.

    ``payload`` holds plain values (ids, codes, counts), not model objects: a
    listener reads what it needs itself, in its own transaction."""
    plugins = registry()
    if not plugins.declares(name):
        raise ValueError(f"{name} is not a declared event (cp_register_events)")
    db.obj.after_commit(lambda: plugins.notify("cp_event", name=name, payload=dict(payload)))
