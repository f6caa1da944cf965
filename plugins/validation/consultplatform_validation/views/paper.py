"""Paper entry (issue 15, point 3): staff pick a voter of the round (searched by
name, a page at a time) and type in the verdicts of their paper form, saved as
ballots with channel "paper" (the latest ballot of a voter counts, whatever the
channel). Mixed into the rounds' view: the pages live under its address."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _

from consultplatform.api import current_language, parse_id
from consultplatform_validation.ballots import BallotInput, ballots_of, cast_ballots, checked
from consultplatform_validation.models import (
    ValidationItem,
    ValidationRound,
    ValidationVoter,
)
from consultplatform_validation.rounds import RoundError
from consultplatform_validation.settings import validation_settings
from consultplatform_validation.views import rounds_data
from consultplatform_validation.views.rounds_forms import SIDE_LABELS, writable_round

PAGE_MAX = 10_000
PARTS = ("verdict", "reason", "comment", "suggestion")


@dataclass
class Entry:
    """One item's row on the paper form: what is (or was typed), and its errors."""

    item: ValidationItem
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)


def _search_args() -> tuple[str, int]:
    search = " ".join((request.args.get("q") or "").split())
    page = parse_id(request.args.get("page") or "1")
    if len(search) > rounds_data.SEARCH_MAX or page is None or not 1 <= page <= PAGE_MAX:
        abort(400, description=_("Search with at most %(max)d characters, on the pages shown.",
                                 max=rounds_data.SEARCH_MAX))
    return search, page


def _voter(round_: ValidationRound, voter_id: int) -> ValidationVoter:
    voter = ValidationVoter.get_or_none((ValidationVoter.id == voter_id)
                                        & (ValidationVoter.round == round_.id)
                                        & ValidationVoter.erased_at.is_null())
    if voter is None:
        abort(404, description=_("This person is not a voter in this round."))
    return voter


class PaperPages:
    """The paper pages of ``RoundsView`` (``render`` and ``deny`` are the view's)."""

    render: Any
    deny: Any

    @expose("/<id:round_id>/paper")
    def paper(self, round_id: int) -> Any:
        round_ = writable_round(self, round_id, "enter paper ballots")
        search, page = _search_args()
        voter = None
        raw = request.args.get("voter")
        if raw is not None:
            voter_id = parse_id(raw)
            if voter_id is None:
                abort(400, description=_("Choose a voter from the list."))
            voter = _voter(round_, voter_id)
        entries = None
        if voter is not None:
            given = ballots_of(voter.id)
            entries = [Entry(item=item, values={part: getattr(given[item.id], part)
                                                if item.id in given else "" for part in PARTS})
                       for item in rounds_data.round_items(round_.id)]
        return self._paper_page(round_, search, page, voter, entries)

    @expose("/<id:round_id>/paper/<id:voter_id>", methods=("POST",))
    def paper_save(self, round_id: int, voter_id: int) -> Any:
        round_ = writable_round(self, round_id, "enter paper ballots")
        voter = _voter(round_, voter_id)
        if round_.status == "closed":
            abort(409, description=_("This round is closed."))
        entries = []
        for item in rounds_data.round_items(round_.id):
            values = {part: request.form.get(f"{part}-{item.id}") or ""
                      for part in PARTS}
            entries.append(Entry(item=item, values=values))
        chosen = []
        for entry in entries:
            if not entry.values["verdict"]:
                continue
            data = BallotInput(item_id=entry.item.id, **entry.values)
            try:
                chosen.append(checked(round_.consultation, data))
            except RoundError as exc:
                entry.errors[exc.field if exc.field in PARTS else "verdict"] = str(exc)
        if any(entry.errors for entry in entries) or not chosen:
            problem = None if chosen or any(e.errors for e in entries) else _(
                "Choose a verdict for at least one item.")
            search, page = _search_args()
            return self._paper_page(round_, search, page, voter, entries,
                                    problem=problem), 422
        try:
            cast_ballots(voter.id, chosen, channel="paper")
        except RoundError as exc:
            abort(exc.status if exc.status >= 400 else 400, description=str(exc))
        flash(_("%(num)d verdicts from the paper form were saved.", num=len(chosen)), "success")
        return redirect(url_for(".paper", round_id=round_.id), code=303)

    def _paper_page(self, round_: ValidationRound, search: str, page: int,
                    voter: ValidationVoter | None, entries: list[Entry] | None, *,
                    problem: str | None = None) -> Any:
        rows, total = rounds_data.voters_page(round_.id, search, page)
        pages = max(1, -(-total // rounds_data.VOTERS_PER_PAGE))
        settings = validation_settings(round_.consultation)
        return self.render("validation/paper.html", round=round_, search=search, page=page,
                           pages=pages, rows=rows, total=total, voter=voter,
                           voter_name=voter.participant.name if voter and voter.participant
                           else "", entries=entries, problem=problem,
                           verdicts=settings.verdicts, lang=current_language(),
                           side_labels=SIDE_LABELS)
