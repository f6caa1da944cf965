"""Public pages: consultations and their sessions, the accessibility
statement, the privacy page and security.txt."""

from __future__ import annotations

import datetime as dt

import nh3
from flask import Blueprint, Response, abort, current_app, make_response, render_template, request
from flask_login import current_user
from markupsafe import Markup
from peewee import JOIN

from consultplatform.auth.roles import is_staff
from consultplatform.db import db, utcnow
from consultplatform.i18n import current_language
from consultplatform.models import (
    Consultation,
    ConsultationSession,
    Sector,
    SitePage,
)
from consultplatform.public.blocks import public_blocks
from consultplatform.public.page_cache import cacheable, cached_page
from consultplatform.public.page_state import VISIBLE_STATUSES, page_state
from consultplatform.revisions import PUBLIC_SCOPE as PUBLIC
from consultplatform.revisions import revision
from consultplatform.seat_counts import confirmed_counts
from consultplatform.tokens import same_token
from consultplatform.workspace import may_see

bp = Blueprint("public", __name__)

ALLOWED_TAGS = {"p", "h2", "h3", "ul", "ol", "li", "a", "strong", "em", "br", "abbr"}


def clean_html(text: str) -> Markup:
    """Admin-edited page text, reduced to a few safe tags."""
    return Markup(nh3.clean(text or "", tags=ALLOWED_TAGS,  # noqa: S704 - cleaned by nh3
                            attributes={"a": {"href", "hreflang"}, "abbr": {"title"}}))


def _visible_consultations() -> list[Consultation]:
    return list(Consultation.select()
                .where(Consultation.status.in_(VISIBLE_STATUSES))
                .order_by(Consultation.status.desc(),
                          Consultation.starts_on.desc(nulls="LAST"), Consultation.id))


@bp.get("/")
def home():
    return cached_page(["home", revision(PUBLIC)], lambda: render_template(
        "public/home.html", consultations=_visible_consultations()))


@bp.get("/c/<string(maxlength=80):slug>")
def consultation(slug: str):
    invite = request.args.get("uitnodiging", "")[:64]
    if invite or not cacheable():
        return _consultation_page(slug, invite)
    state = page_state(slug)
    if state is None:
        abort(404)
    return cached_page([slug, state], lambda: _consultation_page(slug, ""))


@bp.get("/c/<string(maxlength=80):slug>/voorbeeld")
def preview(slug: str):
    """The consultation's page as participants will see it, for staff, whatever its
    status (a draft above all), under a "concept" banner; never cached or indexed."""
    if not is_staff():
        abort(404)  # not even whether a draft of that address exists
    item = Consultation.get_or_none(Consultation.slug == slug)
    if item is None or not may_see(current_user, item.id):
        abort(404)
    response = make_response(_consultation_page(slug, "", item=item, preview=True))
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _consultation_page(slug: str, invite: str, *, item: Consultation | None = None,
                       preview: bool = False) -> str:
    if item is None:
        item = Consultation.get_or_none((Consultation.slug == slug)
                                        & Consultation.status.in_(VISIBLE_STATUSES))
    if item is None:
        abort(404)
    # The sector is read with its session (one statement, not one per session).
    sessions = [s for s in ConsultationSession.select(ConsultationSession, Sector)
                .join(Sector, JOIN.LEFT_OUTER)
                .where((ConsultationSession.consultation == item)
                       & (ConsultationSession.status != "cancelled"))
                .order_by(ConsultationSession.starts_at)
                # Invite-only sessions (and their online links) are for invitees only.
                if s.audience == "public" or same_token(invite, s.invite_token)]
    confirmed = confirmed_counts([s.id for s in sessions])
    return render_template("public/consultation.html", consultation=item, sessions=sessions,
                           confirmed=confirmed, invite=invite if sessions else "",
                           preview=preview, public_blocks=public_blocks(item))


def _site_page(slug: str):
    page = SitePage.get_or_none(SitePage.slug == slug)
    if page is None:
        abort(404)
    lang = current_language()
    return render_template("public/page.html", title=page.title(lang),
                           body=clean_html(page.body(lang)), updated_at=page.updated_at)


@bp.get("/toegankelijkheid")
def accessibility():
    return _site_page("toegankelijkheid")


@bp.get("/privacy")
def privacy():
    return _site_page("privacy")


@bp.get("/.well-known/security.txt")
def security_txt():
    config = current_app.config
    expires = (utcnow() + dt.timedelta(days=180)).replace(microsecond=0)
    lines = [f"Contact: {config['SECURITY_CONTACT']}",
             f"Expires: {expires.isoformat()}Z",
             "Preferred-Languages: nl, en"]
    if config.get("SECURITY_POLICY_URL"):
        lines.append(f"Policy: {config['SECURITY_POLICY_URL']}")
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


@bp.get("/healthz")
def health():
    db.obj.execute_sql("SELECT 1")
    return Response("ok\n", mimetype="text/plain")
