"""Template globals and filters shared by every page."""

from __future__ import annotations

import datetime as dt

from flask import Flask, current_app, url_for
from flask_babel import format_date, format_datetime
from werkzeug.routing import BuildError

from consultplatform.auth.mfa import mfa_off_for_admins
from consultplatform.i18n import current_language
from consultplatform.models import choices
from consultplatform.plugins import registry
from consultplatform.timezone import localize


def session_time(value: dt.datetime | None, style: str = "full") -> str:
    """A session's wall-clock time (Europe/Amsterdam), formatted for the language."""
    if value is None:
        return ""
    return format_datetime(localize(value), "EEEE d MMMM y, HH:mm" if style == "full" else "HH:mm")


def described_by(field, hint: object = None) -> str:
    """The ids of a field's hint and error, for aria-describedby."""
    ids = []
    if hint:
        ids.append(f"{field.id}-hint")
    if field.errors:
        ids.append(f"{field.id}-error")
    return " ".join(ids)


def field_attrs(field, hint: object = None, required: bool = False) -> dict:
    """HTML attributes tying a form field to its hint and error message."""
    attrs: dict = {}
    if described := described_by(field, hint):
        attrs["aria-describedby"] = described
    if field.errors:
        attrs["aria-invalid"] = "true"
    if required:
        attrs["required"] = True
    return attrs


def format_page_url(session, kind: str = "public") -> str | None:
    """The page a session's format offers (``public`` or ``staff``), or None.

    Only for formats of switched-on plugins that name an endpoint
    (``SessionFormat.public_endpoint`` / ``staff_endpoint``).
    """
    entry = registry().formats().get(session.format_key)
    endpoint = entry and getattr(entry[1], f"{kind}_endpoint")
    if not endpoint:
        return None
    try:
        return url_for(endpoint, session_id=session.id)
    except BuildError:
        return None


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def common() -> dict:
        return {
            "cp_lang": current_language(),
            "site_name": current_app.config["SITE_NAME"],
            "role_label": lambda value: choices.label(choices.ROLES, value),
            "side_label": lambda value: choices.label(choices.SIDES, value),
            "registration_status_label": lambda value: choices.label(
                choices.REGISTRATION_STATUSES, value),
            "consultation_status_label": lambda value: choices.label(
                choices.CONSULTATION_STATUSES, value),
            "step_state_label": lambda value: choices.label(choices.STEP_STATES, value),
            "format_label": lambda key: registry().format_label(key),
            "format_page_url": format_page_url,
            "mfa_off_for_admins": mfa_off_for_admins,
        }

    app.jinja_env.globals.update(field_attrs=field_attrs, described_by=described_by)
    app.jinja_env.filters["session_time"] = session_time
    app.jinja_env.filters["date_long"] = lambda value: format_date(value, "d MMMM y") if value else ""
