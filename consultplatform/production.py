"""The application a production server runs (gunicorn, ``wsgi.py``).

Kept apart from ``serve`` (the ``flask serve`` command that starts gunicorn):
the command is part of the app's CLI, so it may not import the app itself.
"""

from __future__ import annotations

from flask import Flask

from consultplatform.app import create_app
from consultplatform.urls import warn_if_unset


def production_app() -> Flask:
    """The WSGI application for a server start (``consultplatform.production:production_app()``)."""
    app = create_app()
    warn_if_unset(app)
    return app
