"""A consultation's structure as a template (consultplatform.structure.schema): its
sectors, themes, sessions with their questions, its own sign-up questions, formats,
page texts and plugin settings, with dates relative to its first day. Nothing about
people."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from consultplatform.db import utcnow
from consultplatform.models import (
    Consultation,
    ConsultationQuestion,
    ConsultationSession,
    PluginSetting,
    Sector,
    SessionQuestion,
    Theme,
)
from consultplatform.models.questions import SignUpQuestion
from consultplatform.plugins import registry
from consultplatform.structure.schema import FORMAT, VERSION


@dataclass
class TemplateKeys:
    """Template keys of a consultation's sectors and sessions: ids to keys on export
    (``sectors``, ``sessions``), keys to the new ids on import (``sector_ids``,
    ``session_ids``). Plugins refer to them in their part of a template."""

    sectors: dict[int, str] = field(default_factory=dict)
    sessions: dict[int, str] = field(default_factory=dict)
    sector_ids: dict[str, int] = field(default_factory=dict)
    session_ids: dict[str, int] = field(default_factory=dict)


def first_day(consultation: Consultation, sessions: list[ConsultationSession]) -> dt.date:
    """Day 0 of the template: the consultation's start, or its first session's day."""
    days = [s.starts_at.date() for s in sessions]
    if consultation.starts_on is not None:
        days.append(consultation.starts_on)
    return min(days) if days else utcnow().date()


def export_structure(consultation_id: int) -> dict[str, Any]:
    consultation = Consultation.get_by_id(consultation_id)
    sectors = list(Sector.select().where(Sector.consultation == consultation)
                   .order_by(Sector.position, Sector.name))
    sessions = list(ConsultationSession.select()
                    .where(ConsultationSession.consultation == consultation)
                    .order_by(ConsultationSession.starts_at, ConsultationSession.id))
    questions: dict[int, list[SessionQuestion]] = {}
    for question in (SessionQuestion.select()
                     .where(SessionQuestion.session.in_([s.id for s in sessions] or [0]))
                     .order_by(SessionQuestion.position, SessionQuestion.id)):
        questions.setdefault(question.session_id, []).append(question)
    keys = TemplateKeys(sectors={s.id: f"sector-{n + 1}" for n, s in enumerate(sectors)},
                        sessions={s.id: f"session-{n + 1}" for n, s in enumerate(sessions)})
    start = first_day(consultation, sessions)
    data: dict[str, Any] = {
        "format": FORMAT, "version": VERSION, "exported_at": utcnow().isoformat(timespec="seconds"),
        "consultation": _consultation(consultation, start),
        "sectors": [{"key": keys.sectors[s.id], "name": s.name,
                     "default_seat_cap": s.default_seat_cap, "position": s.position}
                    for s in sectors],
        "themes": [{"name": t.name, "description": t.description, "colour": t.colour,
                    "position": t.position, "active": t.active}
                   for t in Theme.select().where(Theme.consultation == consultation)
                   .order_by(Theme.position, Theme.name)],
        "sessions": [_session(s, keys, start, questions.get(s.id, [])) for s in sessions],
        "plugin_settings": {row.plugin: row.data for row in PluginSetting.select()
                            .where(PluginSetting.consultation == consultation)
                            .order_by(PluginSetting.plugin)},
        "plugins": {},
    }
    for name, part in registry().results("cp_template_export", only_enabled=False,
                                          consultation=consultation, keys=keys):
        if part:
            data["plugins"][name] = part
    return data


def _consultation(consultation: Consultation, start: dt.date) -> dict[str, Any]:
    found: dict[str, Any] = {
        "title": consultation.title, "summary": consultation.summary,
        "organiser": consultation.organiser, "contact_email": consultation.contact_email,
        "contact_phone": consultation.contact_phone,
        "privacy_text": consultation.privacy_text, "formats": list(consultation.formats or []),
    }
    if consultation.ends_on is not None:
        found["duration_days"] = max(0, (consultation.ends_on - start).days)
    if consultation.retention_until is not None:
        end = consultation.ends_on or start
        found["retention_days"] = max(0, (consultation.retention_until - end).days)
    own = list(ConsultationQuestion.select()
               .where(ConsultationQuestion.consultation == consultation)
               .order_by(ConsultationQuestion.position, ConsultationQuestion.id))
    if own:  # left out when there are none: such a file is read by older releases too
        found["questions"] = [question_data(q) for q in own]
    return found


def _session(session: ConsultationSession, keys: TemplateKeys, start: dt.date,
             questions: list[SessionQuestion]) -> dict[str, Any]:
    minutes = int((session.ends_at - session.starts_at).total_seconds() // 60)
    return {
        "key": keys.sessions[session.id], "title": session.title,
        "description": session.description, "format": session.format_key,
        "sector": keys.sectors.get(session.sector_id) if session.sector_id else None,
        "day": max(0, (session.starts_at.date() - start).days),
        "start": session.starts_at.strftime("%H:%M"), "duration_minutes": max(1, minutes),
        "location": session.location, "online_url": session.online_url,
        "capacity": session.capacity, "sector_cap": session.sector_cap,
        "side_caps": dict(session.side_caps or {}), "audience": session.audience,
        "reminder_hours": session.reminder_hours,
        "questions": [question_data(q) for q in questions],
    }


def question_data(question: SignUpQuestion) -> dict[str, Any]:
    """A sign-up question in a template (a session's or the consultation's own)."""
    return {"kind": question.kind, "label_nl": question.label_nl,
            "label_en": question.label_en, "choices_nl": question.choices_nl,
            "choices_en": question.choices_en, "required": question.required,
            "position": question.position}
