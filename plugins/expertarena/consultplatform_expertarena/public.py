"""The public page of an arena: what, when, for which sectors, and how many
people are coming per side and sector (counts only; names are for staff)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from consultplatform.api import Sector, choices, same_token
from consultplatform_expertarena.analysis import Scope, participation
from consultplatform_expertarena.arenas import arena_or_404, arena_sectors

PUBLIC_STATUSES = ("published", "closed")

bp = Blueprint("expertarena", __name__, url_prefix="/expertarena",
               template_folder="templates", static_folder="static",
               static_url_path="/static")


@bp.get("/<id:session_id>")
def arena_page(session_id: int):
    session = arena_or_404(session_id)
    if session.consultation.status not in PUBLIC_STATUSES:
        abort(404)
    invite = request.args.get("uitnodiging", "")
    if session.audience == "invite" and not same_token(invite, session.invite_token):
        abort(404)
    counts = participation(Scope(session.consultation, session))
    sectors = {s.id: s for s in Sector.select().where(
        Sector.consultation == session.consultation_id)}
    by_sector = sorted(((sectors[key].name if key in sectors else None,
                         counts.total("confirmed", sector=key))
                        for key in counts.sector_keys()),
                       key=lambda item: (item[0] is None, item[0] or ""))
    by_side = [(label, counts.total("confirmed", side=side)) for side, label in choices.SIDES
               if counts.total("confirmed", side=side)]
    return render_template("expertarena/public_arena.html", arena=session,
                           consultation=session.consultation,
                           sectors=arena_sectors([session])[session.id],
                           by_side=by_side, by_sector=by_sector,
                           total=counts.total("confirmed"),
                           invite=invite if session.audience == "invite" else None)
