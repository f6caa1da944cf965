"""The workshops' export datasets: the actions with their insight links, the draft
agenda's provenance as rows, coverage per theme x sector, and the dots per action.

No names: actions and agenda items are staff's working texts about what will be
done, links carry no author, dots are counted (never who put them). The two row
datasets read page by page (a page of actions, then their links), so memory stays
at one page whatever the number of insights.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from peewee import JOIN, fn

from consultplatform.api import (
    AGGREGATE,
    DATETIME,
    INTEGER,
    PSEUDONYMOUS,
    Action,
    AgendaItem,
    AgendaItemAction,
    Consultation,
    ConsultationSession,
    DatasetColumn,
    ExportDataset,
    ExportScope,
    Insight,
    InsightAction,
    Sector,
    Theme,
    choices,
    counted,
    current_language,
    keyset_pages,
)
from consultplatform_workshops import coverage
from consultplatform_workshops.models import WorkshopsDot
from consultplatform_workshops.settings import workshop_settings

PAGE_SIZE = 500  # actions per query of an export (their links follow in one more)


def _labels(pairs: tuple) -> dict[str, str]:
    return {value: str(text) for value, text in pairs}


# --- actions with their links -----------------------------------------------------------


def _action_query(consultation: Consultation):
    return (Action.select(Action.id, Action.title, Action.kind, Action.owner,
                          Action.department, Action.horizon, Action.status, Action.merged_into)
            .where(Action.consultation == consultation.id).tuples())


def action_rows(consultation: Consultation, scope: ExportScope) -> Iterator[list[Any]]:
    """One row per action x insight link (an action without links: one row, its
    insight empty), in action order: one query per page of actions, one for their
    links. Codes are labelled once, in the language of the person exporting."""
    vocabulary, language = workshop_settings(consultation).vocabulary(), current_language()
    kinds = {c.code: c.label(language) for c in vocabulary.kinds}
    owners = {c.code: c.label(language) for c in vocabulary.owners}
    horizons = {c.code: c.label(language) for c in vocabulary.horizons}
    statuses, link_kinds = _labels(choices.ACTION_STATUSES), _labels(choices.LINK_KINDS)
    for page in keyset_pages(_action_query(consultation), Action.id, PAGE_SIZE):
        links: dict[int, list[tuple]] = {}
        for action_id, insight_id, kind, made_at in (
                InsightAction.select(InsightAction.action, InsightAction.insight,
                                     InsightAction.kind, InsightAction.created_at)
                .where(InsightAction.action.in_([row[0] for row in page]))
                .order_by(InsightAction.action, InsightAction.id).tuples()):
            links.setdefault(action_id, []).append((insight_id, kind, made_at))
        for action_id, title, kind, owner, department, horizon, status, merged in page:
            head = [action_id, title, kinds.get(kind, kind), owners.get(owner, owner),
                    department, horizons.get(horizon, horizon), statuses.get(status, status),
                    merged]
            for insight_id, link_kind, made_at in links.get(action_id) or [(None, "", None)]:
                yield [*head, insight_id, link_kinds.get(link_kind, link_kind), made_at]


def action_count(consultation: Consultation, scope: ExportScope) -> int:
    """Links, plus one for each action without a link (two statements)."""
    ids = Action.select(Action.id).where(Action.consultation == consultation.id)
    links = InsightAction.select().where(InsightAction.action.in_(ids)).count()
    bare = (Action.select().where((Action.consultation == consultation.id)
                                  & Action.id.not_in(InsightAction.select(InsightAction.action)))
            .count())
    return links + bare


# --- the draft agenda's provenance ------------------------------------------------------


def _item_actions(consultation: Consultation) -> list[tuple]:
    """(item id, item title, theme, action id, action title) in agenda order. Agenda
    items and their actions are dozens to hundreds: read at once."""
    return list(AgendaItemAction
                .select(AgendaItem.id, AgendaItem.title, fn.COALESCE(Theme.name, ""),
                        Action.id, Action.title)
                .join(AgendaItem).join(Theme, JOIN.LEFT_OUTER)
                .join_from(AgendaItemAction, Action)
                .where(AgendaItem.consultation == consultation.id)
                .order_by(AgendaItem.position, AgendaItem.id, AgendaItemAction.position,
                          AgendaItemAction.id).tuples())


def provenance_rows(consultation: Consultation, scope: ExportScope) -> Iterator[list[Any]]:
    """agenda item / action / insight / session / sector: one row per link of an
    action on the agenda (an action without links: one row, its insight empty).
    The links are read for a few hundred actions at a time."""
    pairs = _item_actions(consultation)
    for first in range(0, len(pairs), PAGE_SIZE):
        chunk = pairs[first:first + PAGE_SIZE]
        links: dict[int, list[tuple]] = {}
        for action_id, *insight in (
                InsightAction.select(InsightAction.action, Insight.id, ConsultationSession.id,
                                     ConsultationSession.title, fn.COALESCE(Sector.name, ""))
                .join(Insight).join(ConsultationSession)
                .join_from(Insight, Sector, JOIN.LEFT_OUTER)
                .where(InsightAction.action.in_(sorted({row[3] for row in chunk})))
                .order_by(InsightAction.action, Insight.id).tuples()):
            links.setdefault(action_id, []).append(tuple(insight))
        for item_id, item_title, theme, action_id, action_title in chunk:
            for insight in links.get(action_id) or [(None, None, "", "")]:
                yield [item_id, item_title, theme, action_id, action_title, *insight]


def provenance_count(consultation: Consultation, scope: ExportScope) -> int:
    """Like the rows: a link per agenda action, or one row for a bare action."""
    on_agenda = (AgendaItemAction.select(AgendaItemAction.action, fn.COUNT(InsightAction.id)
                                         .alias("links"))
                 .join(AgendaItem)
                 .join_from(AgendaItemAction, InsightAction, JOIN.LEFT_OUTER,
                            on=(InsightAction.action == AgendaItemAction.action))
                 .where(AgendaItem.consultation == consultation.id)
                 .group_by(AgendaItemAction.id, AgendaItemAction.action).tuples())
    return sum(max(links, 1) for _action, links in on_agenda)


# --- coverage per theme x sector --------------------------------------------------------


def coverage_rows(consultation: Consultation, scope: ExportScope) -> list[list[Any]]:
    """(theme, sector, answered, set aside, open) per theme x sector: the coverage
    view's own figures (consultplatform_workshops.coverage), so page and file agree."""
    return [[row.theme, row.sector, row.answered, row.set_aside, row.open]
            for row in coverage.coverage_rows(consultation.id)]


