"""The public page "what we did with your input" (``/c/<slug>/wat-we-ermee-deden``):
per agenda item of the round its decision and reason, its validation result and
what lies behind it, in aggregates. 404 until a decision is recorded after a round
closed, and for a consultation whose page is not public."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template

from consultplatform.api import VISIBLE_STATUSES, Consultation, current_language
from consultplatform_validation.settings import validation_settings
from consultplatform_validation.views.results_common import local_time, percent
from consultplatform_validation.what_we_did import what_we_did

bp = Blueprint("validation_public", __name__)



@bp.get("/c/<string(maxlength=80):slug>/wat-we-ermee-deden")
def page(slug: str) -> Any:
    consultation = Consultation.get_or_none((Consultation.slug == slug)
                                            & Consultation.status.in_(VISIBLE_STATUSES))
    if consultation is None:
        abort(404)
    found = what_we_did(consultation)
    if found is None:
        abort(404)
    settings, lang = validation_settings(consultation), current_language()
    return render_template("validation/public_what_we_did.html", page=found,
                           consultation=consultation, percent=percent,
                           verdicts=[(c.code, c.label(lang)) for c in settings.verdicts],
                           closed_at=local_time(found.round.closed_at))
