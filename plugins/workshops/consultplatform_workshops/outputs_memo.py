"""The memo's "What we do with it" (Dutch: "Wat we ermee doen"): the actions per
theme and owner, and what became of the insights, set aside ones per reason.

The memo is public (Woo): counts only, no action texts, no names.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from peewee import Case, fn

from consultplatform.api import (
    Action,
    AgendaItem,
    Consultation,
    ConsultationSession,
    Insight,
    InsightAction,
    InsightTheme,
    MemoSection,
    Theme,
    current_language,
)
from consultplatform_workshops.settings import workshop_settings
from consultplatform_workshops.workshops import FORMAT_KEY, uses_workshops

# After the Expertarena's "What entrepreneurs told us" (40), before who took part (80).
MEMO_ORDER = 50
# Actions merged into another are counted with that one; dropped ones are not done.
GONE = ("merged", "dropped")


def action_themes(action_ids: list[int]) -> dict[int, set[int]]:
    """Each action's themes: those of the insights it takes up (one query), as the
    coverage view counts them; an action without insights has none."""
    found: dict[int, set[int]] = {ident: set() for ident in action_ids}
    for action_id, theme_id in (InsightAction.select(InsightAction.action, InsightTheme.theme)
                                .join(InsightTheme,
                                      on=(InsightTheme.insight == InsightAction.insight))
                                .where(InsightAction.action.in_(action_ids or [0]))
                                .distinct().tuples()):
        found.setdefault(action_id, set()).add(theme_id)
    return found


def fates(consultation: Consultation) -> tuple[int, int, int, dict[str, int]]:
    """(insights, answered, set aside, set aside per reason code) of the consultation."""
    taken = Insight.id.in_(InsightAction.select(InsightAction.insight))
    reasons = dict(Insight.select(Insight.set_aside_reason, fn.COUNT(Insight.id))
                   .join(ConsultationSession)
                   .where((ConsultationSession.consultation == consultation.id) & ~taken
                          & (Insight.set_aside_reason != ""))
                   .group_by(Insight.set_aside_reason).tuples())
    total, answered = (Insight.select(fn.COUNT(Insight.id), fn.SUM(Case(None, [(taken, 1)], 0)))
                       .join(ConsultationSession)
                       .where(ConsultationSession.consultation == consultation.id)
                       .tuples().first()) or (0, 0)
    return int(total or 0), int(answered or 0), sum(reasons.values()), reasons


def memo_sections(consultation: Consultation) -> list[MemoSection]:
    if not uses_workshops(consultation):
        return []
    actions = list(Action.select(Action.id, Action.kind, Action.owner)
                   .where((Action.consultation == consultation.id)
                          & Action.status.not_in(GONE)).tuples())
    total, answered, aside, reasons = fates(consultation)
    if not actions and not answered and not aside:
        return []
    settings, language = workshop_settings(consultation), current_language()
    vocabulary = settings.vocabulary()
    workshops = (ConsultationSession.select()
                 .where((ConsultationSession.consultation == consultation.id)
                        & (ConsultationSession.format_key == FORMAT_KEY)
                        & (ConsultationSession.status != "cancelled")).count())
    kinds: dict[str, int] = {}
    for _id, kind, _owner in actions:
        kinds[kind] = kinds.get(kind, 0) + 1
    paragraphs = [" ".join([
        ngettext("%(num)d workshop was held with municipal and education staff.",
                 "%(num)d workshops were held with municipal and education staff.", workshops),
        ngettext("They drafted %(num)d action.", "They drafted %(num)d actions.", len(actions)),
    ])]
    if kinds:
        paragraphs.append(_("Per kind: %(kinds)s.", kinds="; ".join(
            f"{vocabulary.label('kind', code, language)} {count}"
            for code, count in _in_list_order(kinds, [c.code for c in vocabulary.kinds]))))
    paragraphs.append(_(
        "Of the %(total)d insights, %(answered)d are taken up by an action, %(aside)d were "
        "set aside and %(open)d are still open.", total=total, answered=answered, aside=aside,
        open=total - answered - aside))
    if reasons:
        paragraphs.append(_("Set aside, per reason: %(reasons)s.", reasons="; ".join(
            f"{settings.reason_label(code, language)} {count}"
            for code, count in _in_list_order(reasons, [c.code for c in settings.reasons]))))
    items = AgendaItem.select().where((AgendaItem.consultation == consultation.id)
                                      & (AgendaItem.decision != "dropped")).count()
    if items:
        paragraphs.append(ngettext("The draft agenda has %(num)d item.",
                                   "The draft agenda has %(num)d items.", items))
    return [MemoSection(key="workshops", title=_l("What we do with it"), order=MEMO_ORDER,
                        paragraphs=paragraphs, table=_table(consultation, actions, language)
                        if actions else None)]


def _in_list_order(counts: dict[str, int], order: list[str]) -> list[tuple[str, int]]:
    """The counts in the settings' order; codes no longer listed at the end."""
    known = [(code, counts[code]) for code in order if code in counts]
    return known + sorted((code, n) for code, n in counts.items() if code not in order)


def _table(consultation: Consultation, actions: list[tuple], language: str) -> list[list]:
    """Theme x owner: how many actions (an action counts under every theme of the
    insights it takes up; the last row counts each action once)."""
    vocabulary = workshop_settings(consultation).vocabulary()
    owners = [code for code, _n in _in_list_order(
        {owner: 1 for _id, _kind, owner in actions}, [c.code for c in vocabulary.owners])]
    themes = action_themes([row[0] for row in actions])
    names = list(Theme.select(Theme.id, Theme.name)
                 .where(Theme.consultation == consultation.id)
                 .order_by(Theme.position, Theme.name).tuples())
    cells: dict[tuple[int, str], int] = {}
    for action_id, _kind, owner in actions:
        for theme_id in themes.get(action_id) or {0}:
            cells[(theme_id, owner)] = cells.get((theme_id, owner), 0) + 1
    header = [_("Theme"), *(vocabulary.label("owner", code, language) for code in owners),
              _("Total")]
    table: list[list] = [header]
    for theme_id, name in [*names, (0, _("Without a theme"))]:
        row = [cells.get((theme_id, owner), 0) for owner in owners]
        if any(row):
            table.append([name, *row, sum(row)])
    per_owner = [sum(1 for _id, _kind, owner in actions if owner == code) for code in owners]
    table.append([_("Actions (each once)"), *per_owner, len(actions)])
    return table
