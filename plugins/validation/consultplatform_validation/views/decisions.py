"""Deciding on the agenda after a round has closed, in /admin: per item the validation
result beside a form that records the decision through the core (adopted, amended
with a new wording, dropped; the reason needed for the last two), and the item's
history of decisions and versions. Below, the button that mails everyone who took
part the link to "what we did with your input" (once per person).

Every staff role reads; administrators and moderators decide and send (viewers get
403). 409 before the round has closed. Without JavaScript: POST forms with a CSRF
token, 303 after success, the page again (4xx) with what was typed on error.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from consultplatform.api import (
    TEXT_MAX,
    VISIBLE_STATUSES,
    AgendaItem,
    Consultation,
    SafeForm,
    SecureView,
    options,
    public_url,
    strip,
)
from consultplatform_validation.decisions import (
    REASON_MAX,
    TITLE_MAX,
    DecisionInput,
    decide,
    histories,
    round_items,
)
from consultplatform_validation.labels import group_label
from consultplatform_validation.models import ValidationRound
from consultplatform_validation.rounds import RoundError
from consultplatform_validation.views.results_common import (
    STATUS_LABELS,
    field_attrs,
    local_time,
    may_edit,
    percent,
    verdict_labels,
    workspace_round,
)
from consultplatform_validation.what_we_did import (
    mails_sent,
    page_path,
    published_round,
    send_what_we_did,
)

DECISION_CHOICES = (("adopted", _l("Adopted")), ("amended", _l("Amended, with a new wording")),
                    ("dropped", _l("Dropped")))
HISTORY_LABELS = {"proposed": _l("Proposed"), **dict(DECISION_CHOICES)}


class DecisionForm(SafeForm):
    decision = RadioField(_l("Decision"), choices=options(DECISION_CHOICES), validate_choice=False,
                          validators=[DataRequired(_l("Choose a decision."))])
    reason = TextAreaField(_l("Reason"), validators=[Length(max=REASON_MAX)],
                           description=_l("Needed when the item is amended or dropped: the "
                                          "memo and the public page report it."))
    new_title = StringField(_l("New title"), filters=[strip],
                            validators=[Length(max=TITLE_MAX)],
                            description=_l("Only for an amendment: the wording becomes the "
                                           "item's next version; the earlier ones are kept."))
    new_text = TextAreaField(_l("New text"), validators=[Length(max=TEXT_MAX)])

    def decision_input(self) -> DecisionInput:
        return DecisionInput(decision=self.decision.data or "", reason=self.reason.data or "",
                             new_title=self.new_title.data or "",
                             new_text=self.new_text.data or "")


class MailForm(SafeForm):
    confirm = BooleanField(_l("Yes, mail everyone who took part in the consultation"),
                           validators=[DataRequired(_l("Tick the box to confirm."))])


def fresh_form(item_id: int, agenda_item: AgendaItem | None) -> DecisionForm:
    """An item's empty decision form, the wording filled in as it is now."""
    return DecisionForm(formdata=None, prefix=f"item-{item_id}",
                        new_title=agenda_item.title if agenda_item else "",
                        new_text=agenda_item.text if agenda_item else "")


def put_error(form: SafeForm, refused: RoundError) -> str | None:
    """The refusal on its field; the message for the page when no field fits."""
    target = getattr(form, refused.field, None)
    if target is not None and refused.field != "csrf_token":
        target.errors = [*(target.errors or []), str(refused)]
        return None
    return str(refused)


class DecisionsView(SecureView):
    @expose("/")
    def index(self) -> Any:
        abort(404, description=_("Decisions are recorded per validation round: open a closed "
                                 "round from the list of results."))

    @expose("/<id:round_id>/")
    def round(self, round_id: int) -> Any:
        round_, consultation = self._closed(round_id)
        return self._page(round_, consultation)

    @expose("/<id:round_id>/item/<id:item_id>", methods=("POST",))
    def decision(self, round_id: int, item_id: int) -> Any:
        if not may_edit():
            self.deny("validation decision")
        round_, consultation = self._closed(round_id)
        form = DecisionForm(prefix=f"item-{item_id}")
        problem, status = None, 422
        if form.validate():
            try:
                decide(round_.id, item_id, form.decision_input())
            except RoundError as refused:
                if refused.status == 404:
                    abort(404, description=str(refused))
                problem, status = put_error(form, refused), refused.status
                status = 422 if status == 400 else status
            else:
                flash(_("The decision was recorded."), "success")
                return redirect(url_for(".round", round_id=round_.id,
                                        _anchor=f"item-{item_id}"), code=303)
        return self._page(round_, consultation, kept=(item_id, form), problem=problem,
                          status=status)

    @expose("/<id:round_id>/mail", methods=("POST",))
    def mail(self, round_id: int) -> Any:
        if not may_edit():
            self.deny("validation what-we-did mail")
        round_, consultation = self._closed(round_id)
        form = MailForm()
        if not form.validate():
            return self._page(round_, consultation, mail_form=form, status=422)
        try:
            queued = send_what_we_did(consultation.id)
        except RoundError as refused:
            form.confirm.errors = [str(refused)]
            return self._page(round_, consultation, mail_form=form, status=refused.status)
        flash(ngettext("The mail was queued for %(num)d person.",
                       "The mail was queued for %(num)d people.", queued)
              if queued else _("Everyone who took part has had the mail already: none was "
                               "sent again."), "success")
        return redirect(url_for(".round", round_id=round_.id, _anchor="mail"), code=303)

    # --- helpers ------------------------------------------------------------

    @staticmethod
    def _closed(round_id: int) -> tuple[ValidationRound, Consultation]:
        round_, consultation = workspace_round(round_id)
        if round_.status != "closed":
            abort(409, description=_("Decisions are recorded once the round has closed."))
        return round_, consultation

    def _page(self, round_: ValidationRound, consultation: Consultation, *,
              kept: tuple[int, DecisionForm] | None = None, mail_form: MailForm | None = None,
              problem: str | None = None, status: int = 200) -> Any:
        items = round_items(round_.id)
        history = histories([agenda.id for _item, agenda in items if agenda is not None])
        results = {row["id"]: row for row in (round_.results or {}).get("items", [])}
        forms = {item.id: fresh_form(item.id, agenda) for item, agenda in items}
        if kept is not None and kept[0] in forms:
            forms[kept[0]] = kept[1]
        published = (published_round(consultation.id)
                     if consultation.status in VISIBLE_STATUSES else None)
        return self.render(
            "validation/decisions.html", round=round_, consultation=consultation, items=items,
            results=results, forms=forms, history=history, labels=verdict_labels(consultation),
            group_label=group_label, percent=percent, charts=None, may_edit=may_edit(),
            mail_form=mail_form or MailForm(formdata=None), problem=problem,
            statuses=STATUS_LABELS, decisions=HISTORY_LABELS, local_time=local_time,
            field_attrs=field_attrs,
            sent=mails_sent(consultation.id),
            public_page=public_url(page_path(consultation)) if published else None,
            shown_status=status), status
