"""Erasing one participant's personal data, the one path for every reason: their own
request (confirmed from their mail), a request staff received by letter or phone,
and the retention date of the consultation.

What stays: the participant row with its sector and side and the registrations with
their status and attendance, so that the counts outputs report (people and
attendance per sector and side) do not change; nothing in them names the person.
Registrations for sessions still ahead are cancelled first, so their seats pass on
as with any cancellation (without a mail to the erased address).
"""

from __future__ import annotations

from dataclasses import dataclass

from consultplatform import audit
from consultplatform.db import utcnow, write_transaction
from consultplatform.models import ConsultationSession, Participant, Registration, new_token
from consultplatform.privacy.holders import all_holders
from consultplatform.search import compact_search_index
from consultplatform.services.signup import cancel

# Why the data goes; stored in the audit row (never the person's words or name).
REASONS = ("own_request", "letter", "phone", "email", "in_person", "retention", "deleted",
           "other")


@dataclass(frozen=True)
class Erased:
    participant_id: int
    rows: dict[str, int]


def erased_address(participant_id: int) -> str:
    """The placeholder e-mail address of an erased participant (unique per
    consultation, deliverable nowhere: .invalid is reserved, RFC 2606)."""
    return f"verwijderd-{participant_id}@verwijderd.invalid"


def erase_participant(participant_id: int, reason: str, *, by: str = "staff",
                      compact: bool = True) -> Erased:
    """Erase one person's data in one transaction, with an audit row that names the
    participant by number only. ``by``: "self", "staff" or "retention". ``compact``:
    rewrite the search index afterwards, so no old entry keeps the name (a batch
    does it once at its end)."""
    if reason not in REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    with write_transaction():  # all of it or nothing, the cancellations included
        person = Participant.get_by_id(participant_id)
        if person.erased_at is not None:
            return Erased(participant_id, {})
        registrations = list(Registration.select(Registration, ConsultationSession)
                             .join(ConsultationSession)
                             .where(Registration.participant == participant_id))
        # Cancelled through the sign-up service: seats pass on, promoted people are
        # told (after the commit); no mail to the person whose data goes.
        going_ahead = [r.id for r in registrations
                       if r.status != "cancelled" and r.session.is_going_ahead]
        for registration_id in going_ahead:
            cancel(registration_id, notify=False)
        rows = {}
        for _plugin, holder in all_holders():
            rows[holder.key] = holder.erase(participant_id)
        # The answers go; a new token per registration: the old mail link stops working.
        for registration in registrations:
            Registration.update(answers={}, token=new_token()).where(
                Registration.id == registration.id).execute()
        rows["core.registrations"] = len(registrations)
        Participant.update(
            name="", email=erased_address(participant_id), organisation="", phone="",
            answers={}, privacy_accepted_at=None, news_opt_in=False, news_consent_version="",
            news_consent_at=None, erased_at=utcnow()).where(
            Participant.id == participant_id).execute()
        rows["core.participant"] = 1
        audit.record("erase", person,
                     details={"reason": reason, "by": by,
                              "cancelled": len(going_ahead), "rows": rows},
                     with_origin=by != "self")
    if compact:
        compact_search_index()
    return Erased(participant_id, rows)
