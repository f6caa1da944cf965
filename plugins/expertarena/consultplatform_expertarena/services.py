"""The Expertarena's own services (the core's serve the shared nouns): an arena's
sectors and extra moderators, inviting someone, accepting proposed themes. Each
owns its transaction and audit row; the views parse, call one, flash, redirect."""

from __future__ import annotations

from collections.abc import Iterable

from flask_login import current_user

from consultplatform.api import (
    ALREADY,
    Applicant,
    ConsultationSession,
    Outcome,
    Sector,
    SignUp,
    audit,
    lock_session,
    sign_up,
    utcnow,
    write_transaction,
)
from consultplatform_expertarena.models import (
    ExpertarenaArenaModerator,
    ExpertarenaArenaSector,
    ExpertarenaThemeProposal,
)


def save_arena_setup(session_id: int, sector_ids: Iterable[int], staff_ids: Iterable[int]) -> None:
    """Replace the arena's sectors (in the consultation's sector order) and its extra
    moderators; two saves at once take their turns on the session's lock."""
    with write_transaction():
        session = lock_session(session_id)
        order = {s.id: n for n, s in enumerate(
            Sector.select(Sector.id).where(Sector.consultation == session.consultation_id)
            .order_by(Sector.position, Sector.name))}
        ExpertarenaArenaSector.delete().where(ExpertarenaArenaSector.session == session.id).execute()
        ExpertarenaArenaModerator.delete().where(
            ExpertarenaArenaModerator.session == session.id).execute()
        for sector_id in sorted(set(sector_ids) & set(order), key=lambda ident: order[ident]):
            ExpertarenaArenaSector.create(session=session.id, sector=sector_id,
                                          position=order[sector_id])
        for staff_id in sorted(set(staff_ids)):
            if staff_id != session.moderator_id:
                ExpertarenaArenaModerator.create(session=session.id, staff=staff_id)
        audit.record("update", session, object_type="ExpertarenaArena",
                     details={"fields": ["sectors", "moderators"]})


def invite(session: ConsultationSession, applicant: Applicant) -> Outcome:
    """Staff sign someone of the public side (or an entrepreneur of the arena's sectors)
    up for the arena, with the seat rules and mails of any sign-up, and its audit row."""
    with write_transaction():
        outcome = sign_up(SignUp(consultation=session.consultation, applicant=applicant,
                                 session_ids=[session.id], by_staff=True))[0]
        if outcome.registration is not None and outcome.result != ALREADY:
            audit.record("invite", outcome.registration, details={"status": outcome.result})
    return outcome


def accept_proposals(proposal_ids: Iterable[int]) -> int:
    """Mark the proposed themes among them as reviewed; returns how many were."""
    accepted = 0
    with write_transaction():
        for proposal in ExpertarenaThemeProposal.select().where(
                ExpertarenaThemeProposal.id.in_(sorted(set(proposal_ids)))
                & ExpertarenaThemeProposal.reviewed_at.is_null()):
            proposal.reviewed_at, proposal.reviewed_by = utcnow(), current_user.id
            proposal.save(only=["reviewed_at", "reviewed_by"])
            audit.record("accept", proposal)
            accepted += 1
    return accepted
