"""The core's suite: the fixtures come from consultplatform.testing (a pytest plugin,
see its docstring); the test-only ``fullhooks`` plugin is loaded into every app
through the ``cp_plugins_extra`` ini option in pyproject.toml. The helpers are
re-exported here for the tests that import them from ``tests.conftest``."""

from __future__ import annotations

from consultplatform.testing import (
    PG_URL,
    count_queries,
    csrf_from,
    get_csrf,
    login,
    make_app,
    make_staff,
)
from consultplatform.testing import admin_dsn as _admin_dsn
from consultplatform.testing import clean_tables as _clean_tables

TEST_PLUGIN = "fullhooks=tests.plugin_fullhooks"

__all__ = ["PG_URL", "TEST_PLUGIN", "_admin_dsn", "_clean_tables", "count_queries", "csrf_from",
           "get_csrf", "login", "make_app", "make_staff"]
