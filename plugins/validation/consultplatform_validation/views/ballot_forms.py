"""The ballot's forms: a verdict per item (one form per item on one page, so each
form's ids carry the item's id while the field names stay plain), the priority
question, the open question, and the room's "mail me my link" form."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from wtforms import EmailField, IntegerField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from consultplatform.api import SafeForm, current_language
from consultplatform_validation.models import (
    COMMENT_MAX,
    OPEN_ANSWER_MAX,
    REASON_MAX,
    SUGGESTION_MAX,
    ValidationBallot,
    ValidationItem,
)
from consultplatform_validation.settings import RoundSettings

TOO_LONG = _l("At most %(max)d characters.")
# The device's cookie that says which voter it belongs to (signed; no token in it).
ROOM_COOKIE = "cp_validation_voter"
ROOM_COOKIE_DAYS = 60
_SALT = "validation-room-voter"


class VerdictForm(SafeForm):
    verdict = RadioField(_l("Your verdict"), choices=[],
                         validators=[InputRequired(_l("Choose your verdict."))])
    reason = TextAreaField(_l("Why?"), validators=[Length(max=REASON_MAX, message=TOO_LONG)])
    comment = TextAreaField(_l("Comment (optional)"),
                            validators=[Length(max=COMMENT_MAX, message=TOO_LONG)])
    suggestion = TextAreaField(_l("Suggested wording (optional)"),
                               validators=[Length(max=SUGGESTION_MAX, message=TOO_LONG)])


class OpenAnswerForm(SafeForm):
    answer = TextAreaField(_l("Your answer"),
                           validators=[Length(max=OPEN_ANSWER_MAX, message=TOO_LONG)])


class LinkForm(SafeForm):
    email = EmailField(_l("The e-mail address you signed up with"),
                       validators=[InputRequired(_l("Fill in your e-mail address.")),
                                   Length(max=254, message=TOO_LONG)],
                       render_kw={"autocomplete": "email"})


def _own_ids(form: SafeForm, prefix: str) -> None:
    """Unique ids on a page with many forms (the names stay as they are)."""
    for field in form:
        field.id = f"{prefix}-{field.name}"
        field.label.field_id = field.id


def verdict_form(item: ValidationItem, settings: RoundSettings,
                 ballot: ValidationBallot | None, posted: bool = False) -> VerdictForm:
    """The item's form: the posted values when ``posted``, else the saved ballot."""
    if posted:
        form = VerdictForm()
    else:
        data = ({"verdict": ballot.verdict, "reason": ballot.reason, "comment": ballot.comment,
                 "suggestion": ballot.suggestion} if ballot is not None else {})
        form = VerdictForm(formdata=None, data=data)
    language = current_language()
    form.verdict.choices = [(choice.code, choice.label(language))
                            for choice in settings.verdicts]
    _own_ids(form, f"item{item.id}")
    return form


def priority_form(items: Iterable[ValidationItem], points: int, given: dict[int, int],
                  posted: bool = False) -> SafeForm:
    """One number per item (``p<item id>``), at most ``points`` in all."""
    fields: dict[str, Any] = {
        f"p{item.id}": IntegerField(
            item.title, validators=[Optional(), NumberRange(0, points,
                                                            _l("Give a number from 0 to %(max)d."))],
            render_kw={"inputmode": "numeric", "min": 0, "max": points})
        for item in items}
    form_class = type("PriorityForm", (SafeForm,), fields)
    if posted:
        return form_class()
    return form_class(formdata=None, data={f"p{item}": value for item, value in given.items()})


def priority_points(form: SafeForm) -> dict[int, int]:
    return {int(field.name[1:]): field.data or 0 for field in form
            if field.name.startswith("p") and field.name[1:].isdigit()}


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.secret_key), salt=_SALT)


def remember_voter(response: Any, voter_id: int) -> None:
    """Tell this device which voter it belongs to (for the room's address)."""
    response.set_cookie(ROOM_COOKIE, _serializer().dumps({"v": voter_id}),
                        max_age=ROOM_COOKIE_DAYS * 86400, httponly=True, samesite="Lax",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))


def remembered_voter() -> int | None:
    """The voter id this device's cookie holds, if the signature is right."""
    value = request.cookies.get(ROOM_COOKIE, "")
    if not value or len(value) > 200:
        return None
    try:
        data = _serializer().loads(value, max_age=ROOM_COOKIE_DAYS * 86400)
    except BadSignature:
        return None
    voter_id = data.get("v") if isinstance(data, dict) else None
    return voter_id if isinstance(voter_id, int) else None


def required_labels(settings: RoundSettings, labels: dict[str, str]) -> str:
    """The labels of the verdicts that need a reason, in the verdicts' order."""
    return ", ".join(label for code, label in labels.items() if code in settings.reason_required)


def private(response: Any) -> Any:
    """Ballot pages: no referrer (the token is in the address), never cached."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response
