"""Deciding after validation: per item of a closed round, the decision recorded
through the core (``record_decision``: adopted, amended with new wording, or
dropped, with the reason), which keeps the agenda's versions and decisions; and
what a decisions page and the public page read about them, in a fixed number of
statements.

A decision also raises the round's ``revision``: the round's table renews the
public pages' content revision (public_page.content_watches), so the
consultation's cached page shows the link to "what we did with your input" as
soon as the first decision is in.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from peewee import JOIN

from consultplatform.api import (
    TEXT_MAX,
    AgendaDecision,
    AgendaError,
    AgendaItem,
    AgendaItemVersion,
    StaffUser,
    record_decision,
    unsafe_in_line,
    unsafe_in_text,
    write_transaction,
)
from consultplatform_validation.models import ValidationItem, ValidationRound
from consultplatform_validation.rounds import RoundError, round_locked

DECISIONS = ("adopted", "amended", "dropped")
REASON_MAX = 5000
TITLE_MAX = 200


@dataclass(frozen=True)
class DecisionInput:
    decision: str
    reason: str = ""
    # The new wording of an amendment (ignored for the other decisions).
    new_title: str = ""
    new_text: str = ""


def _checked(data: DecisionInput, agenda_item: AgendaItem) -> tuple[str | None, str | None]:
    """The new wording to pass on (None, None when there is none), or a RoundError."""
    if data.decision not in DECISIONS:
        raise RoundError("decision", str(_l("Choose one of the options shown.")))
    if len(data.reason) > REASON_MAX:
        raise RoundError("reason", str(_l("At most %(max)d characters.", max=REASON_MAX)))
    if unsafe_in_text(data.reason) or unsafe_in_text(data.new_text):
        field = "reason" if unsafe_in_text(data.reason) else "new_text"
        raise RoundError(field, str(_l("This text holds invisible control characters; type "
                                       "it again without them.")))
    if data.decision in ("amended", "dropped") and not data.reason.strip():
        raise RoundError("reason", str(_l("Say why: the memo and the public page report the "
                                          "reason.")))
    if data.decision != "amended":
        return None, None
    title, text = " ".join(data.new_title.split()), data.new_text.strip()
    if not title or len(title) > TITLE_MAX or unsafe_in_line(data.new_title.strip()):
        raise RoundError("new_title", str(_l("Give the new title (one line, at most "
                                             "%(max)d characters).", max=TITLE_MAX)))
    if len(text) > TEXT_MAX:
        raise RoundError("new_text", str(_l("At most %(max)d characters.", max=TEXT_MAX)))
    if (title, text) == (agenda_item.title, agenda_item.text):
        raise RoundError("new_text", str(_l(
            "An amendment brings a new wording: change the title or the text.")))
    return title, text


def decide(round_id: int, item_id: int, data: DecisionInput) -> AgendaDecision:
    """Record the decision on the round's item ``item_id`` (a ValidationItem id). The
    round must be closed (409); the item must be in it (404) and still on the agenda."""
    with write_transaction():
        round_ = round_locked(round_id)
        if round_.status != "closed":
            raise RoundError("round", str(_l(
                "Decisions are recorded once the round has closed.")), 409)
        item = ValidationItem.get_or_none((ValidationItem.id == item_id)
                                          & (ValidationItem.round == round_.id))
        if item is None:
            raise RoundError("item", str(_l("This item is not part of this round.")), 404)
        agenda_item = (AgendaItem.get_or_none(AgendaItem.id == item.agenda_item_id)
                       if item.agenda_item_id is not None else None)
        if agenda_item is None:
            raise RoundError("item", str(_l(
                "This item has been removed from the agenda: there is nothing to decide.")),
                409)
        new_title, new_text = _checked(data, agenda_item)
        try:
            row = record_decision(agenda_item.id, data.decision, data.reason,
                                  new_title=new_title, new_text=new_text)
        except AgendaError as refused:
            raise RoundError(refused.field, str(refused)) from None
        (ValidationRound.update(revision=ValidationRound.revision + 1)
         .where(ValidationRound.id == round_.id).execute())
    return row


@dataclass
class History:
    """An agenda item's decisions and versions, oldest first."""

    decisions: list[AgendaDecision]
    versions: list[AgendaItemVersion]


def histories(agenda_item_ids: list[int]) -> dict[int, History]:
    """{agenda item id: its history}, in two statements (the decisions with who
    decided, the versions)."""
    found: dict[int, History] = defaultdict(lambda: History([], []))
    if not agenda_item_ids:
        return found
    for row in (AgendaDecision.select(AgendaDecision, StaffUser.name.alias("decided_by_name"))
                .join(StaffUser, JOIN.LEFT_OUTER, on=(AgendaDecision.decided_by == StaffUser.id))
                .where(AgendaDecision.item.in_(agenda_item_ids))
                .order_by(AgendaDecision.decided_at, AgendaDecision.id).objects()):
        found[row.item_id].decisions.append(row)
    for version in (AgendaItemVersion.select()
                    .where(AgendaItemVersion.item.in_(agenda_item_ids))
                    .order_by(AgendaItemVersion.version)):
        found[version.item_id].versions.append(version)
    return found


def round_items(round_id: int) -> list[tuple[ValidationItem, AgendaItem | None]]:
    """The round's items in order, each with its agenda item as it is now (one statement)."""
    rows = (ValidationItem.select(ValidationItem, AgendaItem)
            .join(AgendaItem, JOIN.LEFT_OUTER, on=(ValidationItem.agenda_item == AgendaItem.id))
            .where(ValidationItem.round == round_id)
            .order_by(ValidationItem.position))
    return [(row, row.agenda_item if row.agenda_item_id is not None else None) for row in rows]


def decided_after(round_: ValidationRound) -> dict[int, AgendaDecision]:
    """{agenda item id: its latest decision recorded after the round closed, with its
    item}, when it settles the item. "Latest" is the last recorded (decisions are
    only added), not the latest time, which may have been set by hand (the demo's);
    an item put back to "proposed" is undecided again. One statement; the memo, the
    dashboard and the public page all count decisions this way."""
    latest: dict[int, AgendaDecision] = {}
    for row in (AgendaDecision.select(AgendaDecision, AgendaItem).join(AgendaItem)
                .where(AgendaDecision.item.in_(ValidationItem.select(ValidationItem.agenda_item)
                                               .where(ValidationItem.round == round_.id))
                       & (AgendaDecision.decided_at >= round_.closed_at))
                .order_by(AgendaDecision.id)):
        latest[row.item_id] = row
    return {item: row for item, row in latest.items() if row.decision != "proposed"}
