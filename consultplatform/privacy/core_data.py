"""The core's own personal data about a participant: the person, their registrations,
the mails to them, and insights that name them (``core_plugin`` declares them through
``cp_personal_data``, like any plugin)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask_babel import lazy_gettext as _l
from peewee import Model

from consultplatform.contributions import PersonalDataHolder
from consultplatform.models import (
    Action,
    AgendaDecision,
    AgendaItem,
    AgendaItemVersion,
    ConsultationSession,
    Insight,
    OutboxMail,
    Participant,
    Registration,
)

# What replaces a person's name where staff typed it into an insight.
NAME_REMOVED = "[naam verwijderd]"
# Columns that are credentials, not data about the person.
SECRET_COLUMNS = {"token"}


def plain(row: Model) -> dict[str, Any]:
    """A row as JSON-safe values, foreign keys as ids, secrets left out."""
    values: dict[str, Any] = {}
    for name, field in row._meta.fields.items():
        if name in SECRET_COLUMNS:
            continue
        value = row.__data__.get(field.name)
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        values[name] = value
    return values


def _registrations(participant_id: int) -> list[Registration]:
    return list(Registration.select().where(Registration.participant == participant_id)
                .order_by(Registration.id))


def _mails(participant_id: int):
    """Mails about this person's registrations, and mails to their address without a
    registration (notices, the erasure confirmation) unless the address also belongs
    to a person in another consultation: those cannot be told apart, and are not this
    record's to show or remove (their text goes after OUTBOX_BODY_DAYS)."""
    person = Participant.get_by_id(participant_id)
    theirs = OutboxMail.registration.in_(Registration.select(Registration.id).where(
        Registration.participant == participant_id))
    shared = Participant.select().where((Participant.email == person.email)
                                        & (Participant.id != participant_id)).exists()
    if not shared:
        theirs = theirs | (OutboxMail.registration.is_null()
                           & (OutboxMail.to_address == person.email))
    return OutboxMail.select().where(theirs).order_by(OutboxMail.id)


def name_pattern(name: str) -> re.Pattern[str] | None:
    """The person's whole name as words (any case, any spacing), or None when it is
    too short to be told from ordinary words: a first name alone, initials."""
    words = name.split()
    if len(words) < 2 or sum(len(w) for w in words) < 6:
        return None
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)",
                      re.IGNORECASE)


def _free_text(consultation_id: int) -> list[tuple[Any, tuple[str, ...], Any]]:
    """Where staff type free text in a consultation: (model, fields, condition)."""
    sessions = ConsultationSession.select(ConsultationSession.id).where(
        ConsultationSession.consultation == consultation_id)
    items = AgendaItem.select(AgendaItem.id).where(AgendaItem.consultation == consultation_id)
    return [(Insight, ("text", "quote", "set_aside_reason", "set_aside_note"), Insight.session.in_(sessions)),
            (Action, ("title", "description"), Action.consultation == consultation_id),
            (AgendaItem, ("title", "text"), AgendaItem.consultation == consultation_id),
            (AgendaItemVersion, ("title", "text", "note"), AgendaItemVersion.item.in_(items)),
            (AgendaDecision, ("reason",), AgendaDecision.item.in_(items))]


NamingRow = tuple[Any, tuple[str, ...], Model]


def _naming_rows(participant_id: int) -> tuple[re.Pattern[str] | None, list[NamingRow]]:
    """The person's name as a pattern, and the rows of their consultation whose free
    text holds it: (model, its free-text fields, row)."""
    person = Participant.get_by_id(participant_id)
    pattern = name_pattern(person.name)
    if pattern is None:
        return None, []
    first = person.name.split()[0]
    found = []
    for model, fields, condition in _free_text(person.consultation_id):
        loose = None
        for field in fields:  # narrowed in SQL by the first word, exact in Python
            clause = getattr(model, field).contains(first)
            loose = clause if loose is None else loose | clause
        for row in model.select().where(condition & loose).order_by(model.id):
            if any(pattern.search(getattr(row, f) or "") for f in fields):
                found.append((model, fields, row))
    return pattern, found


def _naming_export(participant_id: int) -> list[dict[str, Any]]:
    return [{"table": model._meta.table_name, "id": row.id,
             **{f: getattr(row, f) for f in fields}}
            for model, fields, row in _naming_rows(participant_id)[1]]


def _erase_names(participant_id: int) -> int:
    pattern, rows = _naming_rows(participant_id)
    changed = 0
    for model, fields, row in rows:
        assert pattern is not None  # rows are found only with a pattern
        for field in fields:
            setattr(row, field, pattern.sub(NAME_REMOVED, getattr(row, field) or ""))
        row.save(only=[model._meta.fields[f] for f in fields])
        changed += 1
    return changed


def _erase_mails(participant_id: int) -> int:
    return OutboxMail.delete().where(OutboxMail.id.in_(
        [m.id for m in _mails(participant_id)])).execute()


def core_holders() -> list[PersonalDataHolder]:
    return [
        PersonalDataHolder(
            key="core.participant", label=_l("Your details"), models=(Participant,),
            export=lambda pid: [plain(Participant.get_by_id(pid))],
            purpose=_l("Inviting you, seating you in the sessions you chose and mailing "
                       "you about them; news only with your separate consent."),
            legal_basis=_l("Public task (AVG art. 6(1)(e)); news: consent (art. 6(1)(a))."),
            retention=_l("Until the consultation's retention date, then erased.")),
        PersonalDataHolder(
            key="core.registrations", label=_l("Your registrations"), models=(Registration,),
            export=lambda pid: [plain(r) for r in _registrations(pid)],
            purpose=_l("Seats, waiting list, attendance and your answers to the "
                       "sign-up questions."),
            legal_basis=_l("Public task (AVG art. 6(1)(e))."),
            retention=_l("Until the consultation's retention date; counted without "
                         "your name afterwards.")),
        PersonalDataHolder(
            key="core.mails", label=_l("E-mails to you"), models=(OutboxMail,),
            export=lambda pid: [plain(m) for m in _mails(pid)], erase=_erase_mails,
            purpose=_l("Confirmations, changes and reminders of your sessions."),
            legal_basis=_l("Public task (AVG art. 6(1)(e))."),
            retention=_l("The text of a sent e-mail is removed after a set number of days.")),
        PersonalDataHolder(
            key="core.named", label=_l("Notes of staff that mention your name"),
            models=(Insight, Action, AgendaItem, AgendaItemVersion, AgendaDecision),
            export=_naming_export, erase=_erase_names, self_service=False,
            purpose=_l("What was said in the sessions, recorded without names; where a "
                       "name was typed anyway, it is removed on erasure."),
            legal_basis=_l("Public task (AVG art. 6(1)(e))."),
            retention=_l("The insights stay, without names.")),
    ]
