"""The worker's periodic task for rounds (registered by the package's import; see
docs/plugins.md, "Background tasks"): reminders before closing, and closing the
rounds whose time has passed. Runs only while the plugin is switched on."""

from __future__ import annotations

from huey import crontab

from consultplatform.api import huey, plugin_registry, run_in_app
from consultplatform_validation.settings import NAME


@huey.periodic_task(crontab(minute="*/5"))
def validation_timers() -> dict[str, int]:
    """Every five minutes: close the rounds past their closing time, then remind."""
    from consultplatform_validation.reminders import close_due, queue_reminders

    def work() -> dict[str, int]:
        if not plugin_registry().is_enabled(NAME):
            return {"closed": 0, "reminded": 0}
        closed = close_due()
        return {"closed": len(closed), "reminded": queue_reminders()}

    return run_in_app(work)
