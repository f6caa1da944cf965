"""Queries on the hottest paths, compiled to SQL once per process.

peewee builds a query's SQL anew on every execution; for the one statement a
cached public page costs, that was a quarter of the request's time. A
:class:`CompiledQuery` builds its peewee query once per database with
placeholder values, keeps the SQL, and then only runs it with the real values;
the rows come back converted by the selected fields, as ``.tuples()`` would.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from peewee import Field

from consultplatform.db import db


class CompiledQuery:
    def __init__(self, build: Callable[..., Any], *names: str) -> None:
        """``build(**placeholders)`` returns the peewee select; ``names`` are its
        parameters, given by keyword to :meth:`rows`."""
        self._build, self._names = build, names
        self._compiled: dict[tuple[int, type], tuple[str, list, list[Callable[[Any], Any]]]] = {}
        self._lock = threading.Lock()

    def _compile(self) -> tuple[str, list, list[Callable[[Any], Any]]]:
        database = db.obj
        key = (id(database), type(database))  # the dialect: another database, other SQL
        found = self._compiled.get(key)
        if found is None:
            # Values no real parameter has: where they land in the parameters is where
            # the caller's values go.
            marks = {name: f"\x00cp-placeholder:{name}\x00" for name in self._names}
            query = self._build(**marks)
            sql, params = query.sql()
            converters = [_converter(node) for node in query._returning]
            slots = [next((n for n, m in marks.items() if p == m), None) for p in params]
            found = (sql, [(slot, value) for slot, value in zip(slots, params, strict=True)],
                     converters)
            with self._lock:
                self._compiled[key] = found
        return found

    def rows(self, **values: Any) -> list[tuple]:
        sql, params, converters = self._compile()
        bound = [values[slot] if slot is not None else value for slot, value in params]
        cursor = db.obj.execute_sql(sql, bound)
        return [tuple(convert(value) for convert, value in zip(converters, row, strict=True))
                for row in cursor.fetchall()]


def _converter(node: Any) -> Callable[[Any], Any]:
    """The selected field's python_value (e.g. SQLite's text to a datetime), else as is."""
    if isinstance(node, Field):
        return lambda value: value if value is None else node.python_value(value)
    return _same


def _same(value: Any) -> Any:
    return value

