"""What the validation holds about one participant (hook ``cp_personal_data``): their
place as a voter in each round (with the answer to the open question), their
verdicts with what they wrote, and their priority points.

Erasure keeps every counted verdict without the person: the voter row loses its
participant, its link (token) and its open answer, the ballots lose the reason,
comment and suggested wording; the verdict, channel, sector and side stay, so the
results (and the frozen ones of a closed round) do not change. Priority points
stay counted too: they hold nothing but numbers once the voter has no person.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask_babel import lazy_gettext as _l

from consultplatform.api import PersonalDataHolder, utcnow
from consultplatform_validation.models import (
    ValidationBallot,
    ValidationItem,
    ValidationPriority,
    ValidationRound,
    ValidationVoter,
)
from consultplatform_validation.results import TEXT_KINDS


def _voters(participant_id: int):
    return ValidationVoter.select(ValidationVoter.id).where(
        ValidationVoter.participant == participant_id)


def _rounds(participant_id: int) -> list[dict[str, Any]]:
    """Per round the person could vote in: the round, when invited and finished, and
    the open question's answer (the link's token left out: it is a key)."""
    rows = (ValidationVoter.select(ValidationVoter, ValidationRound).join(ValidationRound)
            .where(ValidationVoter.participant == participant_id).order_by(ValidationVoter.id))
    return [{"round": voter.round.title, "invited_at": _iso(voter.invited_at),
             "finished_at": _iso(voter.finished_at), "open_question": voter.round.open_question,
             "open_answer": voter.open_answer} for voter in rows]


def _ballots(participant_id: int) -> list[dict[str, Any]]:
    rows = (ValidationBallot.select(ValidationBallot, ValidationItem, ValidationRound)
            .join(ValidationItem).join(ValidationRound)
            .where(ValidationBallot.voter.in_(_voters(participant_id)))
            .order_by(ValidationRound.id, ValidationItem.position))
    return [{"round": b.item.round.title, "item": b.item.title, "verdict": b.verdict,
             "reason": b.reason, "comment": b.comment, "suggestion": b.suggestion,
             "channel": b.channel, "created_at": _iso(b.created_at),
             "updated_at": _iso(b.updated_at)} for b in rows]


def _priorities(participant_id: int) -> list[dict[str, Any]]:
    rows = (ValidationPriority.select(ValidationPriority, ValidationItem, ValidationRound)
            .join(ValidationItem).join(ValidationRound)
            .where(ValidationPriority.voter.in_(_voters(participant_id)))
            .order_by(ValidationRound.id, ValidationItem.position))
    return [{"round": p.item.round.title, "item": p.item.title, "points": p.points}
            for p in rows]


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _erase_ballots(participant_id: int) -> int:
    """Blank what the person wrote with their verdicts (the verdicts stay), here and
    in the results frozen when a round closed."""
    changed = _erase_from_frozen_results(participant_id)
    return changed + (ValidationBallot.update(reason="", comment="", suggestion="")
                      .where(ValidationBallot.voter.in_(_voters(participant_id))).execute())


def _erase_from_frozen_results(participant_id: int) -> int:
    """A closed round's frozen results hold the texts written with the verdicts and the
    open answers, without names: take one copy of each of this person's out (the
    counts stay). Returns the rounds changed."""
    wrote: dict[int, list[tuple[int | None, str, str, str]]] = defaultdict(list)
    for item_id, round_id, verdict, *texts in (
            ValidationBallot.select(ValidationBallot.item, ValidationItem.round,
                                    ValidationBallot.verdict, ValidationBallot.reason,
                                    ValidationBallot.suggestion, ValidationBallot.comment)
            .join(ValidationItem)
            .where(ValidationBallot.voter.in_(_voters(participant_id))).tuples()):
        for kind, text in zip(TEXT_KINDS, texts, strict=True):
            if text:
                wrote[round_id].append((item_id, kind, verdict, text))
    for round_id, answer in (ValidationVoter.select(ValidationVoter.round,
                                                    ValidationVoter.open_answer)
                             .where((ValidationVoter.participant == participant_id)
                                    & (ValidationVoter.open_answer != "")).tuples()):
        wrote[round_id].append((None, "open_answers", "", answer))
    changed = 0
    for round_ in ValidationRound.select().where(ValidationRound.id.in_(list(wrote) or [0])
                                                 & ValidationRound.results.is_null(False)):
        results = round_.results
        items = {item["id"]: item for item in results.get("items", [])}
        for item_id, kind, verdict, text in wrote[round_.id]:
            if item_id is None:
                texts = (results.get("open_answers") or {}).get("answers", [])
            else:
                texts = items.get(item_id, {}).get(kind, {}).get(verdict, [])
            if text in texts:
                texts.remove(text)
        for item in items.values():
            for kind in TEXT_KINDS:
                item[kind] = {verdict: texts for verdict, texts in item.get(kind, {}).items()
                              if texts}
        ValidationRound.update(results=results).where(ValidationRound.id == round_.id).execute()
        changed += 1
    return changed


def _erase_voters(participant_id: int) -> int:
    """Cut the voter rows loose from the person: no participant, no link, no answer.
    Runs after the ballots' part (it finds the ballots through these rows)."""
    return (ValidationVoter.update(participant=None, token=None, open_answer="",
                                   erased_at=utcnow())
            .where(ValidationVoter.participant == participant_id).execute())


def holders() -> list[PersonalDataHolder]:
    basis = _l("Public task (AVG art. 6(1)(e)).")
    # In this order: the ballots are found through the voter rows the last part cuts loose.
    return [
        PersonalDataHolder(
            key="validation.ballots", label=_l("Your verdicts on the draft agenda"),
            models=(ValidationBallot,), export=_ballots, erase=_erase_ballots,
            purpose=_l("Your verdict on each item of the draft agenda, with your reason, "
                       "comment and suggested wording, counted per sector and side."),
            legal_basis=basis,
            retention=_l("Until the consultation's retention date; then what you wrote "
                         "goes and the verdict stays counted without you.")),
        PersonalDataHolder(
            key="validation.priorities", label=_l("Your priorities for the draft agenda"),
            models=(ValidationPriority,), export=_priorities,
            purpose=_l("The points you gave the items of the draft agenda."),
            legal_basis=basis,
            retention=_l("Until the consultation's retention date; then counted without "
                         "you.")),
        PersonalDataHolder(
            key="validation.voters", label=_l("Validation rounds you were invited to"),
            models=(ValidationVoter,), export=_rounds, erase=_erase_voters,
            purpose=_l("Inviting you with a personal link to give your verdict on the draft "
                       "agenda, reminding you, and your answer to the open question."),
            legal_basis=basis,
            retention=_l("Until the consultation's retention date; then your link and "
                         "answer go and your verdicts are counted without you.")),
    ]
