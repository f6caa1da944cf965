"""Participants (a moderator sees the people of the sessions they moderate)."""

from __future__ import annotations

from flask import g
from flask_login import current_user
from wtforms.validators import Email, Length

from consultplatform.admin.model_view import CoreModelView
from consultplatform.auth.roles import is_staff
from consultplatform.models import (
    Consultation,
    ConsultationSession,
    Participant,
    Registration,
    Sector,
    normalise_email,
)
from consultplatform.search import matching
from consultplatform.seats import lock_sessions_of


class ParticipantView(CoreModelView):
    consultation_field = Participant.consultation
    list_prefetch = ((Consultation, Participant), (Sector, Participant))
    column_list = ["name", "email", "organisation", "consultation", "sector", "side", "language"]
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
        lock_sessions_of(model.id)

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
