"""The results of a round (issue 15, point 4): per item the counts and shares
overall and per sector x side, small groups merged or hidden, the consensus and
divergence flags, the reasons, suggested wordings and comments grouped per item
and verdict (anonymous), the open answers, the priorities ranked, and the turnout.
``compute`` returns plain JSON values: closing a round stores them
(``ValidationRound.results``), the pages, the exports and the memo read them there.

Groups. A voter's side is "entrepreneur" or "public" (government, education and
other together); a group is a side and a sector (copied to the voter when invited,
so an erasure keeps the count). Per item a group's size is the number of verdicts
its voters gave on the item. Per side, the groups under ``min_group`` are merged
into "other sectors" (``merged``); when that is still under the minimum, the side's
smallest shown group joins it, and a side too small as a whole is merged with the
other side's smallest group (side ``mixed``), so no small group can be worked out
by subtracting the shown ones from the overall figures. Only an item with fewer
verdicts than the minimum in all has its groups hidden (``hidden``: their verdicts
count in the overall figures only). The turnout applies the same rule to the number
of voters invited.

Shares are of all verdicts given; ``agreement`` is (agree + agree with changes) of
the opinions (all verdicts but "no opinion"), ``disagreement`` disagree of them;
None without opinions. Flags: ``consensus`` when every shown entrepreneur (or
mixed) group has an agreement of at least ``consensus_share`` (and one is shown; a group with
no opinions has none); ``divergent`` when one shown group (either side) has that
agreement and another has a disagreement over one half.

The form (every share rounded to four decimals)::

    {"ballots": 12, "min_group": 3, "consensus_share": 0.7, "verdicts": [...],
     "turnout": {"invited": 20, "voted": 9, "hidden": {"invited": 2, "voted": 1},
                 "groups": [{"key", "side", "sector_id", "sector", "merged",
                             "invited", "voted"}]},
     "items": [{"id", "agenda_item_id", "agenda_version", "position", "title",
                "theme", "overall": STATS, "groups": [GROUP + STATS], "hidden": 2,
                "consensus": bool, "divergent": bool, "points": 0,
                "reasons": {verdict: [text]}, "suggestions": {...}, "comments": {...}}],
     "priorities": {"points": 10, "voters": 4,
                    "ranking": [{"item_id", "position", "title", "points", "rank"}]},
     "open_answers": {"question": "...", "answers": [text]}}

    STATS = {"counts": {verdict: n}, "total", "opinions", "shares": {verdict: share},
             "agreement", "disagreement"}

One compute is a fixed number of grouped statements, whatever the number of items,
voters and ballots.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from peewee import JOIN, Case, fn

from consultplatform.api import Consultation, Sector
from consultplatform_validation.models import (
    VERDICTS,
    ValidationBallot,
    ValidationItem,
    ValidationPriority,
    ValidationRound,
    ValidationVoter,
)
from consultplatform_validation.settings import validation_settings

SIDE_CLASSES = ("entrepreneur", "public")
MERGED = "merged"
# A merged group of both sides (a side too small on its own).
MIXED = "mixed"
GROUP_SIDES = (*SIDE_CLASSES, MIXED)
TEXT_KINDS = ("reasons", "suggestions", "comments")
# (side class, sector id or None): a group as the voters are counted.
Raw = tuple[str, int | None]


def side_class(side: str) -> str:
    return "entrepreneur" if side == "entrepreneur" else "public"


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def stats(counts: Mapping[str, int]) -> dict[str, Any]:
    """Counts, shares, agreement and disagreement of one set of verdicts."""
    counts = {verdict: int(counts.get(verdict, 0)) for verdict in VERDICTS}
    total = sum(counts.values())
    opinions = total - counts["no_opinion"]
    return {"counts": counts, "total": total, "opinions": opinions,
            "shares": {verdict: share(n, total) for verdict, n in counts.items()},
            "agreement": share(counts["agree"] + counts["agree_changes"], opinions),
            "disagreement": share(counts["disagree"], opinions)}


def agrees(group: Mapping[str, Any], consensus_share: float) -> bool:
    """At least the consensus share of the group's opinions agree (exact, in integers)."""
    counts, opinions = group["counts"], group["opinions"]
    percent = round(consensus_share * 100)
    return bool(opinions) and (counts["agree"] + counts["agree_changes"]) * 100 >= \
        percent * opinions


