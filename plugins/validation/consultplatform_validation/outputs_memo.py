"""The memo's "Toetsing van de agenda" (English: "Validation of the draft agenda"),
about the consultation's last closed round: who could vote, the turnout per sector
and side (the table), the result per item with its consensus or divergence, and what
changed as a result (the core's decisions recorded after the round closed, with
their reasons).

The memo is public (Woo): counts only. Sector x side groups under the settings'
smallest group are merged per side into "other sectors", and left out when still too
small (as in the results dataset). The flags are computed here from the ballots with
grouped queries, so the memo does not depend on the form of the frozen results.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import JOIN, Case, fn

from consultplatform.api import (
    DATETIME,
    AgendaDecision,
    AgendaItem,
    Consultation,
    MemoSection,
    Sector,
    choices,
    in_amsterdam,
)
from consultplatform_validation.models import (
    ALL_SIDES,
    ValidationBallot,
    ValidationItem,
    ValidationRound,
    ValidationVoter,
)
from consultplatform_validation.outputs_datasets import OTHER_SECTORS, grouped_counts, suppressed
from consultplatform_validation.settings import validation_settings

# After the workshops' "What we do with it" (50), before who took part (80).
MEMO_ORDER = 60
AGREEING = ("agree", "agree_changes")
# The core's decisions that settle an item ("proposed" is where every item starts).
DECIDED = ("adopted", "amended", "dropped")


@dataclass
class ItemResult:
    """One item's verdicts overall and per shown sector x side group, and its flags."""

    item_id: int
    agenda_item_id: int | None
    position: int
    title: str
    total: Counter = field(default_factory=Counter)
    groups: dict[tuple[str, int | None], Counter] = field(default_factory=dict)
    consensus: bool = False
    divergent: bool = False

    @property
    def ballots(self) -> int:
        return sum(self.total.values())

    @property
    def agreement(self) -> float:
        return share(self.total, AGREEING)


def share(votes: Counter, codes: tuple[str, ...]) -> float:
    """The share of the verdicts (all of them, "no opinion" included) in ``codes``."""
    total = sum(votes.values())
    return sum(votes.get(code, 0) for code in codes) / total if total else 0.0


def item_results(round_: ValidationRound) -> list[ItemResult]:
    """Per item of the round (in its order): the verdicts, the groups that may be
    shown, and the flags. Consensus: at least the settings' consensus share agrees
    (with or without changes) overall and in every group shown. Divergent: in one
    shown group most agree, in another most disagree. Two queries."""
    settings = validation_settings(round_.consultation)
    counts = grouped_counts([round_.id])
    results = [ItemResult(item_id, agenda_item_id, position, title)
               for item_id, agenda_item_id, position, title in (
                   ValidationItem.select(ValidationItem.id, ValidationItem.agenda_item,
                                         ValidationItem.position, ValidationItem.title)
                   .where(ValidationItem.round == round_.id)
                   .order_by(ValidationItem.position).tuples())]
    by_id = {result.item_id: result for result in results}
    raw: dict[tuple[int, str], dict[int | None, Counter]] = {}
    for (item_id, side, sector_id), votes in counts.items():
        raw.setdefault((item_id, side), {})[sector_id] = votes
        by_id[item_id].total.update(votes)
    for result in results:
        for side in ALL_SIDES:
            for sector_id, votes in suppressed(raw.get((result.item_id, side), {}),
                                               settings.min_group).items():
                result.groups[(side, sector_id)] = votes
        shown = list(result.groups.values()) or ([result.total] if result.ballots else [])
        result.consensus = bool(shown) and all(
            share(votes, AGREEING) >= settings.consensus_share
            for votes in [result.total, *shown])
        result.divergent = (any(share(votes, AGREEING) > 0.5 for votes in shown)
                            and any(share(votes, ("disagree",)) > 0.5 for votes in shown))
    return results


def last_closed_round(consultation: Consultation) -> ValidationRound | None:
    return (ValidationRound.select()
            .where((ValidationRound.consultation == consultation.id)
                   & (ValidationRound.status == "closed"))
            .order_by(ValidationRound.closed_at.desc(), ValidationRound.id.desc()).first())


