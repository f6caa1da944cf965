"""The admin start page: per consultation, its sessions, people and registrations."""

from __future__ import annotations

from flask_admin import AdminIndexView, expose
from peewee import JOIN, fn

from consultplatform.admin.base import AccessMixin
from consultplatform.models import Consultation, ConsultationSession, Participant, Registration


def consultation_counts() -> list[dict]:
    """One row per consultation, three aggregate queries whatever the data size."""
    consultations = list(Consultation.select().order_by(Consultation.created_at.desc()))
    sessions = dict(ConsultationSession.select(ConsultationSession.consultation,
                                               fn.COUNT(ConsultationSession.id))
                    .group_by(ConsultationSession.consultation).tuples())
    people = dict(Participant.select(Participant.consultation, fn.COUNT(Participant.id))
                  .group_by(Participant.consultation).tuples())
    regs: dict[int, dict[str, int]] = {}
    query = (Registration
             .select(ConsultationSession.consultation, Registration.status,
                     fn.COUNT(Registration.id))
             .join(ConsultationSession, JOIN.INNER)
             .group_by(ConsultationSession.consultation, Registration.status)
             .tuples())
    for consultation_id, status, count in query:
        regs.setdefault(consultation_id, {})[status] = count
    return [{
        "consultation": c,
        "sessions": sessions.get(c.id, 0),
        "participants": people.get(c.id, 0),
        "confirmed": regs.get(c.id, {}).get("confirmed", 0),
        "waitlisted": regs.get(c.id, {}).get("waitlisted", 0),
    } for c in consultations]


class IndexView(AccessMixin, AdminIndexView):
    @expose("/")
    def index(self):
        return self.render("admin/cp_index.html", rows=consultation_counts())