def mostly_disagrees(group: Mapping[str, Any]) -> bool:
    return group["counts"]["disagree"] * 2 > group["opinions"]


def flags(groups: list[dict[str, Any]], consensus_share: float) -> tuple[bool, bool]:
    """(consensus, divergent) over the shown groups."""
    entrepreneurs = [g for g in groups if g["side"] in ("entrepreneur", MIXED)]
    consensus = bool(entrepreneurs) and all(agrees(g, consensus_share) for g in entrepreneurs)
    agreeing = {g["key"] for g in groups if agrees(g, consensus_share)}
    against = {g["key"] for g in groups if mostly_disagrees(g)}
    divergent = any(a != b for a in agreeing for b in against)
    return consensus, divergent


def group_map(sizes: Mapping[Raw, int], min_group: int) -> dict[Raw, str | None]:
    """Each raw group's shown group key ("<side>:<sector id|none>", "<side>:merged",
    "mixed:merged"), or None when it is hidden.

    No group under ``min_group`` may be shown, nor be worked out by subtracting the
    shown groups from the overall figures: per side, the small groups merge into
    "other sectors"; if that is still too small, the side's smallest shown group joins
    it; a side too small as a whole joins the smallest shown group of the other side
    ("other sectors, both sides"). Only an item with fewer verdicts than the minimum
    in all has its groups hidden."""
    shown: dict[Raw, str | None] = {}
    leftover: list[Raw] = []
    for side in SIDE_CLASSES:
        members = {raw: n for raw, n in sizes.items() if raw[0] == side}
        small = [raw for raw, n in members.items() if n < min_group]
        big = sorted((raw for raw, n in members.items() if n >= min_group),
                     key=lambda raw: (members[raw], raw[1] or 0))
        merged = sum(members[raw] for raw in small)
        if small and merged < min_group and big:
            small.append(big.pop(0))
            merged = sum(members[raw] for raw in small)
        for raw in big:
            shown[raw] = f"{side}:{'none' if raw[1] is None else raw[1]}"
        if merged >= min_group:
            shown.update({raw: f"{side}:{MERGED}" for raw in small})
        else:
            leftover.extend(small)
    if leftover:
        pool, left = leftover, sum(sizes[raw] for raw in leftover)
        if left < min_group and shown:
            totals: dict[str, int] = defaultdict(int)
            for raw, key in shown.items():
                totals[str(key)] += sizes[raw]
            smallest = min(totals, key=lambda key: (totals[key], key))
            pool = leftover + [raw for raw, key in shown.items() if key == smallest]
            left = sum(sizes[raw] for raw in pool)
        shown.update({raw: f"{MIXED}:{MERGED}" if left >= min_group else None
                      for raw in pool})
    return shown


def _group_info(key: str, names: Mapping[int | None, str]) -> dict[str, Any]:
    side, _sep, rest = key.partition(":")
    sector_id = int(rest) if rest not in (MERGED, "none") else None
    return {"key": key, "side": side, "sector_id": sector_id,
            "sector": names.get(sector_id) if sector_id is not None else None,
            "merged": rest == MERGED}


def _group_order(group: Mapping[str, Any]) -> tuple:
    """Entrepreneurs first; named sectors by name, then no sector, then the merged."""
    rank = 2 if group["merged"] else (1 if group["sector_id"] is None else 0)
    return (GROUP_SIDES.index(group["side"]), rank, (group["sector"] or "").casefold(),
            group["sector_id"] or 0)


