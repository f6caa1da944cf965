"""The room's short address (``/stem/<code>``) for phones in the meeting. A device
that opened its personal link carries a signed cookie with the voter's id: it gets
the form of the item the presenter has put to the vote (channel "room"). Any other
device gets a form to have the personal link mailed again; the answer never says
whether the address is known. Between items a page that checks for the next one
(a small script polls; without JavaScript a button reloads)."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from consultplatform.api import current_language, limiter
from consultplatform_validation.ballot_page import voter_by_id
from consultplatform_validation.ballots import BallotInput, cast_ballot
from consultplatform_validation.models import (
    ValidationBallot,
    ValidationItem,
    ValidationRound,
    ValidationVoter,
)
from consultplatform_validation.room import round_by_code, send_link_again, voting_item
from consultplatform_validation.rounds import RoundError, accepts_ballots
from consultplatform_validation.settings import validation_settings
from consultplatform_validation.views.ballot_forms import (
    LinkForm,
    VerdictForm,
    private,
    remembered_voter,
    required_labels,
    verdict_form,
)

bp = Blueprint("validation_room", __name__, url_prefix="/stem")
CODE = "<string(maxlength=20):code>"


def room_rate_limit() -> str:
    return current_app.config.get("VALIDATION_BALLOT_RATE_LIMIT", "120 per minute")


def link_rate_limit() -> str:
    return current_app.config.get("VALIDATION_LINK_RATE_LIMIT", "20 per minute; 200 per hour")


def _per_device() -> str:
    """Per voter whose device the signed cookie proves (a room's phones share one
    address); a missing or forged cookie counts per address."""
    voter_id = remembered_voter()
    return f"room:{voter_id}" if voter_id is not None else get_remote_address()


def _round(code: str) -> ValidationRound:
    round_ = round_by_code(code)
    if round_ is None:
        abort(404, description=_("There is no vote with this code. Check the code on the "
                                 "screen in the room."))
    return round_


def _voter(round_: ValidationRound) -> ValidationVoter | None:
    voter_id = remembered_voter()
    return voter_by_id(voter_id, round_.id) if voter_id is not None else None


def _page(template: str, round_: ValidationRound, status: int = 200, **context):
    settings = validation_settings(round_.consultation)
    labels = {choice.code: choice.label(current_language()) for choice in settings.verdicts}
    body = render_template(f"validation/{template}", round=round_, labels=labels,
                           required=required_labels(settings, labels), **context)
    return private(make_response(body, status))


@bp.route(f"/{CODE}")
def room(code: str):
    round_ = _round(code)
    if not accepts_ballots(round_):
        return _page("room_closed.html", round_)
    voter = _voter(round_)
    if voter is None:
        return _page("room_link.html", round_, form=LinkForm(formdata=None))
    item = voting_item(round_)
    if item is None:
        return _page("room_wait.html", round_, item=None)
    ballot = ValidationBallot.get_or_none((ValidationBallot.voter == voter.id)
                                          & (ValidationBallot.item == item.id))
    if ballot is not None and request.args.get("wijzig") != "1":
        return _page("room_wait.html", round_, item=item, ballot=ballot)
    form = verdict_form(item, validation_settings(round_.consultation), ballot)
    return _page("room.html", round_, item=item, form=form, ballot=ballot)


@bp.route(f"/{CODE}/stand")
def state(code: str):
    """What the waiting page's script compares: the item being voted on, if any."""
    round_ = _round(code)
    item = voting_item(round_) if accepts_ballots(round_) else None
    response = jsonify(item=item.id if item else None, open=accepts_ballots(round_))
    return private(response)


@bp.route(f"/{CODE}/<id:item_id>", methods=["POST"])
@limiter.limit(room_rate_limit, key_func=_per_device)
def cast(code: str, item_id: int):
    round_ = _round(code)
    voter = _voter(round_)
    if voter is None:
        abort(403, description=_("This device is not known as a voter in this round. Open "
                                 "your personal link on it first."))
    item = voting_item(round_)
    if item is None or item.id != item_id:
        if not ValidationItem.select().where((ValidationItem.id == item_id)
                                             & (ValidationItem.round == round_.id)).exists():
            abort(404, description=_("This item is not part of this round."))
        abort(409, description=_("Voting on this item in the room has closed: your verdict "
                                 "was not saved."))
    if not accepts_ballots(round_):
        abort(409, description=_("Voting in this round is closed: your verdict was not saved."))
    form: VerdictForm = verdict_form(item, validation_settings(round_.consultation), None,
                                     posted=True)
    if form.validate():
        try:
            cast_ballot(voter.id, BallotInput(
                item_id=item.id, verdict=form.verdict.data, reason=form.reason.data or "",
                comment=form.comment.data or "", suggestion=form.suggestion.data or ""), "room",
                live_room=True)
        except RoundError as refused:
            if refused.status != 400 or refused.field not in form:
                abort(refused.status, description=str(refused))
            form[refused.field].errors = [*form[refused.field].errors, str(refused)]
        else:
            flash(_("Your verdict on %(title)s is saved.", title=item.title), "success")
            return private(redirect(url_for(".room", code=round_.room_code), code=303))
    return _page("room.html", round_, 400, item=item, form=form, ballot=None)


@bp.route(f"/{CODE}/mijn-link", methods=["POST"])
@limiter.limit(link_rate_limit)
def send_link(code: str):
    round_ = _round(code)
    form = LinkForm()
    if not form.validate():
        return _page("room_link.html", round_, 400, form=form)
    send_link_again(round_.id, form.email.data or "")
    return private(redirect(url_for(".sent", code=round_.room_code), code=303))


@bp.route(f"/{CODE}/verstuurd")
def sent(code: str):
    return _page("room_sent.html", _round(code))
