"""What every route of the board shares: the workshop behind the id (404 for whoever
may not work on it), the filters of the query string, and the way back to the
board with those filters kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from consultplatform.api import Action, ConsultationSession, Sector, insight_vocabulary, parse_id
from consultplatform_workshops.board import STATES, BoardFilters
from consultplatform_workshops.workshops import WorkshopError, may_work, workshop_session

FILTER_KEYS = ("sector", "category", "actor", "state", "expand")


def board_session(session_id: int) -> ConsultationSession:
    """The workshop, when the current user may work on it; 404 otherwise (a stranger
    does not learn that the board exists)."""
    try:
        session = workshop_session(session_id)
    except WorkshopError as missing:
        abort(404, description=str(missing))
    if not may_work(current_user, session):
        abort(404, description=_("This workshop does not exist."))
    return session


@dataclass(frozen=True)
class FilterChoices:
    sectors: list[Sector]
    categories: list  # Choice
    actors: list  # Choice


def filter_choices(session: ConsultationSession) -> FilterChoices:
    vocabulary = insight_vocabulary(session.consultation)
    sectors = list(Sector.select().where(Sector.consultation == session.consultation_id)
                   .order_by(Sector.position, Sector.name))
    return FilterChoices(sectors, vocabulary.categories, vocabulary.actors)


def parse_filters(args: MultiDict, choices: FilterChoices) -> BoardFilters:
    """The board's filters from the query string; a value that is not one of the
    options is a 400 with a message (never silently another board)."""
    wrong = _("This filter value is not one of the options shown. Choose again.")
    sector = None
    if args.get("sector"):
        sector = parse_id(args.get("sector"))
        if sector is None or all(s.id != sector for s in choices.sectors):
            abort(400, description=wrong)
    category = args.get("category", "")
    if category and all(c.code != category for c in choices.categories):
        abort(400, description=wrong)
    actor = args.get("actor", "")
    if actor and all(c.code != actor for c in choices.actors):
        abort(400, description=wrong)
    state = args.get("state", "")
    if state and state not in STATES:
        abort(400, description=wrong)
    expanded = None
    if args.get("expand"):
        expanded = parse_id(args.get("expand"))
        if expanded is None:
            abort(400, description=wrong)
    return BoardFilters(sector_id=sector, category=category, actor=actor, state=state,
                        expanded=expanded)


def filter_args(filters: BoardFilters) -> dict[str, Any]:
    """The filters as query arguments (only those set), for links and form actions."""
    values = {"sector": str(filters.sector_id or ""), "category": filters.category,
              "actor": filters.actor, "state": filters.state,
              "expand": "" if filters.expanded is None else str(filters.expanded)}
    return {key: value for key, value in values.items() if value}


def kept_args() -> dict[str, Any]:
    """The filters a posted form's address carried (only known keys, short values)."""
    return {key: request.args[key][:40] for key in FILTER_KEYS if request.args.get(key)}


def back_to_board(session_id: int, anchor: str | None = None) -> str:
    return url_for(".board", session_id=session_id, _anchor=anchor, **kept_args())


@dataclass
class Kept:
    """A refused form sent back: which form, what was typed, what was wrong, and for
    a stale save the action as the other person left it."""

    form: str = ""
    values: MultiDict = field(default_factory=MultiDict)
    errors: dict[str, str] = field(default_factory=dict)
    theirs: Action | None = None

    def value(self, form: str, name: str, default: Any = "") -> Any:
        return self.values.get(name, "") if form == self.form else default

    def values_of(self, form: str, name: str) -> list[str]:
        return self.values.getlist(name) if form == self.form else []

    def error(self, form: str, name: str) -> str:
        return self.errors.get(name, "") if form == self.form else ""
