"""What a consultation's public pages show besides their content revision, read in one
statement: the key their cached copies are kept under (consultplatform.public.page_cache)."""

from __future__ import annotations

from peewee import JOIN, fn

from consultplatform import timezone
from consultplatform.models import Consultation, ConsultationSession, SeatTally
from consultplatform.prepared import CompiledQuery
from consultplatform.revisions import PUBLIC_SCOPE as PUBLIC
from consultplatform.revisions import revision_query

VISIBLE_STATUSES = ("published", "closed")


def _page_state_query(slug: str):
    confirmed = fn.COALESCE(fn.SUM(SeatTally.n), 0)
    return (Consultation
            .select(Consultation.status, revision_query(PUBLIC), ConsultationSession.id,
                    ConsultationSession.status, ConsultationSession.starts_at,
                    ConsultationSession.registration_opens_at,
                    ConsultationSession.registration_closes_at, confirmed)
            .join(ConsultationSession, JOIN.LEFT_OUTER)
            .join(SeatTally, JOIN.LEFT_OUTER,
                  on=(SeatTally.session == ConsultationSession.id)
                  & (SeatTally.status == "confirmed"))
            .where(Consultation.slug == slug)
            .group_by(Consultation.status, ConsultationSession.id, ConsultationSession.status,
                      ConsultationSession.starts_at, ConsultationSession.registration_opens_at,
                      ConsultationSession.registration_closes_at)
            .order_by(ConsultationSession.id))


_PAGE_STATE = CompiledQuery(_page_state_query, "slug")


def page_state(slug: str) -> list | None:
    """What a consultation's page shows besides the content revision, in one statement:
    per session its confirmed seats and whether it is going ahead and open for
    registration now. None when there is no such visible consultation."""
    state: list = []
    now = timezone.now_local()  # looked up now: tests move the clock
    for status, content, session_id, session_status, starts, opens, closes, seats in \
            _PAGE_STATE.rows(slug=slug):
        if status not in VISIBLE_STATUSES:
            return None
        if not state:
            state.append(content)
        if session_id is not None:
            state.append([session_id, int(seats),
                          *ConsultationSession.timing(session_status, starts, opens, closes, now)])
    return state or None
