"""The nightly retention run as a huey task (registered by ``consultplatform.worker``;
kept out of ``consultplatform.tasks``, which the sign-up service imports)."""

from __future__ import annotations

import logging
from typing import Any

from huey import crontab

from consultplatform.privacy.retention import apply_retention
from consultplatform.tasks import _in_app, huey

log = logging.getLogger(__name__)


@huey.periodic_task(crontab(hour="3", minute="17"))
def enforce_retention() -> Any:
    """Every night: erase what is past its retention date, old mail texts, full IP
    addresses in old audit rows (consultplatform.privacy.retention)."""
    def work() -> Any:
        report = apply_retention()
        log.info("retention: %d participants erased, %d mail texts removed, "
                 "%d audit addresses shortened",
                 sum(len(ids) for ids in report.participants.values()), report.mail_bodies,
                 report.audit_addresses)
        return report.mail_bodies

    return _in_app(work)
