"""Public pages that change rarely (home, a consultation's page), cached rendered,
with an ETag so browsers revalidate cheaply.

A page is cached under a key that names everything it is made of: the content
revision of consultations, sessions and sectors (consultplatform.revisions),
what the page reads that the revision does not cover (fill levels, whether
registration is open now), the language and the plugins switched on. A change
makes a new key, so nothing is ever stale and nothing needs invalidating, on
this worker or any other host.

Nothing personal is cached: a request with a query string (an invitation
link), with a flash message waiting, or with any other variation renders as
before. The one per-visitor part of a public page, the CSRF token of the
language switch, is left out of the cached copy and filled in per request; the
ETag carries a fingerprint of it, so a browser's copy is only confirmed (304)
while its token is still the session's and young.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Callable

from flask import Response, current_app, g, make_response, request, session
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import generate_csrf

from consultplatform.cache import cache
from consultplatform.i18n import current_language
from consultplatform.plugins import registry

# How long a browser's copy may be confirmed with the CSRF token it holds
# (well inside WTF_CSRF_TIME_LIMIT).
TOKEN_PERIOD_SECONDS = 3600
CACHE_CONTROL = "private, no-cache"


def cacheable(allowed_args: tuple[str, ...] = ()) -> bool:
    """A GET with no query arguments but ``allowed_args`` (which the key then names) and
    no flash message waiting."""
    return (request.method in ("GET", "HEAD") and set(request.args) <= set(allowed_args)
            and not session.get("_flashes"))


def _token_fingerprint() -> str:
    """Changes with the session's CSRF secret and every TOKEN_PERIOD_SECONDS."""
    raw = session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if not raw:
        return ""
    period = int(time.time() // TOKEN_PERIOD_SECONDS)
    return hashlib.sha256(f"{raw}:{period}".encode()).hexdigest()[:10]


def cached_page(key: list, render: Callable[[], ResponseReturnValue],
                allowed_args: tuple[str, ...] = ()) -> Response:
    """The page ``key`` names: from the cache, or ``render``-ed and kept (a 200 only).

    ``key`` must hold everything the page depends on besides the language, the
    plugins switched on, the site's settings and the ``allowed_args`` of the query,
    which are added here. The CSRF token the page was rendered with is taken out of
    the kept copy and each visitor's own is put in."""
    if not cacheable(allowed_args):
        return make_response(render())
    arguments = sorted((name, request.args.get(name, "")) for name in allowed_args)
    full_key = json.dumps(["page", request.endpoint, *key, arguments, current_language(),
                           sorted(registry().enabled_names()),
                           current_app.config["SITE_NAME"]], default=str)
    content = hashlib.sha256(full_key.encode()).hexdigest()[:20]
    token = _token_fingerprint()
    if token and f"{content}-{token}" in request.if_none_match:
        response = Response(status=304)
        _headers(response, f"{content}-{token}")
        return response
    entry = cache().get(full_key)
    if entry is None:
        response = make_response(render())
        if response.status_code != 200:
            return response
        body = response.get_data(as_text=True)
        marker = f"cp-csrf-{secrets.token_hex(16)}"
        used = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
        entry = {"body": body.replace(used, marker) if used else body, "marker": marker,
                 "at": int(time.time())}
        cache().set(full_key, entry)
    else:
        body = entry["body"].replace(entry["marker"], generate_csrf())
        response = make_response(body)
    response.last_modified = entry["at"]
    _headers(response, f"{content}-{_token_fingerprint()}")
    return response


def _headers(response: Response, etag: str) -> None:
    response.set_etag(etag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.vary.add("Cookie")
