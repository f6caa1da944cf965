"""Public pages that change rarely (home, a consultation's page, the empty sign-up
form), cached rendered, with an ETag so browsers revalidate cheaply.

A page is cached under a key that names everything it is made of: the content
revision of what it shows (consultplatform.revisions), what the page reads
that the revision does not cover (fill levels, whether registration is open
now), its few allowed query arguments, the language, the plugins switched on,
the site's name and the release (templates and translations). A change makes
a new key, so nothing is ever stale and nothing needs invalidating, on this
worker or any other host.

Nothing personal is cached: a request with any other query string (an
invitation link), a query string not in its one canonical spelling, or a flash
message waiting renders as before. The one per-visitor part of a public page,
the CSRF token (the language switch's, the sign-up form's), is taken out of the
kept copy and each visitor's own is put in; the ETag carries a fingerprint of
it, so a browser's copy is only confirmed (304) while its token still works.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Callable
from urllib.parse import urlencode

from flask import Response, current_app, g, make_response, request, session
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import generate_csrf

from consultplatform.cache import cache
from consultplatform.i18n import current_language
from consultplatform.plugins import registry

CACHE_CONTROL = "private, no-cache"


def cacheable(allowed_args: tuple[str, ...] = ()) -> bool:
    """A GET with no query string, or one of ``allowed_args`` (each once) in its one
    canonical spelling, and no flash message waiting."""
    if request.method not in ("GET", "HEAD") or session.get("_flashes"):
        return False
    raw = request.query_string.decode("latin-1")
    if not raw:
        return True
    pairs = list(request.args.items(multi=True))
    names = [name for name, _value in pairs]
    return (bool(pairs) and set(names) <= set(allowed_args) and len(set(names)) == len(names)
            and raw == urlencode(pairs))


def _csrf_field() -> str:
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")


def _token_fingerprint() -> str:
    """Changes with the session's CSRF secret, the key tokens are signed with, and
    every period of half the tokens' lifetime (at most an hour)."""
    raw = session.get(_csrf_field())
    if not raw:
        return ""
    config = current_app.config
    lifetime = config.get("WTF_CSRF_TIME_LIMIT") or 7200
    period = int(time.time() // max(60, min(3600, int(lifetime) // 2)))
    signing = config.get("WTF_CSRF_SECRET_KEY") or config.get("SECRET_KEY") or ""
    return hashlib.sha256(f"{raw}:{period}:{signing}".encode()).hexdigest()[:10]


def cached_page(key: list, render: Callable[[], ResponseReturnValue],
                allowed_args: tuple[str, ...] = ()) -> Response:
    """The page ``key`` names: from the cache, or ``render``-ed and kept (a 200 only).

    ``key`` must hold everything the page depends on besides the language, the
    plugins switched on, the site's settings, the release and the ``allowed_args``
    of the query, which are added here."""
    if not cacheable(allowed_args):
        return make_response(render())
    full_key = json.dumps(["page", cache().release, request.endpoint, *key,
                           sorted(request.args.items()), current_language(),
                           sorted(registry().enabled_names()),
                           current_app.config["SITE_NAME"]], default=str)
    content = hashlib.sha256(full_key.encode()).hexdigest()[:20]
    token = _token_fingerprint()
    if token and f"{content}-{token}" in request.if_none_match:
        response = Response(status=304)
        _headers(response, f"{content}-{token}")
        return response
    found = cache().get(full_key)
    entry: dict = found if isinstance(found, dict) and _is_entry(found) else {}
    if not entry:
        response = make_response(render())
        if response.status_code != 200:
            return response
        body = response.get_data(as_text=True)
        marker = f"cp-csrf-{secrets.token_hex(16)}"
        used = g.get(_csrf_field())
        entry = {"body": body.replace(used, marker) if used else body, "marker": marker,
                 "at": int(time.time())}
        cache().set(full_key, entry)
    else:
        response = make_response(entry["body"].replace(entry["marker"], generate_csrf()))
    response.last_modified = entry["at"]
    _headers(response, f"{content}-{_token_fingerprint()}")
    return response


def _is_entry(entry: object) -> bool:
    """A kept page as this code keeps them (anything else is a miss, never an error)."""
    return (isinstance(entry, dict) and isinstance(entry.get("body"), str)
            and isinstance(entry.get("marker"), str) and isinstance(entry.get("at"), int))


def _headers(response: Response, etag: str) -> None:
    response.set_etag(etag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.vary.add("Cookie")
