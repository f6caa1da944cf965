"""The personal ballot (``/toetsing/<token>``; no account: the token is the key).
All items on one page, each with its own form that saves that item only; the
priority and open questions at the end when the round asks them. Works without
JavaScript: every POST answers 303 back to the item's anchor, or the page again
with the message at the field (4xx) and everything typed kept."""

from __future__ import annotations

import hashlib

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from consultplatform.api import SafeForm, current_language, limiter
from consultplatform_validation.ballot_page import (
    BallotPage,
    active_voter,
    ballot_page,
    item_of,
    round_of,
)
from consultplatform_validation.ballots import (
    BallotInput,
    cast_ballot,
    set_open_answer,
    set_priorities,
)
from consultplatform_validation.models import ValidationVoter
from consultplatform_validation.rounds import RoundError, accepts_ballots
from consultplatform_validation.settings import validation_settings
from consultplatform_validation.views.ballot_forms import (
    OpenAnswerForm,
    VerdictForm,
    priority_form,
    priority_points,
    private,
    remember_voter,
    required_labels,
    verdict_form,
)

bp = Blueprint("validation_ballot", __name__, url_prefix="/toetsing")
LINK_RULE = "<string(maxlength=100):token>"


def ballot_rate_limit() -> str:
    return current_app.config.get("VALIDATION_BALLOT_RATE_LIMIT", "120 per minute")


def _per_link() -> str:
    """Rate limits per personal link (a room's phones share one address); a link
    that is no voter's counts per address, so made-up links are limited too."""
    token = str((request.view_args or {}).get("token", ""))
    if active_voter(token) is None:
        return get_remote_address()
    return "ballot:" + hashlib.sha256(token.encode()).hexdigest()[:24]


def _voter(token: str) -> ValidationVoter:
    voter = active_voter(token)
    if voter is None:
        abort(404, description=_("This voting link is not valid. Use the link from your "
                                 "e-mail, or ask the organiser for a new one."))
    return voter


def render_ballot(page: BallotPage, token: str, status: int = 200, *,
                  posted_item: int | None = None, posted: SafeForm | None = None,
                  priorities: SafeForm | None = None, answer: SafeForm | None = None):
    settings = validation_settings(page.round.consultation)
    forms: dict[int, VerdictForm] = {
        item.id: (posted if item.id == posted_item and isinstance(posted, VerdictForm)
                  else verdict_form(item, settings, page.ballots.get(item.id)))
        for item in page.items}
    if page.round.priority_points and priorities is None:
        priorities = priority_form(page.items, page.round.priority_points, page.priorities)
    if page.round.open_question and answer is None:
        answer = OpenAnswerForm(formdata=None, data={"answer": page.voter.open_answer})
    labels = {choice.code: choice.label(current_language()) for choice in settings.verdicts}
    body = render_template("validation/ballot.html", page=page, token=token, item_forms=forms,
                           priorities=priorities, answer=answer, labels=labels,
                           required=required_labels(settings, labels), error_item=posted_item)
    response = make_response(body, status)
    remember_voter(response, page.voter.id)
    return private(response)


@bp.route(f"/{LINK_RULE}")
def ballot(token: str):
    return render_ballot(ballot_page(_voter(token)), token)


@bp.route(f"/{LINK_RULE}/<id:item_id>", methods=["POST"])
@limiter.limit(ballot_rate_limit, key_func=_per_link)
def cast(token: str, item_id: int):
    # The success path reads only the voter, the round and the item; the whole page is
    # read only when it is shown again (a refusal).
    voter = _voter(token)
    round_ = round_of(voter)
    item = item_of(round_.id, item_id)
    if item is None:
        abort(404, description=_("This item is not part of this round."))
    if not accepts_ballots(round_):
        return render_ballot(ballot_page(voter), token, 409)
    settings = validation_settings(round_.consultation)
    form = verdict_form(item, settings, None, posted=True)
    if form.validate():
        try:
            cast_ballot(voter.id, BallotInput(
                item_id=item.id, verdict=form.verdict.data, reason=form.reason.data or "",
                comment=form.comment.data or "", suggestion=form.suggestion.data or ""), "online")
        except RoundError as refused:
            if refused.status == 409:
                return render_ballot(ballot_page(voter), token, 409)
            if refused.status != 400 or refused.field not in form:
                abort(refused.status, description=str(refused))
            form[refused.field].errors = [*form[refused.field].errors, str(refused)]
        else:
            flash(_("Your verdict on %(title)s is saved.", title=item.title), "success")
            return private(redirect(url_for(".ballot", token=token, _anchor=f"item-{item.id}"),
                                    code=303))
    return render_ballot(ballot_page(voter), token, 400, posted_item=item.id, posted=form)


@bp.route(f"/{LINK_RULE}/prioriteiten", methods=["POST"])
@limiter.limit(ballot_rate_limit, key_func=_per_link)
def priorities(token: str):
    page = ballot_page(_voter(token))
    if not page.round.priority_points:
        abort(404)
    if not accepts_ballots(page.round):
        return render_ballot(page, token, 409)
    form = priority_form(page.items, page.round.priority_points, {}, posted=True)
    if form.validate():
        try:
            set_priorities(page.voter.id, priority_points(form))
        except RoundError as refused:
            if refused.status != 400:
                abort(refused.status, description=str(refused))
            form.form_errors.append(str(refused))
        else:
            flash(_("Your priorities are saved."), "success")
            return private(redirect(url_for(".ballot", token=token, _anchor="priorities"),
                                    code=303))
    return render_ballot(page, token, 400, priorities=form)


@bp.route(f"/{LINK_RULE}/open-vraag", methods=["POST"])
@limiter.limit(ballot_rate_limit, key_func=_per_link)
def open_answer(token: str):
    page = ballot_page(_voter(token))
    if not page.round.open_question:
        abort(404)
    if not accepts_ballots(page.round):
        return render_ballot(page, token, 409)
    form = OpenAnswerForm()
    if form.validate():
        try:
            set_open_answer(page.voter.id, form.answer.data or "")
        except RoundError as refused:
            if refused.status != 400:
                abort(refused.status, description=str(refused))
            form.answer.errors = [*form.answer.errors, str(refused)]
        else:
            flash(_("Your answer is saved."), "success")
            return private(redirect(url_for(".ballot", token=token, _anchor="open-question"),
                                    code=303))
    return render_ballot(page, token, 400, answer=form)


def ballot_blueprints() -> list[Blueprint]:
    """The ballot and the room's short address."""
    from consultplatform_validation.views.room import bp as room

    return [bp, room]
