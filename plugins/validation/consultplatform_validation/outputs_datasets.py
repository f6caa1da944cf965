"""The validation's export datasets, offered by the export page in every format.

- ``validation_ballots`` (pseudonymous): one row per ballot, the person a random
  pseudonym per export (a ``PSEUDONYM`` column: the core writes an HMAC under a key
  made for that one export, never the voter's or participant's number), with sector,
  side, channel, round, item, verdict and reason. Read page by page in ballot order.
- ``validation_results`` (aggregate): per closed round x item x sector x side the
  number of verdicts of each kind. A group with fewer ballots on the item than the
  settings' smallest group is merged with the other small groups of its side into
  "other sectors", and left out when that is still too small, so that nobody's
  verdict can be told apart (the file may be published as open data).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import JOIN, fn

from consultplatform.api import (
    AGGREGATE,
    INTEGER,
    PSEUDONYM,
    PSEUDONYMOUS,
    Consultation,
    DatasetColumn,
    ExportDataset,
    ExportScope,
    Sector,
    choices,
    counted,
    current_language,
    keyset_pages,
)
from consultplatform_validation.models import (
    ALL_SIDES,
    CHANNELS,
    VERDICTS,
    ValidationBallot,
    ValidationItem,
    ValidationRound,
    ValidationVoter,
)
from consultplatform_validation.settings import validation_settings

PAGE_SIZE = 1000  # ballots per query of an export
# The key of the merged small groups of a side (a sector id never is 0).
OTHER_SECTORS = 0


def _labels(pairs: tuple) -> dict[str, str]:
    return {value: str(text) for value, text in pairs}


def _person(participant_id: int | None, voter_id: int) -> str:
    """What the pseudonym is made of: the person (the same in every round of the
    export), or, once erased, the voter row (still one pseudonym per ballot paper)."""
    return f"p{participant_id}" if participant_id is not None else f"v{voter_id}"


# --- ballots ----------------------------------------------------------------------------


def _ballot_query(consultation: Consultation):
    return (ValidationBallot
            .select(ValidationBallot.id, ValidationVoter.participant, ValidationVoter.id,
                    fn.COALESCE(Sector.name, ""), ValidationVoter.side,
                    ValidationBallot.channel, ValidationRound.id, ValidationRound.title,
                    ValidationItem.position, ValidationItem.title, ValidationBallot.verdict,
                    ValidationBallot.reason)
            .join(ValidationVoter)
            .join(Sector, JOIN.LEFT_OUTER, on=(ValidationVoter.sector == Sector.id))
            .join_from(ValidationBallot, ValidationItem)
            .join(ValidationRound)
            .where(ValidationRound.consultation == consultation.id)
            .tuples())


def ballot_rows(consultation: Consultation, scope: ExportScope) -> Iterator[list[Any]]:
    """One row per ballot, in ballot order: one query per page of ballots; codes
    labelled once, in the language of the person exporting."""
    settings, language = validation_settings(consultation), current_language()
    verdicts = {code: settings.verdict_label(code, language) for code in VERDICTS}
    sides, channels = _labels(choices.SIDES), _labels(CHANNELS)
    for page in keyset_pages(_ballot_query(consultation), ValidationBallot.id, PAGE_SIZE):
        for (_id, participant_id, voter_id, sector, side, channel, round_id, round_title,
             position, title, verdict, reason) in page:
            yield [_person(participant_id, voter_id), sector, sides.get(side, side),
                   channels.get(channel, channel), round_id, round_title, position, title,
                   verdicts.get(verdict, verdict), reason]


def ballot_count(consultation: Consultation, scope: ExportScope) -> int:
    return (ValidationBallot.select().join(ValidationItem).join(ValidationRound)
            .where(ValidationRound.consultation == consultation.id).count())


# --- results per item x sector x side ---------------------------------------------------


def grouped_counts(round_ids: Sequence[int]) -> dict[tuple[int, str, int | None], Counter]:
    """{(item id, side, sector id): verdicts counted} of the rounds' ballots, in one
    grouped query (aggregates only)."""
    found: dict[tuple[int, str, int | None], Counter] = {}
    for item_id, side, sector_id, verdict, number in (
            ValidationBallot.select(ValidationBallot.item, ValidationVoter.side,
                                    ValidationVoter.sector, ValidationBallot.verdict,
                                    fn.COUNT(ValidationBallot.id))
            .join(ValidationVoter).join_from(ValidationBallot, ValidationItem)
            .where(ValidationItem.round.in_(list(round_ids) or [0]))
            .group_by(ValidationBallot.item, ValidationVoter.side, ValidationVoter.sector,
                      ValidationBallot.verdict)
            .tuples()):
        found.setdefault((item_id, side, sector_id), Counter())[verdict] += number
    return found


def suppressed(groups: dict[int | None, Counter], min_group: int) -> dict[int | None, Counter]:
    """One side's groups on one item ({sector id: verdicts}) as they may be shown:
    the groups under ``min_group`` ballots merged into ``OTHER_SECTORS``, which is
    left out when it is still under ``min_group``."""
    shown = {sector: votes for sector, votes in groups.items()
             if sum(votes.values()) >= min_group}
    merged: Counter = Counter()
    for sector, votes in groups.items():
        if sector not in shown:
            merged.update(votes)
    if merged and sum(merged.values()) >= min_group:
        shown[OTHER_SECTORS] = merged
    return shown


def result_rows(consultation: Consultation, scope: ExportScope) -> list[list[Any]]:
    """Per closed round x item x side x sector: the ballots and the number of each
    verdict, small groups merged or left out. Three queries whatever the size."""
    rounds = dict(ValidationRound.select(ValidationRound.id, ValidationRound.title)
                  .where((ValidationRound.consultation == consultation.id)
                         & (ValidationRound.status == "closed")).tuples())
    if not rounds:
        return []
    items = list(ValidationItem.select(ValidationItem.id, ValidationItem.round,
                                       ValidationItem.position, ValidationItem.title)
                 .where(ValidationItem.round.in_(list(rounds)))
                 .order_by(ValidationItem.round, ValidationItem.position).tuples())
    counts = grouped_counts(list(rounds))
    sectors = dict(Sector.select(Sector.id, Sector.name)
                   .where(Sector.consultation == consultation.id).tuples())
    min_group = validation_settings(consultation).min_group
    side_labels = _labels(choices.SIDES)

    def sector_name(sector_id: int | None) -> str:
        if sector_id == OTHER_SECTORS:
            return _("Other sectors")
        return sectors.get(sector_id, "") if sector_id is not None else _("No sector")

    per_item: dict[tuple[int, str], dict[int | None, Counter]] = {}
    for (item_id, side, sector_id), votes in counts.items():
        per_item.setdefault((item_id, side), {})[sector_id] = votes
    rows: list[list[Any]] = []
    for item_id, round_id, position, title in items:
        for side in ALL_SIDES:
            shown = suppressed(per_item.get((item_id, side), {}), min_group)
            # Named sectors by name, "no sector" after them, "other sectors" last.
            for sector_id in sorted(shown, key=lambda s: (s == OTHER_SECTORS, s is None,
                                                          sector_name(s))):
                votes = shown[sector_id]
                rows.append([round_id, rounds[round_id], position, title,
                             side_labels.get(side, side), sector_name(sector_id),
                             sum(votes.values()), *(votes.get(code, 0) for code in VERDICTS)])
    return rows


def _columns(*specs: tuple) -> Sequence[DatasetColumn]:
    return [DatasetColumn(*spec) for spec in specs]


def export_datasets(consultation: Consultation) -> list[ExportDataset]:
    """Declared cheaply: nothing is read until ``rows`` or ``count`` is called."""

    def ballots(scope: ExportScope) -> Iterator[list[Any]]:
        return ballot_rows(consultation, scope)

    def results(scope: ExportScope) -> list[list[Any]]:
        return result_rows(consultation, scope)

    round_columns = (("round_id", _l("Round number"), "", INTEGER),
                     ("round", _l("Validation round")),
                     ("item_position", _l("Item number"),
                      _l("The item's place in the round."), INTEGER),
                     ("item", _l("Agenda item"), _l("Its title as it was voted on.")))
    return [
        ExportDataset(
            key="validation_ballots", label=_l("Validation: verdicts per person"),
            description=_l("One row per verdict on an agenda item, the latest of each "
                           "person; the person only as a pseudonym that differs in the "
                           "next export."),
            columns=_columns(
                ("person", _l("Person"), _l("A pseudonym, the same within this export."),
                 PSEUDONYM),
                ("sector", _l("Sector")), ("side", _l("Side")),
                ("channel", _l("Channel"), _l("Online, in the room or on paper.")),
                *round_columns,
                ("verdict", _l("Verdict")), ("reason", _l("Reason"))),
            rows=ballots, count=lambda scope: ballot_count(consultation, scope),
            sensitivity=PSEUDONYMOUS),
        ExportDataset(
            key="validation_results",
            label=_l("Validation: results per item, sector and side"),
            description=_l("Per closed round, item, side and sector the number of each "
                           "verdict. Groups with too few verdicts are merged into \"other "
                           "sectors\", or left out when still too small."),
            columns=_columns(
                *round_columns, ("side", _l("Side")), ("sector", _l("Sector")),
                ("ballots", _l("Verdicts"), _l("How many people gave a verdict."), INTEGER),
                ("agree", _l("Agree"), "", INTEGER),
                ("agree_changes", _l("Agree with changes"), "", INTEGER),
                ("disagree", _l("Disagree"), "", INTEGER),
                ("no_opinion", _l("No opinion"), "", INTEGER)),
            rows=results, count=counted(results), sensitivity=AGGREGATE),
    ]
