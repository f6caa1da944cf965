"""Error pages in the visitor's language, and no 500 for bad input."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from peewee import DataError
from playhouse.pool import MaxConnectionsExceeded
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Bad request"),
          _l("The request could not be understood. Check what you entered and try again.")),
    401: (_l("Not logged in"), _l("Please log in to see this page.")),
    403: (_l("No access"), _l("You do not have permission to do this.")),
    404: (_l("Page not found"),
          _l("This page does not exist (any more). Check the address or go to the home page.")),
    405: (_l("Not allowed"), _l("This page cannot be used in this way.")),
    409: (_l("Not possible any more"), _l("This cannot be changed any more.")),
    410: (_l("No longer available"), _l("What you are looking for is no longer available.")),
    413: (_l("Too much data"), _l("What you sent is too large.")),
    422: (_l("Please check your input"), _l("Some fields were not filled in correctly.")),
    429: (_l("Too many attempts"),
          _l("You have tried this too often. Please wait a minute and try again.")),
    500: (_l("Something went wrong"), _l("An error occurred on our side. Please try again later.")),
    503: (_l("Very busy"), _l("It is very busy right now. Please try again in a moment.")),
}


def render_error(code: int, description: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500 if code >= 500 else 400])
    wants_admin = request.path.startswith("/admin")
    return render_template("errors/error.html", code=code, title=title, message=message,
                           detail=description, admin=wants_admin), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 500
        detail = exc.description if code in (400, 403, 404, 409, 410, 422) and exc.description and \
            not exc.description.startswith(("The requested URL", "The browser (or proxy)")) \
            else None
        response = exc.get_response()
        body, status = render_error(code, detail)
        response.set_data(body)
        response.status_code = status
        response.mimetype = "text/html"
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        # Flask-WTF's own reason is English and technical; say it in the visitor's language.
        return render_error(400, str(_l("The form has expired or did not come from this site. "
                                        "Go back, reload the page and try again.")))

    @app.errorhandler(DataError)
    def data_error(exc: DataError):
        # Input the database refuses (a number out of range, say) is the sender's fault.
        log.warning("database refused input on %s: %s", request.endpoint, type(exc).__name__)
        return render_error(400)

    @app.errorhandler(MaxConnectionsExceeded)
    def pool_exhausted(exc: MaxConnectionsExceeded):
        # Every pooled connection stayed in use for DATABASE_POOL_WAIT_SECONDS.
        log.warning("no free database connection for %s", request.endpoint)
        body, status = render_error(503)
        return body, status, {"Retry-After": "5"}

    @app.errorhandler(InternalServerError)
    def server_error(exc: InternalServerError):
        return render_error(500)
