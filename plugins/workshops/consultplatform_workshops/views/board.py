"""The workshop board: the facilitator's and the participants' working page, made
for a room with a projector and laptops. The insights in scope stand in columns
per theme; the board's actions are listed beside them with everything that can
be done to them, each a plain POST form (the board works without JavaScript).
With JavaScript the page polls ``/<id>/state`` (a revision with an ETag) and
swaps the board in place when someone else changed it.

The POST routes live in :mod:`.board_posts`; what they share in :mod:`.board_common`.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, jsonify, request, url_for
from flask_admin import expose
from flask_babel import gettext as _

from consultplatform.api import ConsultationSession, SecureView, current_language, parse_id
from consultplatform_workshops.board import PER_COLUMN, board_revision, load_board
from consultplatform_workshops.settings import WorkshopSettings, workshop_settings
from consultplatform_workshops.views.board_common import (
    FilterChoices,
    Kept,
    board_session,
    filter_args,
    filter_choices,
    parse_filters,
)
from consultplatform_workshops.views.board_posts import BoardPostRoutes

# Parts a split form offers (the core allows more; three cover the room's use).
SPLIT_PARTS = 3


class BoardView(BoardPostRoutes, SecureView):
    @expose("/")
    def index(self):
        """The board is always one workshop's: the list of workshops is elsewhere."""
        abort(404, description=_("Choose a workshop in the list of workshops to open its "
                                 "board."))

    @expose("/<id:session_id>/")
    def board(self, session_id: int):
        session = board_session(session_id)
        return self.board_page(session)

    @expose("/<id:session_id>/region")
    def region(self, session_id: int):
        """The changing part of the board alone, for the script's swap: no page around
        it, so it takes no flashed message meant for the next page."""
        session = board_session(session_id)
        return self.render("workshops/board_region.html", **self._context(session, Kept()))

    @expose("/<id:session_id>/state")
    def state(self, session_id: int):
        """The board's revision for the poll: 304 when the browser has it already."""
        session = board_session(session_id)
        revision = board_revision(session.id)
        tag = f"board-{session.id}-{revision}"
        fresh = request.if_none_match.contains(tag)
        response = Response(status=304) if fresh else jsonify(revision=revision)
        response.set_etag(tag)
        response.headers["Cache-Control"] = "no-cache"
        return response

    def board_page(self, session: ConsultationSession, *, status: int = 200,
                   kept: Kept | None = None):
        """The board, or the board with a refused form sent back (``status`` 4xx)."""
        return self.render("workshops/board.html", **self._context(session, kept)), status

    def _context(self, session: ConsultationSession, kept: Kept | None) -> dict[str, Any]:
        choices = filter_choices(session)
        filters = parse_filters(request.args, choices)
        revision = board_revision(session.id)  # before the read: a change in between shows
        board = load_board(session, filters, _voter_id())
        settings = workshop_settings(session.consultation)
        language = current_language()
        args = filter_args(filters)
        kept = kept or Kept()
        if kept.form == "selection":
            selected = {i for i in map(parse_id, kept.values.getlist("insight")) if i}
        else:
            selected = set()
        first_column: dict[int, int] = {}
        for column in board.columns:
            for card in column.cards:
                first_column.setdefault(card.id, column.theme_id)
        return dict(
            session=session, board=board, workshop=board.workshop,
            revision=revision, filters=filters, args=args, choices=choices,
            settings=settings, vocabulary=settings.vocabulary(), lang=language,
            closed=session.status != "planned", kept=kept, selected=selected,
            per_column=PER_COLUMN, split_parts=SPLIT_PARTS, texts=board.texts,
            options=_options(choices, settings, language), first_column=first_column,
            action_options=[(str(e.action.id), e.action.title) for e in board.actions],
            link_target=str(parse_id(request.args.get("link", "")) or ""),
            state_labels=state_labels(), link_labels=link_labels(),
            without_expand={k: v for k, v in args.items() if k != "expand"},
            category_label=_labeller(choices.categories, language),
            actor_label=_labeller(choices.actors, language),
            reason_label=lambda code: settings.reason_label(code, language),
            region_url=url_for(".region", session_id=session.id, **args),
            state_url=url_for(".state", session_id=session.id))


def _voter_id() -> int | None:
    from flask_login import current_user

    return current_user.id if current_user.is_authenticated else None


def state_labels() -> dict[str, str]:
    return {"open": _("Open"), "answered": _("Answered"), "set_aside": _("Set aside")}


def link_labels() -> dict[str, str]:
    return {"answers": _("answers it"), "merges": _("came with a merge"),
            "splits": _("shared in a split")}


def _options(choices: FilterChoices, settings: WorkshopSettings,
             language: str) -> dict[str, list[tuple[str, str]]]:
    """The (value, label) pairs of every select on the board, in the page's language."""
    def pairs(found: list) -> list[tuple[str, str]]:
        return [(choice.code, choice.label(language)) for choice in found]

    return {"sector": [(str(s.id), s.name) for s in choices.sectors],
            "category": pairs(choices.categories), "actor": pairs(choices.actors),
            "state": list(state_labels().items()), "kind": pairs(settings.kinds),
            "owner": pairs(settings.owners), "horizon": pairs(settings.horizons),
            "reason": pairs(settings.reasons)}


def _labeller(choices: list, language: str):
    labels = {choice.code: choice.label(language) for choice in choices}
    return lambda code: labels.get(code, code)

