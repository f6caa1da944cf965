"""The validation rounds in /admin, on the consultation the staff member works on:
the list (status, items, voters, turnout, times) with the form for a new round,
a round's page (its frozen items, turnout per sector and side, the links to the
presenter, results and decisions), changing its settings, taking the agenda
again, opening (after a confirmation that says how many will be invited) and
closing; the paper entry lives in ``views/paper.py``.

Every staff role reads; administrators and moderators change (viewers get 403 on
POST). A closed round is read only (409). Without JavaScript: POST forms with a
CSRF token, 303 after success, the form sent back (4xx) with what was typed.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _

from consultplatform.api import (
    Consultation,
    SafeForm,
    SecureView,
    current_consultation_id,
)
from consultplatform_validation.models import ValidationRound
from consultplatform_validation.rounds import (
    RoundError,
    close_round,
    create_round,
    open_round,
    refreeze_agenda,
    update_round,
)
from consultplatform_validation.settings import validation_settings
from consultplatform_validation.views import rounds_data
from consultplatform_validation.views.paper import PaperPages
from consultplatform_validation.views.rounds_forms import (
    SIDE_LABELS,
    STATUS_LABELS,
    RoundForm,
    may_edit,
    put_error,
    round_form,
    visible_round,
    writable_round,
)


def _consultation() -> Consultation | None:
    chosen = current_consultation_id()
    return None if chosen is None else Consultation.get_or_none(Consultation.id == chosen)


def _new_form(consultation: Consultation) -> RoundForm:
    form = RoundForm(formdata=None)
    form.reminder_hours.data = validation_settings(consultation).reminder_hours
    form.sides.data = ["entrepreneur", "government", "education", "other"]
    return form


class RoundsView(PaperPages, SecureView):
    @expose("/")
    def index(self) -> Any:
        consultation = _consultation()
        return self._index(consultation, _new_form(consultation) if consultation else None)

    @expose("/new", methods=("POST",))
    def create(self) -> Any:
        if not may_edit():
            self.deny("create validation round")
        consultation = _consultation()
        if consultation is None:
            abort(400, description=_("Choose a consultation in the switcher at the top of the "
                                     "page first; nothing was saved."))
        form = RoundForm()
        problem, status = None, 422
        if form.validate():
            try:
                round_ = create_round(consultation.id, form.round_input())
            except RoundError as exc:
                problem, status = put_error(form, exc), exc.status
            else:
                flash(_("The round “%(title)s” was made on the agenda as it is now.",
                        title=round_.title), "success")
                return redirect(url_for(".round", round_id=round_.id), code=303)
        return self._index(consultation, form, problem=problem, status=status)

    @expose("/<id:round_id>/")
    def round(self, round_id: int) -> Any:
        round_ = visible_round(round_id)
        return self.render("validation/rounds_round.html", round=round_,
                           items=rounds_data.round_items(round_.id),
                           turnout=rounds_data.turnout(round_.id),
                           side_labels=SIDE_LABELS, status_labels=STATUS_LABELS,
                           may_edit=may_edit() and round_.status != "closed")

    @expose("/<id:round_id>/edit", methods=("GET", "POST"))
    def edit(self, round_id: int) -> Any:
        if request.method == "GET":
            round_ = writable_round(self, round_id, "change validation round")
            return self._edit_page(round_, round_form(round_))
        round_ = writable_round(self, round_id, "change validation round")
        form = RoundForm()
        problem, status = None, 422
        if form.validate():
            try:
                update_round(round_.id, form.round_input())
            except RoundError as exc:
                if exc.status == 409:
                    abort(409, description=str(exc))
                problem, status = put_error(form, exc), exc.status
            else:
                flash(_("The round was saved."), "success")
                return redirect(url_for(".round", round_id=round_.id), code=303)
        return self._edit_page(round_, form, problem=problem, status=status)

    @expose("/<id:round_id>/agenda", methods=("POST",))
    def refreeze(self, round_id: int) -> Any:
        round_ = writable_round(self, round_id, "change validation round")
        self._check_csrf()
        count = self._service(refreeze_agenda, round_.id)
        flash(_("The round now holds the agenda as it is now: %(num)d items.", num=count),
              "success")
        return redirect(url_for(".round", round_id=round_.id), code=303)

    @expose("/<id:round_id>/open", methods=("GET", "POST"))
    def open(self, round_id: int) -> Any:
        if request.method == "GET":
            round_ = writable_round(self, round_id, "open validation round")
            if round_.status != "draft":
                abort(409, description=_("This round is already open or closed."))
            return self.render("validation/rounds_open.html", round=round_,
                               invited=rounds_data.invite_count(round_),
                               items=len(rounds_data.round_items(round_.id)))
        round_ = writable_round(self, round_id, "open validation round")
        self._check_csrf()
        voters = self._service(open_round, round_.id)
        flash(_("The round is open: %(num)d people were invited.", num=voters), "success")
        return redirect(url_for(".round", round_id=round_.id), code=303)

    @expose("/<id:round_id>/close", methods=("POST",))
    def close(self, round_id: int) -> Any:
        round_ = writable_round(self, round_id, "close validation round")
        self._check_csrf()
        self._service(close_round, round_.id)
        flash(_("The round is closed; its results are frozen."), "success")
        return redirect(url_for(".round", round_id=round_.id), code=303)

    # --- helpers ------------------------------------------------------------

    @staticmethod
    def _check_csrf() -> None:
        form = SafeForm()
        if not form.validate():
            abort(400, description=_("The form has expired. Please send it again."))

    @staticmethod
    def _service(call: Any, *args: Any) -> Any:
        try:
            return call(*args)
        except RoundError as exc:
            abort(exc.status, description=str(exc))

    def _index(self, consultation: Consultation | None, form: RoundForm | None, *,
               problem: str | None = None, status: int = 200) -> Any:
        rows = rounds_data.round_rows(consultation.id) if consultation else []
        return self.render("validation/rounds.html", consultation=consultation, rows=rows,
                           form=form, may_edit=may_edit(), problem=problem,
                           status_labels=STATUS_LABELS), status

    def _edit_page(self, round_: ValidationRound, form: RoundForm, *,
                   problem: str | None = None, status: int = 200) -> Any:
        if round_.status == "closed":
            abort(409, description=_("This round is closed."))
        return self.render("validation/rounds_edit.html", round=round_, form=form,
                           problem=problem), status