def decisions_after(round_: ValidationRound) -> dict[int, tuple[str, str, str]]:
    """{agenda item id: (decision, reason, its title now)}: the latest decision on each
    of the round's items recorded after the round closed, when it is one of
    ``DECIDED`` (an item put back to "proposed" is undecided again). "Latest" is the
    last recorded (decisions are only added), not the latest time: a time may have
    been set by hand (the demo's). One query."""
    found: dict[int, tuple[str, str, str]] = {}
    for item_id, decision, reason, title in (
            AgendaDecision.select(AgendaDecision.item, AgendaDecision.decision,
                                  AgendaDecision.reason, AgendaItem.title)
            .join(AgendaItem)
            .where(AgendaDecision.item.in_(
                ValidationItem.select(ValidationItem.agenda_item)
                .where(ValidationItem.round == round_.id))
                & (AgendaDecision.decided_at >= round_.closed_at))
            .order_by(AgendaDecision.id).tuples()):
        found[item_id] = (decision, reason, title)
    return {item: row for item, row in found.items() if row[0] in DECIDED}


def _turnout_table(round_: ValidationRound, min_group: int) -> list[list]:
    """Side x sector: invited, voted (at least one verdict), turnout; small groups
    merged per side into "other sectors", left out when still too small."""
    voted = ValidationVoter.id.in_(ValidationBallot.select(ValidationBallot.voter).join(
        ValidationItem).where(ValidationItem.round == round_.id))
    rows = (ValidationVoter.select(ValidationVoter.side, ValidationVoter.sector,
                                   fn.COALESCE(Sector.name, ""), fn.COUNT(ValidationVoter.id),
                                   fn.SUM(Case(None, [(voted, 1)], 0)))
            .join(Sector, JOIN.LEFT_OUTER, on=(ValidationVoter.sector == Sector.id))
            .where(ValidationVoter.round == round_.id)
            .group_by(ValidationVoter.side, ValidationVoter.sector, Sector.name).tuples())
    groups: dict[str, dict[int | None, Counter]] = {}
    names: dict[int | None, str] = {None: _("No sector"), OTHER_SECTORS: _("Other sectors")}
    for side, sector_id, name, invited, came in rows:
        groups.setdefault(side, {})[sector_id] = Counter(invited=invited, voted=int(came or 0))
        if sector_id is not None:
            names[sector_id] = name
    table: list[list] = [[_("Side"), _("Sector"), _("Invited"), _("Voted"), _("Turnout")]]
    total: Counter = Counter()
    for side in ALL_SIDES:
        found = groups.get(side, {})
        for votes in found.values():
            total.update(votes)
        shown = _merged(found, min_group)
        for sector_id in sorted(shown, key=lambda s: (s == OTHER_SECTORS, s is None, names[s])):
            counts = shown[sector_id]
            table.append([choices.label(choices.SIDES, side), names[sector_id],
                          counts["invited"], counts["voted"],
                          _percent(counts["voted"], counts["invited"])])
    table.append([_("Total"), "", total["invited"], total["voted"],
                  _percent(total["voted"], total["invited"])])
    return table


def _merged(groups: dict[int | None, Counter], min_group: int) -> dict[int | None, Counter]:
    """Like ``suppressed``, by the number invited."""
    shown = {key: c for key, c in groups.items() if c["invited"] >= min_group}
    merged: Counter = Counter()
    for key, counts in groups.items():
        if key not in shown:
            merged.update(counts)
    if merged["invited"] >= min_group:
        shown[OTHER_SECTORS] = merged
    return shown


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "–"