# --- dots per action --------------------------------------------------------------------


def dot_rows(consultation: Consultation, scope: ExportScope) -> list[list[Any]]:
    """Per workshop and action: its dots and how many people put them (no voters)."""
    return [list(row) for row in (
        WorkshopsDot.select(ConsultationSession.id, ConsultationSession.title, Action.id,
                            Action.title, fn.SUM(WorkshopsDot.dots),
                            fn.COUNT(fn.DISTINCT(WorkshopsDot.voter)))
        .join(ConsultationSession).join_from(WorkshopsDot, Action)
        .where(ConsultationSession.consultation == consultation.id)
        .group_by(ConsultationSession.id, ConsultationSession.title, Action.id, Action.title)
        .order_by(ConsultationSession.id, fn.SUM(WorkshopsDot.dots).desc(), Action.id)
        .tuples())]


def _columns(*specs: tuple) -> Sequence[DatasetColumn]:
    return [DatasetColumn(*spec) for spec in specs]


def datasets(consultation: Consultation) -> list[ExportDataset]:
    """Declared cheaply: nothing is read until ``rows`` or ``count`` is called."""

    def actions(scope: ExportScope) -> Iterator[list[Any]]:
        return action_rows(consultation, scope)

    def provenance(scope: ExportScope) -> Iterator[list[Any]]:
        return provenance_rows(consultation, scope)

    def coverage(scope: ExportScope) -> list[list[Any]]:
        return coverage_rows(consultation, scope)

    def dots(scope: ExportScope) -> list[list[Any]]:
        return dot_rows(consultation, scope)

    action_id = ("action_id", _l("Action number"), "", INTEGER)
    return [
        ExportDataset(
            key="workshops_actions", label=_l("Workshops: actions and the insights they take up"),
            description=_l("One row per link between an action and an insight (an action "
                           "without links has one row), with the link's kind and time."),
            columns=_columns(
                action_id, ("title", _l("Action")),
                ("kind", _l("Kind"), _l("Action, proposal or governance change.")),
                ("owner", _l("Owner"), _l("Who carries the action out.")),
                ("department", _l("Department")), ("horizon", _l("Horizon")),
                ("status", _l("Status")),
                ("merged_into", _l("Merged into"), _l("The number of the action this one "
                                                      "was merged into."), INTEGER),
                ("insight_id", _l("Insight number"), "", INTEGER),
                ("link_kind", _l("Kind of link"), _l("Answers, or came with a merge or a split.")),
                ("linked_at", _l("Linked"), "", DATETIME)),
            rows=actions, count=lambda scope: action_count(consultation, scope),
            sensitivity=PSEUDONYMOUS),
        ExportDataset(
            key="workshops_provenance", label=_l("Workshops: provenance of the draft agenda"),
            description=_l("Per agenda item its actions, the insights they take up, and the "
                           "session and sector each insight came from."),
            columns=_columns(
                ("agenda_item_id", _l("Agenda item number"), "", INTEGER),
                ("agenda_item", _l("Agenda item")), ("theme", _l("Theme")),
                action_id, ("action", _l("Action")),
                ("insight_id", _l("Insight number"), "", INTEGER),
                ("session_id", _l("Session number"), "", INTEGER),
                ("session", _l("Session")), ("sector", _l("Sector"))),
            rows=provenance, count=lambda scope: provenance_count(consultation, scope),
            sensitivity=PSEUDONYMOUS),
        ExportDataset(
            key="workshops_coverage", label=_l("Workshops: coverage per theme and sector"),
            description=_l("Per theme and sector: how many insights an action answers, how "
                           "many were set aside and how many are still open."),
            columns=_columns(
                ("theme", _l("Theme")), ("sector", _l("Sector")),
                ("answered", _l("Answered"), _l("Insights at least one action takes up."),
                 INTEGER),
                ("set_aside", _l("Set aside"), _l("Insights set aside with a reason."),
                 INTEGER),
                ("open", _l("Still open"), "", INTEGER)),
            rows=coverage, count=counted(coverage), sensitivity=AGGREGATE),
        ExportDataset(
            key="workshops_dots", label=_l("Workshops: dot votes per action"),
            description=_l("Per workshop and action: the dots it received and from how many "
                           "people (never who)."),
            columns=_columns(
                ("session_id", _l("Workshop number"), "", INTEGER),
                ("workshop", _l("Workshop")), action_id, ("action", _l("Action")),
                ("dots", _l("Dots"), "", INTEGER),
                ("voters", _l("Voters"), _l("How many people put dots on it."), INTEGER)),
            rows=dots, count=counted(dots), sensitivity=AGGREGATE),
    ]
