"""Participants (a moderator sees the people of the sessions they moderate)."""

from __future__ import annotations

from typing import Any

from flask import after_this_request, g
from flask_login import current_user
from wtforms.validators import Email, Length

from consultplatform.admin.model_view import CoreModelView
from consultplatform.admin.participant_privacy import ParticipantPrivacyRoutes
from consultplatform.admin.registration_columns import answers_list
from consultplatform.auth.roles import is_staff
from consultplatform.models import (
    Consultation,
    ConsultationQuestion,
    ConsultationSession,
    Participant,
    Registration,
    Sector,
    normalise_email,
)
from consultplatform.privacy.erasure import erase_participant
from consultplatform.search import compact_search_index, matching
from consultplatform.seats import lock_sessions_of


class ParticipantView(ParticipantPrivacyRoutes, CoreModelView):
    consultation_field = Participant.consultation
    # The consultation's questions come with it, for the answers column.
    list_prefetch = ((Consultation, Participant), (Sector, Participant),
                     (ConsultationQuestion, Consultation))
    column_list = ["name", "email", "organisation", "consultation", "sector", "side", "language",
                   "answers"]
    column_sortable_list = ["name", "email", "organisation", "consultation", "sector", "side",
                            "language"]
    # The answers to the consultation's questions (ConsultationQuestion), in their order.
    column_formatters = {"answers": lambda v, c, m, n: answers_list(
        m.answers, sorted(m.consultation.questions, key=lambda q: (q.position, q.id)))}
    column_searchable_list = ["name", "email", "organisation"]
    column_filters = ["side", "language", Consultation.title]
    form_columns = ["consultation", "name", "email", "organisation", "sector", "side",
                    "language"]
    form_args = {"email": {"validators": [Email(), Length(max=254)]}}

    def on_model_change(self, form, model, is_created: bool) -> None:
        model.email = normalise_email(model.email)
        super().on_model_change(form, model, is_created)
        if not is_created and {"sector", "side"} & set(g.get("cp_changed_fields", [])):
            lock_sessions_of(model.id)  # their seats move to another counter

    def on_model_delete(self, model) -> None:
        # Through the erasure first: the mails to the person, their name in staff
        # notes and every plugin's rows go too, with an audit row (a plain delete would
        # leave the mails, which only point to a registration).
        lock_sessions_of(model.id)
        erase_participant(model.id, "deleted", by="staff", compact=False)
        if "cp_compact_search" not in g:  # once per request, however many rows go
            g.cp_compact_search = True
            after_this_request(_compact_search)

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True,
                 page_size=None):
        # Searched through the index (consultplatform.search), not Flask-Admin's ILIKE
        # over three columns; the search box stays as it was.
        g.cp_participant_search = search or ""
        return super().get_list(page, sort_column, sort_desc, None, filters,
                                execute=execute, page_size=page_size)

    def scope_query(self, query):
        """A moderator sees only the people registered for sessions they moderate."""
        if is_staff() and current_user.role == "moderator":
            theirs = (Registration.select(Registration.participant)
                      .join(ConsultationSession)
                      .where(ConsultationSession.moderator == current_user.id))
            query = query.where(Participant.id.in_(theirs))
        condition = matching(g.get("cp_participant_search", ""))
        return query if condition is None else query.where(condition)


def _compact_search(response: Any) -> Any:
    """After the deletes have committed: rewrite the search index once."""
    compact_search_index()
    return response
