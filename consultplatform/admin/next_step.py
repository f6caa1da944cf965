"""After a save in the set-up of a consultation, the page says what comes next: the
first thing the dashboard still misses, linked to the page that fixes it."""

from __future__ import annotations

from flask import flash, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from consultplatform.contributions import StepCheck
from consultplatform.dashboard import steps
from consultplatform.models import Consultation


def next_check(consultation: Consultation) -> StepCheck | None:
    """The first missing thing of the first step that is not done, in the case's order."""
    for step in steps(consultation):
        if step.state != "done" and step.checks:
            return step.checks[0]
    return None


def flash_next_step(consultation: Consultation | None) -> None:
    if consultation is None:
        return
    check = next_check(consultation)
    if check is None:
        flash(Markup("{} <a href=\"{}\">{}</a>").format(
            _("Next step:"), url_for("admin.index"),
            _("nothing is missing for now; the dashboard shows the whole trajectory.")), "info")
        return
    flash(Markup("{} <a href=\"{}\">{}</a>").format(_("Next step:"), check.url, check.text),
          "info")
