"""The memo's "Toetsing van de agenda" (English: "Validation of the draft agenda"),
about the consultation's last closed round: who could vote, the turnout per sector
and side (the table), the result per item with its consensus or divergence, and what
changed as a result (the core's decisions recorded after the round closed, with
their reasons).

The memo is public (Woo): counts only. Everything comes from the results frozen when
the round closed (``results.compute``), so the memo says what the results page and
the results dataset say: the same groups (small ones merged so nobody's verdict can be
told apart), the same agreement, consensus and divergence.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import fn

from consultplatform.api import (
    DATETIME,
    Consultation,
    MemoSection,
    choices,
    in_amsterdam,
)
from consultplatform_validation.decisions import decided_after
from consultplatform_validation.labels import sector_name, side_name
from consultplatform_validation.models import (
    ALL_SIDES,
    ValidationBallot,
    ValidationItem,
    ValidationRound,
)
from consultplatform_validation.settings import validation_settings

# After the workshops' "What we do with it" (50), before who took part (80).
MEMO_ORDER = 60


@dataclass
class ItemResult:
    """One item's result as the round's frozen results hold it."""

    item_id: int
    agenda_item_id: int | None
    position: int
    title: str
    ballots: int = 0
    opinions: int = 0
    agreement: float | None = None
    consensus: bool = False
    divergent: bool = False


def item_results(round_: ValidationRound) -> list[ItemResult]:
    """Per item of the round (in its order), from the results frozen when it closed
    (``results.compute``): the same counts and flags as the results page."""
    return [ItemResult(item_id=item["id"], agenda_item_id=item["agenda_item_id"],
                       position=item["position"], title=item["title"],
                       ballots=item["overall"]["total"], opinions=item["overall"]["opinions"],
                       agreement=item["overall"]["agreement"], consensus=item["consensus"],
                       divergent=item["divergent"])
            for item in (round_.results or {}).get("items", [])]


def last_closed_round(consultation: Consultation) -> ValidationRound | None:
    return (ValidationRound.select()
            .where((ValidationRound.consultation == consultation.id)
                   & (ValidationRound.status == "closed"))
            .order_by(ValidationRound.closed_at.desc(), ValidationRound.id.desc()).first())


def decisions_after(round_: ValidationRound) -> dict[int, tuple[str, str, str]]:
    """{agenda item id: (decision, reason, its title now)}: the latest decision on each
    of the round's items since it closed (``decisions.decided_after``)."""
    return {item: (row.decision, row.reason, row.item.title)
            for item, row in decided_after(round_).items()}


def _turnout_table(round_: ValidationRound) -> list[list]:
    """Per shown group (side x sector, small groups merged as on the results page):
    invited, voted (at least one verdict), turnout; then the total."""
    turnout = (round_.results or {}).get("turnout") or {"groups": [], "invited": 0, "voted": 0}
    table: list[list] = [[_("Side"), _("Sector"), _("Invited"), _("Voted"), _("Turnout")]]
    for group in turnout["groups"]:
        side = side_name(group)
        table.append([side[:1].upper() + side[1:], sector_name(group), group["invited"],
                      group["voted"],
                      _percent(group["voted"], group["invited"])])
    table.append([_("Total"), "", turnout["invited"], turnout["voted"],
                  _percent(turnout["voted"], turnout["invited"])])
    return table


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "–"


def memo_sections(consultation: Consultation) -> list[MemoSection]:
    round_ = last_closed_round(consultation)
    if round_ is None:
        return []
    settings = validation_settings(consultation)
    results = item_results(round_)
    table = _turnout_table(round_)
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
        "Agreement counts “agree” and “agree with changes” among the verdicts with an "
        "opinion. Consensus: at least %(share)d%% agree in every group of entrepreneurs "
        "shown; divergent: one group agrees that much while another mostly disagrees. Groups "
        "of fewer than %(num)d people are merged into “other sectors”, so that nobody's "
        "verdict can be told apart.",
        share=round(settings.consensus_share * 100), num=settings.min_group))
    return [MemoSection(key="validation", title=_l("Validation of the draft agenda"),
                        order=MEMO_ORDER, paragraphs=paragraphs, table=table)]


def _result_line(result: ItemResult) -> str:
    if not result.opinions:
        return _("%(position)d. %(title)s: no verdicts with an opinion.",
                 position=result.position, title=result.title)
    values = {"position": result.position, "title": result.title, "num": result.opinions,
              "percent": f"{round(100 * (result.agreement or 0))}%"}
    if result.consensus:
        return _("%(position)d. %(title)s: %(percent)s agree (of %(num)d verdicts with an "
                 "opinion); consensus.", **values)
    if result.divergent:
        return _("%(position)d. %(title)s: %(percent)s agree (of %(num)d verdicts with an "
                 "opinion); divergent: the sectors disagree.", **values)
    return _("%(position)d. %(title)s: %(percent)s agree (of %(num)d verdicts with an "
             "opinion); no consensus.", **values)


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
