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


def plain(row: Model, *, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """A row as JSON-safe values, foreign keys as ids, secrets left out."""
    values: dict[str, Any] = {}
    for name, field in row._meta.fields.items():
        if name in SECRET_COLUMNS or name in leave_out:
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
    person = Participant.get_by_id(participant_id)
    return OutboxMail.select().where(
        OutboxMail.registration.in_(Registration.select(Registration.id).where(
            Registration.participant == participant_id))
        | (OutboxMail.to_address == person.email)).order_by(OutboxMail.id)


def _naming_insights(participant_id: int) -> list[Insight]:
    """Insights of the person's sessions whose text or quote holds their name."""
    person = Participant.get_by_id(participant_id)
    name = person.name.strip()
    if len(name) < 3:
        return []
    sessions = ConsultationSession.select(ConsultationSession.id).where(
        ConsultationSession.consultation == person.consultation_id)
    found = Insight.select().where(Insight.session.in_(sessions)
                                   & (Insight.text.contains(name) | Insight.quote.contains(name)))
    pattern = re.compile(re.escape(name), re.IGNORECASE)
    return [i for i in found.order_by(Insight.id) if pattern.search(i.text + " " + i.quote)]


def _erase_names_in_insights(participant_id: int) -> int:
    person = Participant.get_by_id(participant_id)
    pattern = re.compile(re.escape(person.name.strip()), re.IGNORECASE)
    changed = 0
    for insight in _naming_insights(participant_id):
        insight.text = pattern.sub(NAME_REMOVED, insight.text)
        insight.quote = pattern.sub(NAME_REMOVED, insight.quote)
        insight.save(only=[Insight.text, Insight.quote])
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
            key="core.insights", label=_l("Insights that mention your name"),
            models=(Insight,),
            export=lambda pid: [plain(i) for i in _naming_insights(pid)],
            erase=_erase_names_in_insights,
            purpose=_l("What was said in the sessions, recorded without names; where a "
                       "name was typed anyway, it is removed on erasure."),
            legal_basis=_l("Public task (AVG art. 6(1)(e))."),
            retention=_l("The insights stay, without names.")),
    ]
