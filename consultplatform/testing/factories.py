"""Small builders for test data (real rows in the real database)."""

from __future__ import annotations

import datetime as dt
import itertools

from consultplatform.models import (
    Consultation,
    ConsultationSession,
    Participant,
    Registration,
    Sector,
)
from consultplatform.timezone import now_local

_seq = itertools.count(1)


def consultation(**kwargs) -> Consultation:
    n = next(_seq)
    values = {"title": f"Consultatie {n}", "slug": f"consultatie-{n}", "organiser": "Gemeente",
              "status": "published", "formats": ["general", "fullhooks_panel"],
              # A published consultation has a retention date (the admin requires one).
              "retention_until": now_local().date() + dt.timedelta(days=730)}
    values.update(kwargs)
    return Consultation.create(**values)


def sector(parent: Consultation, name: str | None = None, **kwargs) -> Sector:
    return Sector.create(consultation=parent, name=name or f"Sector {next(_seq)}", **kwargs)


def session(parent: Consultation, **kwargs) -> ConsultationSession:
    start = (now_local() + dt.timedelta(days=10)).replace(second=0, microsecond=0)
    values = {"consultation": parent, "title": f"Sessie {next(_seq)}", "starts_at": start,
              "ends_at": start + dt.timedelta(hours=2), "format_key": "general"}
    values.update(kwargs)
    return ConsultationSession.create(**values)


def participant(parent: Consultation, **kwargs) -> Participant:
    n = next(_seq)
    values = {"consultation": parent, "name": f"Deelnemer {n}", "email": f"p{n}@example.org"}
    values.update(kwargs)
    return Participant.create(**values)


def registration(person: Participant, meeting: ConsultationSession, **kwargs) -> Registration:
    return Registration.create(participant=person, session=meeting, **kwargs)
