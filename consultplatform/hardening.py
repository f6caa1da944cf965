"""Request hardening, in one place for every route (core and plugins):

- :class:`HostGuard`: a Host header that cannot be a host name is a plain 400
  before anything (the error page included) tries to build a URL from it;
- :class:`BodyDeadline`: a request body is read whole, with a deadline, before
  the application sees it, so a client that trickles its body in is cut off
  instead of holding a worker thread;
- redirect targets (``next``, ``url``) with control characters are a 400 before
  a view runs (Werkzeug refuses a line break in a Location header: a 500 after
  the record was saved);
- security headers: a strict Content-Security-Policy everywhere (the admin's
  inline scripts carry a per-request nonce), no caching of staff pages and of
  the self-service pages, HSTS when the cookies are marked secure.
"""

from __future__ import annotations

import io
import re
import secrets
import socket
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, current_app, g, request
from werkzeug.exceptions import BadRequest

from consultplatform.text import has_control_characters

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]

# --- the Host header ---------------------------------------------------------------

_LABEL = r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)"
_HOST = re.compile(
    rf"(?:{_LABEL}(?:\.{_LABEL})*\.?|\[[0-9A-Fa-f:.]{{2,45}}\])(?::[0-9]{{1,5}})?")
_PLAIN_400 = (
    b'<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8"><title>Ongeldig verzoek'
    b'</title></head><body><h1>Ongeldig verzoek</h1><p>Het adres van deze site in het verzoek '
    b'klopt niet.</p><p lang="en">Bad request: the host name in the request is not valid.</p>'
    b"</body></html>\n")


def valid_host(value: str) -> bool:
    host = value.rsplit(":", 1)[0] if not value.startswith("[") else value
    return bool(_HOST.fullmatch(value)) and len(host) <= 253


class HostGuard:
    """Answers a plain, static 400 to a request whose Host (or, behind a trusted
    proxy, X-Forwarded-Host, which ProxyFix has put in its place) is no host name."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        host = environ.get("HTTP_HOST")
        if host is not None and not valid_host(host):
            start_response("400 Bad Request", [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(_PLAIN_400))),
                ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")])
            return [_PLAIN_400]
        return self.app(environ, start_response)


# --- request bodies ----------------------------------------------------------------

_TIMEOUT_BODY = b"Request Timeout: the request body did not arrive in time.\n"


class BodyDeadline:
    """Reads a request body whole before the application runs: at most
    ``seconds`` for all of it and ``idle`` between two pieces, at most ``limit``
    bytes (a larger one is left for Flask to refuse with 413).

    Only under a server that hands over its socket (gunicorn's
    ``gunicorn.socket``) can a read be given a timeout; elsewhere the body is
    read as the server delivers it. A buffering reverse proxy in front does the
    same job for every worker at once (see the README's deployment notes).
    """

    CHUNK = 64 * 1024

    def __init__(self, app: WSGIApp, *, seconds: float, idle: float, limit: int) -> None:
        self.app, self.seconds, self.idle, self.limit = app, seconds, idle, limit

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        length = environ.get("CONTENT_LENGTH") or ""
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked:
            wanted = self.limit + 1  # up to the end; one byte more than allowed tells Flask
        elif length.isascii() and length.isdigit() and 0 < int(length) <= self.limit:
            wanted = int(length)
        else:
            return self.app(environ, start_response)
        sock = environ.get("gunicorn.socket")
        try:
            body = self._read(environ["wsgi.input"], wanted, sock)
        except TimeoutError:
            start_response("408 Request Timeout", [
                ("Content-Type", "text/plain; charset=utf-8"), ("Connection", "close"),
                ("Content-Length", str(len(_TIMEOUT_BODY)))])
            return [_TIMEOUT_BODY]
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return self.app(environ, start_response)

    def _read(self, stream: Any, length: int, sock: socket.socket | None) -> bytes:
        deadline = time.monotonic() + self.seconds
        previous = sock.gettimeout() if sock is not None else None
        parts: list[bytes] = []
        remaining = length
        try:
            while remaining > 0:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("request body deadline")
                if sock is not None:
                    sock.settimeout(min(self.idle, left))
                piece = stream.read(min(self.CHUNK, remaining))
                if not piece:
                    break  # the client closed early: what came is what the app sees
                parts.append(piece)
                remaining -= len(piece)
        finally:
            if sock is not None:
                sock.settimeout(previous)
        return b"".join(parts)


# --- redirect targets --------------------------------------------------------------

REDIRECT_PARAMETERS = ("next", "url")


def refuse_unsafe_redirect_targets() -> None:
    """``before_request``: a redirect target with a line break or another control
    character is refused before the view runs (and saves anything)."""
    for source in (request.args, request.form):
        for name in REDIRECT_PARAMETERS:
            if any(has_control_characters(value) for value in source.getlist(name)):
                raise BadRequest()


# --- response headers --------------------------------------------------------------

_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src {scripts}; "
           "object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'")
# Pages with personal data that no browser or proxy may keep.
PRIVATE_PREFIXES = ("/admin", "/auth", "/aanmelding")
HSTS = "max-age=31536000; includeSubDomains"


def csp_nonce() -> str:
    """This request's nonce for inline scripts (Flask-Admin's ``admin_csp_nonce_attribute``)."""
    if "cp_csp_nonce" not in g:
        g.cp_csp_nonce = secrets.token_urlsafe(16)
    return g.cp_csp_nonce


def content_security_policy() -> str:
    scripts = "'self'"
    if "cp_csp_nonce" in g:
        scripts += f" 'nonce-{g.cp_csp_nonce}'"
    return _POLICY.format(scripts=scripts)


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Content-Security-Policy", content_security_policy())
    static = (request.endpoint or "").rpartition(".")[2] == "static"
    if request.path.startswith(PRIVATE_PREFIXES) and not static:
        headers["Cache-Control"] = "no-store"
        headers.setdefault("Pragma", "no-cache")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def harden(app: Flask) -> None:
    """Wrap the WSGI app and register the request and response hooks."""
    # Flask's documented way to add WSGI middleware (its stubs call it a method).
    app.wsgi_app = BodyDeadline(  # type: ignore[method-assign]
        app.wsgi_app, seconds=float(app.config["BODY_DEADLINE_SECONDS"]),
        idle=float(app.config["BODY_IDLE_SECONDS"]), limit=int(app.config["MAX_CONTENT_LENGTH"]))
    app.wsgi_app = HostGuard(app.wsgi_app)  # type: ignore[method-assign]
    app.before_request(refuse_unsafe_redirect_targets)
    app.after_request(add_security_headers)
