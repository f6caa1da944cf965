"""The consultation switcher in the admin's header: one POST that remembers the
choice (consultplatform.services.workspace) and goes back to the page it came from."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_login import current_user

from consultplatform.admin.base import SecureView
from consultplatform.i18n import safe_next
from consultplatform.ids import parse_id
from consultplatform.models import Consultation
from consultplatform.services.workspace import WorkspaceError, choose_consultation
from consultplatform.workspace import current_consultation_id, visible_consultations

ALL = "all"


class WorkspaceView(SecureView):
    def is_visible(self) -> bool:
        return False  # the switcher in the header, not a menu entry

    @expose("/", methods=("POST",))
    def index(self):
        raw = request.form.get("consultation", "")
        chosen = None if raw == ALL else parse_id(raw)
        if raw != ALL and chosen is None:
            abort(400)
        try:
            choose_consultation(current_user.id, chosen)
        except WorkspaceError as refused:
            flash(str(refused), "error")
        target = safe_next(request.form.get("next"), fallback="/admin/")
        # A record of another consultation is no longer on the list: go to the list.
        if "/edit/" in target or "/details/" in target:
            target = target.split("/edit/")[0].split("/details/")[0] + "/"
        return redirect(target, code=303)


def switcher() -> dict[str, Any]:
    """What the header's switcher shows: the consultations and the current one."""
    if not current_user or not current_user.is_authenticated:
        return {"choices": [], "current": None}
    choices = list(visible_consultations(current_user)
                   .select(Consultation.id, Consultation.title, Consultation.status))
    return {"choices": choices, "current": current_consultation_id()}
