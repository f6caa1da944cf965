"""The signed, expiring link in the mail that confirms an erasure request: only who
reads the person's mail can confirm it."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SALT = "consultplatform.erase"
MAX_AGE_SECONDS = 48 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def erase_token(participant_id: int) -> str:
    return _serializer().dumps({"p": participant_id})


def participant_of(token: str) -> int | None:
    """The participant the link is for; None when it is forged, damaged or too old."""
    try:
        data = _serializer().loads(token, max_age=MAX_AGE_SECONDS)
    except (SignatureExpired, BadSignature):
        return None
    value = data.get("p") if isinstance(data, dict) else None
    return value if isinstance(value, int) else None
