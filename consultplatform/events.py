"""Event hooks fire only after the transaction that caused them has committed."""

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
