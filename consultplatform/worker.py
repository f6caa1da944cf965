"""The background worker's entry point::

    huey_consumer consultplatform.worker.huey --workers 2 --worker-type thread

It hands ``consultplatform.tasks`` the app factory and exposes the same huey
instance, with every task registered.
"""

from __future__ import annotations

from consultplatform.app import create_app
from consultplatform.privacy import nightly  # noqa: F401 - registers the retention task
from consultplatform.tasks import huey, use_app_factory

use_app_factory(create_app)

__all__ = ["huey"]