def memo_sections(consultation: Consultation) -> list[MemoSection]:
    round_ = last_closed_round(consultation)
    if round_ is None:
        return []
    settings = validation_settings(consultation)
    results = item_results(round_)
    table = _turnout_table(round_, settings.min_group)
    invited, voted = table[-1][2], table[-1][3]
    channels = dict(ValidationBallot.select(ValidationBallot.channel,
                                            fn.COUNT(ValidationBallot.id))
                    .join(ValidationItem).where(ValidationItem.round == round_.id)
                    .group_by(ValidationBallot.channel).tuples())
    sides = (_("all sides") if set(round_.sides) >= set(ALL_SIDES) else ", ".join(
        str(choices.label(choices.SIDES, side)).lower() for side in round_.sides))
    closed = format_date(in_amsterdam(round_.closed_at, DATETIME).date(), "long")
    paragraphs = [" ".join([
        ngettext("The draft agenda of %(num)d item was put to the people who took part in "
                 "the consultation (%(sides)s), online with a personal link and in the "
                 "meeting.",
                 "The draft agenda of %(num)d items was put to the people who took part in "
                 "the consultation (%(sides)s), online with a personal link and in the "
                 "meeting.", len(results), sides=sides),
        ngettext("%(num)d person was invited; %(voted)d of them (%(percent)s) gave a verdict "
                 "on at least one item.",
                 "%(num)d people were invited; %(voted)d of them (%(percent)s) gave a verdict "
                 "on at least one item.", invited, voted=voted,
                 percent=_percent(voted, invited)),
        _("The round closed on %(date)s.", date=closed),
    ])]
    paragraphs.append(_("%(total)d verdicts in all: %(online)d online, %(room)d in the room, "
                        "%(paper)d on paper.", total=sum(channels.values()),
                        online=channels.get("online", 0), room=channels.get("room", 0),
                        paper=channels.get("paper", 0)))
    for result in results:
        paragraphs.append(_result_line(result))
    paragraphs.extend(_changes(round_, results))
    paragraphs.append(_(
        "Agreement counts “agree” and “agree with changes” among all verdicts. Consensus: at "
        "least %(share)d%% agree overall and in every sector and side shown; divergent: most "
        "agree in one group and most disagree in another. Groups of fewer than %(num)d people "
        "are merged per side into “other sectors”, and left out when still too small, so "
        "that nobody's verdict can be told apart.",
        share=round(settings.consensus_share * 100), num=settings.min_group))
    return [MemoSection(key="validation", title=_l("Validation of the draft agenda"),
                        order=MEMO_ORDER, paragraphs=paragraphs, table=table)]


def _result_line(result: ItemResult) -> str:
    if not result.ballots:
        return _("%(position)d. %(title)s: no verdicts.", position=result.position,
                 title=result.title)
    values = {"position": result.position, "title": result.title, "num": result.ballots,
              "percent": _percent(result.total["agree"] + result.total["agree_changes"],
                                  result.ballots)}
    if result.consensus:
        return _("%(position)d. %(title)s: %(percent)s agree (of %(num)d verdicts); "
                 "consensus.", **values)
    if result.divergent:
        return _("%(position)d. %(title)s: %(percent)s agree (of %(num)d verdicts); "
                 "divergent: the sectors disagree.", **values)
    return _("%(position)d. %(title)s: %(percent)s agree (of %(num)d verdicts); no "
             "consensus.", **values)


def _changes(round_: ValidationRound, results: list[ItemResult]) -> list[str]:
    """What was decided after the round: the counts, then each amended or dropped item
    with its reason."""
    decided = decisions_after(round_)
    on_items = [(result, decided[result.agenda_item_id]) for result in results
                if result.agenda_item_id in decided]
    if not on_items:
        return [_("No decisions on the items have been recorded since the round closed.")]
    kinds = Counter(decision for _result, (decision, _reason, _title) in on_items)
    lines = [_("Decided after the round: %(adopted)d adopted, %(amended)d amended, "
               "%(dropped)d dropped; %(open)d without a decision yet.",
               adopted=kinds["adopted"], amended=kinds["amended"], dropped=kinds["dropped"],
               open=len(results) - len(on_items))]
    for result, (decision, reason, title) in on_items:
        if decision == "amended":
            now = _(" (now: %(title)s)", title=title) if title != result.title else ""
            lines.append(_("Amended: %(title)s%(now)s. %(reason)s", title=result.title,
                           now=now, reason=reason))
        elif decision == "dropped":
            lines.append(_("Dropped: %(title)s. %(reason)s", title=result.title, reason=reason))
    return lines
