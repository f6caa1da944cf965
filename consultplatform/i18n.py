"""Language choice: Dutch first, English second; kept in a cookie."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, has_request_context, redirect, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from consultplatform.text import has_control_characters

LANG_COOKIE = "lang"

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The visitor's chosen language; the default outside a request (CLI, workers)."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANG_COOKIE) if has_request_context() else None
    if chosen is not None and chosen in languages:
        return chosen
    if has_request_context() and current_user and current_user.is_authenticated \
            and current_user.language in languages:
        return current_user.language  # a staff member's own preference
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def safe_next(target: str | None, fallback: str = "/") -> str:
    """Only same-site relative paths; anything else goes to ``fallback``."""
    if not target or len(target) > 2000:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or has_control_characters(target):
        return fallback
    return target


@bp.post("/taal")
def switch_language():
    """Set the language cookie (a POST with CSRF token) and go back."""
    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        abort(400, description=_("This language is not offered."))
    response = redirect(safe_next(request.form.get("next")), code=303)
    if lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True)
    return response
