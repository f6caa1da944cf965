"""The background worker's entry point::

    huey_consumer consultplatform.worker.huey --workers 2 --worker-type thread

It hands ``consultplatform.tasks`` the app factory and exposes the same huey
instance, with every task registered: the core's, and those of every installed
plugin. A plugin's tasks are ``@huey.task()`` functions in a module its package
imports (docs/plugins.md, "Background tasks"); this module imports every plugin
package of the ``consultplatform`` entry-point group, and the modules named in
``CONSULTPLATFORM_PLUGINS_EXTRA``, before the consumer starts. Whether a plugin is
switched on is the task's own question, asked when it runs.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import logging
import os

from consultplatform.app import create_app
from consultplatform.plugins import ENTRY_POINT_GROUP
from consultplatform.privacy import nightly  # noqa: F401 - registers the retention task
from consultplatform.tasks import huey, use_app_factory

log = logging.getLogger(__name__)


def import_plugin_tasks() -> list[str]:
    """Import every plugin package, so that their tasks are registered with ``huey``;
    the names imported. A plugin that fails to import is logged and left out."""
    modules = [ep.value.split(":")[0]
               for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)]
    try:
        extra = json.loads(os.environ.get("CONSULTPLATFORM_PLUGINS_EXTRA", "") or "[]")
    except ValueError:
        extra = []
    if isinstance(extra, list):
        modules += [str(dotted).rpartition("=")[2] for dotted in extra]
    imported = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # one broken plugin must not stop the core's tasks
            log.exception("plugin module %s could not be imported; its tasks do not run", name)
        else:
            imported.append(name)
    return imported


use_app_factory(create_app)
import_plugin_tasks()

__all__ = ["huey", "import_plugin_tasks"]
