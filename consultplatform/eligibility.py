"""Which sectors' entrepreneurs may take a seat in a session.

A session is open to every sector unless a plugin names its sectors through the
``cp_session_sectors`` hook (the Expertarena plugin names an arena's sectors).
The public side (government, education, others) is never restricted: they come
to listen to the sectors, not as one of them.
"""

from __future__ import annotations

from collections.abc import Iterable

from consultplatform.models import ConsultationSession, Sector

RESTRICTED_SIDE = "entrepreneur"


def allowed_sectors(sessions: Iterable[ConsultationSession]) -> dict[int, frozenset[int]]:
    """{session id: the sector ids it is for}, for the sessions a plugin restricts
    (one call of the hook for all of them; enabled plugins only)."""
    from consultplatform.plugins import registry

    wanted = [s for s in sessions]
    if not wanted:
        return {}
    known = {s.id for s in wanted}
    found: dict[int, set[int]] = {}
    for _plugin, answer in registry().results("cp_session_sectors", sessions=wanted):
        for session_id, sector_ids in (answer or {}).items():
            if session_id in known and sector_ids:
                found.setdefault(session_id, set()).update(int(i) for i in sector_ids)
    return {session_id: frozenset(ids) for session_id, ids in found.items()}


def may_take_a_seat(allowed: frozenset[int] | None, sector_id: int | None, side: str) -> bool:
    """May someone of ``side`` and sector ``sector_id`` have a seat, given ``allowed``?"""
    return allowed is None or side != RESTRICTED_SIDE or sector_id in allowed


def sector_names(sector_ids: Iterable[int]) -> list[str]:
    """The names of these sectors in their consultation's order."""
    ids = sorted(set(sector_ids))
    if not ids:
        return []
    return [s.name for s in Sector.select(Sector.name).where(Sector.id.in_(ids))
            .order_by(Sector.position, Sector.name)]
