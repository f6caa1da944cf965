"""The consultation a staff member works on: chosen once in the admin's header,
remembered per account (``staff_workspace``), and the scope of every list, form,
choice, filter and count in the staff pages, the core's and the plugins' alike
(``current_consultation_id`` is in the plugin API). No choice: all consultations
the account may see.

Who may see which consultation: administrators and viewers all of them;
moderators those where they moderate a session, as its moderator or through a
plugin (hook ``cp_moderated_sessions``, e.g. an Expertarena's co-moderators).
"""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context
from flask_login import current_user

from consultplatform.auth.roles import is_staff
from consultplatform.models import Consultation, ConsultationSession, StaffWorkspace
from consultplatform.plugins import registry


def moderated_session_ids(staff: Any) -> list[int]:
    """Sessions a plugin makes ``staff`` a moderator of, besides the session's own
    moderator (hook ``cp_moderated_sessions``); asked once per request and account
    (the switcher, the scope and the overview all need it)."""
    remembered = g.setdefault("cp_moderated_sessions", {}) if has_request_context() else {}
    if staff.id not in remembered:
        remembered[staff.id] = sorted({int(session_id) for _name, session_id in registry()
                                       .items("cp_moderated_sessions", staff=staff)})
    return list(remembered[staff.id])


def visible_consultations(staff: Any):
    """A query of the consultations ``staff`` may work on, in the switcher's order."""
    query = Consultation.select().order_by(Consultation.created_at.desc(), Consultation.id)
    if getattr(staff, "role", None) != "moderator":
        return query
    theirs = (ConsultationSession.select(ConsultationSession.consultation)
              .where((ConsultationSession.moderator == staff.id)
                     | ConsultationSession.id.in_(moderated_session_ids(staff) or [0])))
    return query.where(Consultation.id.in_(theirs))


def may_see(staff: Any, consultation_id: int) -> bool:
    return visible_consultations(staff).where(Consultation.id == consultation_id).exists()


def current_consultation_id() -> int | None:
    """The consultation the logged-in staff member works on now; None for all of them
    (or outside a staff request). Read once per request."""
    if not has_request_context() or not is_staff():
        return None
    if "cp_workspace" not in g:
        chosen = (StaffWorkspace.select(StaffWorkspace.consultation)
                  .where(StaffWorkspace.staff == current_user.id).scalar())
        if chosen is not None and current_user.role == "moderator" \
                and not may_see(current_user, chosen):
            chosen = None  # no longer theirs
        g.cp_workspace = chosen
    return g.cp_workspace


def current_consultation() -> Consultation | None:
    consultation_id = current_consultation_id()
    if consultation_id is None:
        return None
    if "cp_workspace_row" not in g:
        g.cp_workspace_row = Consultation.get_or_none(Consultation.id == consultation_id)
    return g.cp_workspace_row


def forget() -> None:
    """After a change of choice within the request."""
    g.pop("cp_workspace", None)
    g.pop("cp_workspace_row", None)


def sessions_of(consultation_id: int):
    return (ConsultationSession.select(ConsultationSession.id)
            .where(ConsultationSession.consultation == consultation_id))


def scope_to(query: Any, consultation_id: int) -> Any:
    """``query`` narrowed to one consultation's rows: a consultation itself, a row with
    a ``consultation`` or a ``session`` of one; other rows are left as they are."""
    model = query.model
    fields = model._meta.fields
    if model is Consultation:
        return query.where(Consultation.id == consultation_id)
    own = fields.get("consultation")
    if own is not None and getattr(own, "rel_model", None) is Consultation:
        return query.where(own == consultation_id)
    session = fields.get("session")
    if session is not None and getattr(session, "rel_model", None) is ConsultationSession:
        return query.where(session.in_(sessions_of(consultation_id)))
    return query


def scope_choices(form: Any) -> Any:
    """Every choice list of ``form`` that lists rows of a consultation offers only the
    current consultation's (nothing of another can be chosen, or seen)."""
    consultation_id = current_consultation_id()
    if consultation_id is None:
        return form
    for field in form:
        query = getattr(field, "query", None)
        if query is not None and hasattr(query, "model"):
            field.query = scope_to(query, consultation_id)
    return form
