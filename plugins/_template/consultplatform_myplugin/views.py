"""The plugin's public page: how many notes a consultation has (aggregates only)."""

from __future__ import annotations

from consultplatform_myplugin.models import MypluginNote
from flask import Blueprint, abort, render_template

from consultplatform.api import Consultation

bp = Blueprint("myplugin", __name__, url_prefix="/myplugin", template_folder="templates")


@bp.get("/<id:consultation_id>")
def notes(consultation_id: int):
    consultation = Consultation.get_or_none((Consultation.id == consultation_id)
                                            & (Consultation.status == "published"))
    if consultation is None:
        abort(404)
    count = MypluginNote.select().where(MypluginNote.consultation == consultation.id).count()
    return render_template("myplugin/notes.html", consultation=consultation, count=count)
