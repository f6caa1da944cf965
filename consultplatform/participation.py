"""Who took part in a consultation: the people a validation round invites by default
and a "what we did with your input" mail reaches."""

from __future__ import annotations

from collections.abc import Iterable

from peewee import ModelSelect

from consultplatform.models import Participant, Registration


def took_part(consultation_id: int, sides: Iterable[str] | None = None) -> ModelSelect:
    """The consultation's participants, not erased, with a confirmed seat in one of its
    sessions that was not marked "did not come" (attendance unknown counts: not
    every session records it). ``sides``: only these sides. Ordered by id."""
    seated = (Registration.select(Registration.participant)
              .where((Registration.status == "confirmed")
                     & (Registration.attendance.is_null() | (Registration.attendance != "no_show"))))
    query = Participant.select().where((Participant.consultation == consultation_id)
                                       & Participant.erased_at.is_null()
                                       & Participant.id.in_(seated))
    if sides is not None:
        query = query.where(Participant.side.in_(list(sides)))
    return query.order_by(Participant.id)
