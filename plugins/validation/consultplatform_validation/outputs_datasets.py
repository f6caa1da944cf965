"""The validation's export datasets, offered by the export page in every format.

- ``validation_ballots`` (pseudonymous): one row per ballot, the person a random
  pseudonym per export (a ``PSEUDONYM`` column: the core writes an HMAC under a key
  made for that one export, never the voter's or participant's number), with sector,
  side, channel, round, item, verdict and reason. Read page by page in ballot order.
- ``validation_results`` (aggregate): per closed round x item all verdicts, then per
  sector x side group the number of each kind, as the round's frozen results show
  them: groups too small are merged (see ``results.group_map``) so that nobody's
  verdict can be told apart (the file may be published as open data).
"""

from __future__ import annotations

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
from consultplatform_validation.labels import sector_name, side_name
from consultplatform_validation.models import (
    CHANNELS,
    VERDICTS,
    ValidationBallot,
    ValidationItem,
    ValidationRound,
    ValidationVoter,
)
from consultplatform_validation.settings import validation_settings

PAGE_SIZE = 1000  # ballots per query of an export


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


def result_rows(consultation: Consultation, scope: ExportScope) -> list[list[Any]]:
    """Per closed round x item: all verdicts, then each group the results show (the
    frozen results of ``results.compute``: small groups merged so that none can be
    told apart). One query whatever the size."""
    rows: list[list[Any]] = []
    rounds = (ValidationRound.select(ValidationRound.id, ValidationRound.title,
                                     ValidationRound.results)
              .where((ValidationRound.consultation == consultation.id)
                     & (ValidationRound.status == "closed"))
              .order_by(ValidationRound.id))
    for round_ in rounds:
        for item in (round_.results or {}).get("items", []):
            head = [round_.id, round_.title, item["position"], item["title"]]
            rows.append([*head, _("All verdicts"), "", *_verdicts(item["overall"])])
            for group in item["groups"]:
                rows.append([*head, side_name(group), sector_name(group), *_verdicts(group)])
    return rows


def _verdicts(stats: dict[str, Any]) -> list[int]:
    counts = stats.get("counts", {})
    return [int(stats.get("total", 0)), *(int(counts.get(code, 0)) for code in VERDICTS)]


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
            description=_l("Per closed round and item all verdicts, then per side and "
                           "sector the number of each verdict. Groups with too few verdicts "
                           "are merged into \"other sectors\", so nobody's verdict can be "
                           "told apart."),
            columns=_columns(
                *round_columns, ("side", _l("Side")), ("sector", _l("Sector")),
                ("ballots", _l("Verdicts"), _l("How many people gave a verdict."), INTEGER),
                ("agree", _l("Agree"), "", INTEGER),
                ("agree_changes", _l("Agree with changes"), "", INTEGER),
                ("disagree", _l("Disagree"), "", INTEGER),
                ("no_opinion", _l("No opinion"), "", INTEGER)),
            rows=results, count=counted(results), sensitivity=AGGREGATE),
    ]
