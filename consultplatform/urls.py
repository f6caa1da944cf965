"""The site's public address, for what is read outside the browser: links in
mail, calendar UIDs, invitation links staff copy.

``PUBLIC_URL`` names it. Unset, ``flask serve`` (``make run``) sets it to the
address it serves on; a bare start (``gunicorn wsgi:app``) falls back to
:data:`FALLBACK` and says so loudly in the log (see :func:`warn_if_unset`).
"""

from __future__ import annotations

import logging

from flask import Flask, current_app

FALLBACK = "http://127.0.0.1:5000"

log = logging.getLogger(__name__)


def public_base() -> str:
    """``PUBLIC_URL`` without a trailing slash (the fallback when unset)."""
    return (current_app.config.get("PUBLIC_URL") or FALLBACK).rstrip("/")


def public_url(path: str) -> str:
    """An absolute address on the public site for ``path`` (which starts with ``/``)."""
    return public_base() + path


def warn_if_unset(app: Flask) -> None:
    """At a server or worker start: an unset PUBLIC_URL breaks every link in every mail."""
    if app.config.get("PUBLIC_URL") or app.config.get("TESTING"):
        return
    log.warning(
        "PUBLIC_URL IS NOT SET: every link in participants' mails (confirmation, waiting list, "
        "cancellation) and every calendar invitation will point to %s, which is probably not "
        "where people reach this site. Set CONSULTPLATFORM_PUBLIC_URL (or PUBLIC_URL in "
        "instance/config.py) to the public address, e.g. https://inspraak.example.nl", FALLBACK)
