"""The presenter screen for the projector (issue 15, point 3): one item at a time,
with the QR code and the short address of the room's voting page, the live number
of votes cast, and, once revealed (or before, when the round shows interim
results), the counts and shares per verdict.

The controls are POST forms (CSRF) that send the place they act on, so two staff
tabs pressing the same button at once act once; a refused step (the other tab was
first) shows the page again with the reason (409). With JavaScript the screen polls
``/<id>/state`` every two seconds (ETag; 304 when unchanged), updates the count in
place and reloads when the round's revision moved.
"""

from __future__ import annotations

from typing import Any

import segno
from flask import Response, abort, jsonify, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from markupsafe import Markup

from consultplatform.api import SecureView, current_language, parse_id, public_url
from consultplatform_validation.models import ValidationItem, ValidationRound
from consultplatform_validation.presenter import (
    item_counts,
    move_to,
    presenter_state,
    reveal,
    shares,
    start_voting,
)
from consultplatform_validation.rounds import RoundError
from consultplatform_validation.settings import validation_settings
from consultplatform_validation.views.rounds_forms import may_edit, visible_round

POLL_SECONDS = 2


def room_address(round_: ValidationRound) -> str:
    return public_url(f"/stem/{round_.room_code}")


def qr_svg(address: str) -> Markup:
    """The address as an inline SVG QR code (black on white, a quiet zone of four)."""
    svg = segno.make_qr(address, error="m").svg_inline(
        scale=10, border=4, dark="#000", light="#fff", svgclass="presenter-qr")
    # segno writes the markup; the only text in it is our own address, escaped by segno.
    return Markup(svg)  # noqa: S704


def counts_visible(round_: ValidationRound, item: ValidationItem | None) -> bool:
    return item is not None and (item.state == "revealed" or round_.show_interim)


class PresenterView(SecureView):
    @expose("/")
    def index(self) -> Any:
        abort(404, description=_("Open the presenter from a validation round's page."))

    @expose("/<id:round_id>/")
    def screen(self, round_id: int) -> Any:
        return self._screen(visible_round(round_id))

    @expose("/<id:round_id>/state")
    def state(self, round_id: int) -> Any:
        round_ = visible_round(round_id)
        found = presenter_state(round_.id)
        if found is None:
            abort(404)
        payload: dict[str, Any] = {"revision": found.revision, "cast": found.cast}
        tag = f"presenter-{round_.id}-{found.revision}-{found.cast}"
        if found.position is not None and (found.item_state == "revealed"
                                           or round_.show_interim):
            item = ValidationItem.get_or_none((ValidationItem.round == round_.id)
                                              & (ValidationItem.position == found.position))
            if item is not None:
                counts = item_counts(item.id)
                payload["counts"], payload["shares"] = counts, shares(counts)
                tag += "-" + "-".join(str(counts[key]) for key in sorted(counts))
        fresh = request.if_none_match.contains(tag)
        response = Response(status=304) if fresh else jsonify(payload)
        response.set_etag(tag)
        response.headers["Cache-Control"] = "no-cache"
        return response

    @expose("/<id:round_id>/move", methods=("POST",))
    def move(self, round_id: int) -> Any:
        round_ = self._writable(round_id)
        position = parse_id(request.form.get("position"))
        if position is None or position < 1:
            abort(400, description=_("Use the buttons on the page to move between items."))
        return self._step(round_, move_to, round_.id, position)

    @expose("/<id:round_id>/voting", methods=("POST",))
    def voting(self, round_id: int) -> Any:
        round_ = self._writable(round_id)
        self._same_place(round_)
        return self._step(round_, start_voting, round_.id)

    @expose("/<id:round_id>/reveal", methods=("POST",))
    def reveal(self, round_id: int) -> Any:
        round_ = self._writable(round_id)
        self._same_place(round_)
        return self._step(round_, reveal, round_.id)

    # --- helpers ------------------------------------------------------------

    def _writable(self, round_id: int) -> ValidationRound:
        if not may_edit():
            self.deny("run presenter")
        return visible_round(round_id)

    def _same_place(self, round_: ValidationRound) -> None:
        """The button acts on the item its page showed; another tab may have moved on."""
        position = parse_id(request.form.get("position"))
        if position is None:
            abort(400, description=_("Use the buttons on the page."))
        if position != round_.current_position:
            abort(409, description=_("The screen has moved to another item meanwhile; "
                                     "look again and press once more."))

    def _step(self, round_: ValidationRound, call: Any, *args: Any) -> Any:
        try:
            call(*args)
        except RoundError as exc:
            if exc.status == 404:
                abort(404, description=str(exc))
            fresh = ValidationRound.get_by_id(round_.id)
            return self._screen(fresh, problem=str(exc), status=exc.status)
        return redirect(url_for(".screen", round_id=round_.id), code=303)

    def _screen(self, round_: ValidationRound, *, problem: str | None = None,
                status: int = 200) -> Any:
        items = list(ValidationItem.select(ValidationItem.id, ValidationItem.position)
                     .where(ValidationItem.round == round_.id)
                     .order_by(ValidationItem.position).tuples())
        item = None
        if round_.current_position is not None:
            item = ValidationItem.get_or_none((ValidationItem.round == round_.id)
                                              & (ValidationItem.position
                                                 == round_.current_position))
        counts = item_counts(item.id) if item is not None else {}
        address = room_address(round_)
        settings = validation_settings(round_.consultation)
        lang = current_language()
        labels = {choice.code: choice.label(lang) for choice in settings.verdicts}
        positions = [position for _id, position in items]
        return self.render(
            "validation/presenter.html", round=round_, item=item, total=len(items),
            first=positions[0] if positions else None,
            last=positions[-1] if positions else None,
            counts=counts, shares=shares(counts) if counts else {},
            show_counts=counts_visible(round_, item), labels=labels, address=address,
            qr=qr_svg(address), lang=lang, may_edit=may_edit() and round_.status != "closed",
            problem=problem, poll_seconds=POLL_SECONDS), status