def regroup(sizes: Mapping[Raw, int], values: Mapping[Raw, Mapping[str, int]],
            names: Mapping[int | None, str], min_group: int
            ) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The shown groups with their summed ``values``, in order, and the hidden sums."""
    shown = group_map(sizes, min_group)
    summed: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    hidden: dict[str, int] = defaultdict(int)
    for raw, numbers in values.items():
        key = shown.get(raw)
        target = summed[key] if key else hidden
        for name, n in numbers.items():
            target[name] += n
    groups = [{**_group_info(key, names), "values": dict(numbers)}
              for key, numbers in summed.items()]
    groups.sort(key=_group_order)
    return groups, dict(hidden)


def _ballot_counts(round_id: int) -> list[tuple[int, str, int | None, str | None, str, int]]:
    """(item id, side, sector id, sector name, verdict, count) in one statement."""
    return list(ValidationBallot
                .select(ValidationBallot.item, ValidationVoter.side, ValidationVoter.sector,
                        Sector.name, ValidationBallot.verdict, fn.COUNT(ValidationBallot.id))
                .join(ValidationItem, on=(ValidationBallot.item == ValidationItem.id))
                .switch(ValidationBallot)
                .join(ValidationVoter, on=(ValidationBallot.voter == ValidationVoter.id))
                .join(Sector, JOIN.LEFT_OUTER, on=(ValidationVoter.sector == Sector.id))
                .where(ValidationItem.round == round_id)
                .group_by(ValidationBallot.item, ValidationVoter.side, ValidationVoter.sector,
                          Sector.name, ValidationBallot.verdict)
                .tuples())


def _texts(round_id: int) -> dict[int, dict[str, dict[str, list[str]]]]:
    """{item id: {"reasons"|"suggestions"|"comments": {verdict: [text]}}}, each list
    in alphabetical order (nothing in it tells who wrote what, or in which order)."""
    found: dict[int, dict[str, dict[str, list[str]]]] = defaultdict(
        lambda: {kind: defaultdict(list) for kind in TEXT_KINDS})
    rows = (ValidationBallot
            .select(ValidationBallot.item, ValidationBallot.verdict, ValidationBallot.reason,
                    ValidationBallot.suggestion, ValidationBallot.comment)
            .join(ValidationItem, on=(ValidationBallot.item == ValidationItem.id))
            .where((ValidationItem.round == round_id)
                   & ((ValidationBallot.reason != "") | (ValidationBallot.suggestion != "")
                      | (ValidationBallot.comment != "")))
            .tuples())
    for item_id, verdict, *texts in rows:
        for kind, text in zip(TEXT_KINDS, texts, strict=True):
            if text:
                found[item_id][kind][verdict].append(text)
    for kinds in found.values():
        for by_verdict in kinds.values():
            for texts_of in by_verdict.values():
                texts_of.sort(key=lambda text: (text.casefold(), text))
    return found


def turnout(round_: ValidationRound, min_group: int | None = None) -> dict[str, Any]:
    """Voters invited and voters with at least one ballot, per shown group (one
    statement, plus the settings when ``min_group`` is not given)."""
    if min_group is None:
        min_group = validation_settings(_consultation(round_)).min_group
    voted = (ValidationBallot.select(ValidationBallot.voter)
             .join(ValidationItem, on=(ValidationBallot.item == ValidationItem.id))
             .where(ValidationItem.round == round_.id))
    rows = (ValidationVoter
            .select(ValidationVoter.side, ValidationVoter.sector, Sector.name,
                    fn.COUNT(ValidationVoter.id),
                    fn.SUM(Case(None, [(ValidationVoter.id.in_(voted), 1)], 0)))
            .join(Sector, JOIN.LEFT_OUTER, on=(ValidationVoter.sector == Sector.id))
            .where(ValidationVoter.round == round_.id)
            .group_by(ValidationVoter.side, ValidationVoter.sector, Sector.name)
            .tuples())
    values: dict[Raw, dict[str, int]] = defaultdict(lambda: {"invited": 0, "voted": 0})
    names: dict[int | None, str] = {}
    for side, sector_id, name, invited, with_ballot in rows:
        raw = (side_class(side), sector_id)
        values[raw]["invited"] += int(invited)
        values[raw]["voted"] += int(with_ballot or 0)
        if sector_id is not None:
            names[sector_id] = name or ""
    sizes = {raw: numbers["invited"] for raw, numbers in values.items()}
    groups, hidden = regroup(sizes, values, names, min_group)
    return {"invited": sum(v["invited"] for v in values.values()),
            "voted": sum(v["voted"] for v in values.values()),
            "hidden": {"invited": hidden.get("invited", 0), "voted": hidden.get("voted", 0)},
            "groups": [{**{k: v for k, v in group.items() if k != "values"},
                        "invited": group["values"].get("invited", 0),
                        "voted": group["values"].get("voted", 0)} for group in groups]}


def _priorities(round_: ValidationRound, items: Iterable[ValidationItem]) -> dict[str, Any]:
    rows = (ValidationPriority.select(ValidationPriority.item, fn.SUM(ValidationPriority.points))
            .join(ValidationItem, on=(ValidationPriority.item == ValidationItem.id))
            .where(ValidationItem.round == round_.id)
            .group_by(ValidationPriority.item).tuples())
    points = {item_id: int(total or 0) for item_id, total in rows}
    voters = (ValidationPriority.select(fn.COUNT(fn.DISTINCT(ValidationPriority.voter)))
              .join(ValidationItem, on=(ValidationPriority.item == ValidationItem.id))
              .where((ValidationItem.round == round_.id) & (ValidationPriority.points > 0))
              .scalar()) or 0
    ranking = sorted(({"item_id": item.id, "position": item.position, "title": item.title,
                       "points": points.get(item.id, 0)} for item in items),
                     key=lambda row: (-row["points"], row["position"]))
    for n, row in enumerate(ranking):
        # Equal points, equal rank (1, 2, 2, 4).
        row["rank"] = ranking[n - 1]["rank"] if n and row["points"] == ranking[n - 1]["points"] \
            else n + 1
    return {"points": round_.priority_points, "voters": int(voters), "ranking": ranking}


def _consultation(round_: ValidationRound) -> Consultation:
    return Consultation.get_by_id(round_.consultation_id)


def compute(round_: ValidationRound) -> dict[str, Any]:
    """The round's results as they are now (see the module's docstring for the form)."""
    settings = validation_settings(_consultation(round_))
    items = list(ValidationItem.select().where(ValidationItem.round == round_.id)
                 .order_by(ValidationItem.position))
    counts: dict[int, dict[Raw, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int)))
    names: dict[int | None, str] = {}
    for item_id, side, sector_id, name, verdict, n in _ballot_counts(round_.id):
        counts[item_id][(side_class(side), sector_id)][verdict] += int(n)
        if sector_id is not None:
            names[sector_id] = name or ""
    texts = _texts(round_.id)
    priorities = _priorities(round_, items) if round_.priority_points else None
    points = {row["item_id"]: row["points"] for row in (priorities or {}).get("ranking", [])}
    results_items = []
    for item in items:
        by_group = counts.get(item.id, {})
        sizes = {raw: sum(verdicts.values()) for raw, verdicts in by_group.items()}
        groups, hidden = regroup(sizes, by_group, names, settings.min_group)
        overall: dict[str, int] = defaultdict(int)
        for verdicts in by_group.values():
            for verdict, n in verdicts.items():
                overall[verdict] += n
        shown = [{**{k: v for k, v in group.items() if k != "values"}, **stats(group["values"])}
                 for group in groups]
        consensus, divergent = flags(shown, settings.consensus_share)
        item_texts = texts.get(item.id, {})
        results_items.append({
            "id": item.id, "agenda_item_id": item.agenda_item_id,
            "agenda_version": item.agenda_version, "position": item.position,
            "title": item.title, "theme": item.theme_name, "overall": stats(overall),
            "groups": shown, "hidden": sum(hidden.values()), "consensus": consensus,
            "divergent": divergent, "points": points.get(item.id, 0),
            **{kind: {verdict: list(item_texts.get(kind, {}).get(verdict, []))
                      for verdict in VERDICTS if item_texts.get(kind, {}).get(verdict)}
               for kind in TEXT_KINDS}})
    result: dict[str, Any] = {
        "ballots": sum(item["overall"]["total"] for item in results_items),
        "min_group": settings.min_group, "consensus_share": settings.consensus_share,
        "verdicts": list(VERDICTS), "turnout": turnout(round_, settings.min_group),
        "items": results_items, "priorities": priorities, "open_answers": None}
    if round_.open_question:
        answers = [text for (text,) in ValidationVoter.select(ValidationVoter.open_answer)
                   .where((ValidationVoter.round == round_.id)
                          & (ValidationVoter.open_answer != "")).tuples()]
        answers.sort(key=lambda text: (text.casefold(), text))
        result["open_answers"] = {"question": round_.open_question, "answers": answers}
    return result
