"""Checking and repairing the seat counters against the registrations."""

from __future__ import annotations

from consultplatform.db import write_transaction
from consultplatform.models import ConsultationSession
from consultplatform.seat_counts import Drift, drift, recount
from consultplatform.seats import lock_session


def check_counters() -> list[Drift]:
    """Every counter that differs from a recount, without changing anything."""
    return drift()


def repair_counters() -> list[Drift]:
    """Recount every session whose counters are wrong, each under its seat lock so
    no sign-up interleaves; returns what was wrong."""
    wrong_sessions = sorted({d.session_id for d in drift()})
    repaired: list[Drift] = []
    for session_id in wrong_sessions:
        with write_transaction():
            if ConsultationSession.get_or_none(ConsultationSession.id == session_id) is None:
                continue  # deleted in the meantime; its counters went with it
            lock_session(session_id)
            repaired.extend(recount(session_id))
    return repaired
