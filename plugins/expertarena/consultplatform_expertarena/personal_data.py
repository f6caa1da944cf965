"""What the Expertarena holds about one participant (hook ``cp_personal_data``).

The plugin keeps no table of people: who came is the core's registrations, and the
insights are recorded without names (the core removes a name typed into one anyway).
Its part of a person's data is the arenas they took part in, as the plugin shows them;
erasure has nothing of its own to remove (the holder's default ``erase``)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from consultplatform.api import ConsultationSession, PersonalDataHolder, Registration
from consultplatform_expertarena.arenas import FORMAT_KEY


def _arenas(participant_id: int) -> list[dict[str, Any]]:
    rows = (Registration.select(Registration, ConsultationSession).join(ConsultationSession)
            .where((Registration.participant == participant_id)
                   & (ConsultationSession.format_key == FORMAT_KEY))
            .order_by(ConsultationSession.starts_at))
    return [{"registration": r.id, "arena": r.session.title,
             "starts_at": r.session.starts_at.isoformat(), "status": r.status,
             "attendance": r.attendance} for r in rows]


def holder() -> PersonalDataHolder:
    return PersonalDataHolder(
        key="expertarena.arenas", label=_l("Expertarenas you took part in"),
        export=_arenas,
        purpose=_l("A moderated conversation per sector; what was said is recorded as "
                   "insights without names, quotes anonymously."),
        legal_basis=_l("Public task (AVG art. 6(1)(e))."),
        retention=_l("Your part goes with your registrations; insights stay without names."))
