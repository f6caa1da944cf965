""""What we did with your input" (issue 15, point 6): once a round has closed and a
decision has been recorded after it, the consultation's public page lists per item
its decision and reason, its validation result and what lies behind it; and a mail
tells everyone who took part, once per person however often staff press the button.

Which round: the latest closed round of the consultation with at least one decision
(not "proposed") on one of its items recorded after it closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from peewee import fn

from consultplatform.api import (
    VISIBLE_STATUSES,
    AgendaDecision,
    AgendaItem,
    Consultation,
    OutboxMail,
    audit,
    public_url,
    queue_participant_mail,
    took_part,
    write_transaction,
)
from consultplatform_validation.decisions import decided_after, round_items
from consultplatform_validation.models import ValidationItem, ValidationRound
from consultplatform_validation.provenance import Behind, behind
from consultplatform_validation.rounds import RoundError

PATH = "wat-we-ermee-deden"
MAIL_KIND = "validation_what_we_did"


def _decided_after_closing():
    """The rounds with a decision on one of their items after they closed (a subquery)."""
    return (ValidationItem.select(ValidationItem.round)
            .join(AgendaDecision, on=(AgendaDecision.item == ValidationItem.agenda_item))
            .join(ValidationRound, on=(ValidationItem.round == ValidationRound.id))
            .where((AgendaDecision.decision != "proposed")
                   & (AgendaDecision.decided_at >= ValidationRound.closed_at)))


def published_round(consultation_id: int) -> ValidationRound | None:
    """The round the page is about, or None (no page yet). One statement."""
    return (ValidationRound.select()
            .where((ValidationRound.consultation == consultation_id)
                   & (ValidationRound.status == "closed")
                   & ValidationRound.id.in_(_decided_after_closing()))
            .order_by(ValidationRound.closed_at.desc(), ValidationRound.id.desc())
            .first())


def page_path(consultation: Consultation) -> str:
    return f"/c/{consultation.slug}/{PATH}"


@dataclass
class Outcome:
    """One item of the round: what was voted on, what it is now, what was decided
    after the round (None: not yet), its result (results.compute's item form)."""

    item: ValidationItem
    agenda_item: AgendaItem | None
    decision: AgendaDecision | None
    result: dict[str, Any] | None
    behind: Behind

    @property
    def renamed(self) -> bool:
        return self.agenda_item is not None and self.agenda_item.title != self.item.title


@dataclass
class WhatWeDid:
    consultation: Consultation
    round: ValidationRound
    outcomes: list[Outcome]

    @property
    def decided(self) -> int:
        return sum(1 for outcome in self.outcomes if outcome.decision is not None)


def what_we_did(consultation: Consultation) -> WhatWeDid | None:
    """The page's content, or None when there is no such page (a fixed number of
    statements: the round, its items, the decisions, three provenance counts)."""
    if consultation.status not in VISIBLE_STATUSES:
        return None
    round_ = published_round(consultation.id)
    if round_ is None:
        return None
    items = round_items(round_.id)
    decisions = decided_after(round_)
    results = {row["id"]: row for row in (round_.results or {}).get("items", [])}
    lying_behind = behind([agenda.id for _item, agenda in items if agenda is not None])
    outcomes = [Outcome(item, agenda, decisions.get(agenda.id) if agenda else None,
                        results.get(item.id), lying_behind.get(agenda.id, Behind())
                        if agenda else Behind())
                for item, agenda in items]
    return WhatWeDid(consultation, round_, outcomes)


def send_what_we_did(consultation_id: int) -> int:
    """Queue the mail with the link to the page to everyone who took part in the
    consultation, in their language, once per person (the outbox's once key: a
    second press, also at the same moment, queues nothing). Returns the mails queued;
    a RoundError when there is no page yet (409) or no such consultation (404)."""
    consultation = Consultation.get_or_none(Consultation.id == consultation_id)
    if consultation is None:
        raise RoundError("consultation", str(_l("This consultation does not exist.")), 404)
    if consultation.status not in VISIBLE_STATUSES or published_round(consultation.id) is None:
        raise RoundError("mail", str(_l(
            "There is nothing to tell yet: record a decision after the round has closed (on a "
            "published consultation) first.")), 409)
    link = public_url(page_path(consultation))
    queued = 0
    with write_transaction():
        for person in took_part(consultation.id):
            queued += queue_participant_mail(
                person, MAIL_KIND,
                _l("What we did with your input: %(title)s", title=consultation.title),
                "validation/mail/what_we_did", once_key=f"validation:what-we-did:{consultation.id}",
                consultation=consultation, link=link)
        audit.record("mail", consultation, details={"kind": MAIL_KIND, "queued": queued})
    return queued


def mails_sent(consultation_id: int) -> int:
    """How many people the mail has been queued for (the decisions page says so)."""
    return (OutboxMail.select(fn.COUNT(OutboxMail.id))
            .where(OutboxMail.once_key.startswith(f"validation:what-we-did:{consultation_id}:"))
            .scalar()) or 0
