"""The draft agenda in /admin, on the consultation the staff member works on: the
items per theme (leading themes first), each with its actions in order; adding
and changing items, moving an action up or down, recording a decision; and each
item's provenance page.

Every staff role reads; administrators and moderators change the agenda (a
moderator works only in consultations where they moderate a session: the
workspace switcher offers only those). Without JavaScript: POST forms with a CSRF
token, 303 after success, the form sent back (4xx) with what was typed on error.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from consultplatform.api import (
    AgendaError,
    AgendaItem,
    Consultation,
    SafeForm,
    SecureView,
    action_vocabulary,
    current_consultation_id,
    current_language,
    options,
    parse_id,
    strip,
)
from consultplatform_workshops.agenda import (
    POSITION_MAX,
    TEXT_MAX,
    ItemInput,
    WorkshopError,
    action_order,
    add_item,
    decide,
    item_in,
    move_action,
    save_item,
    stamp,
)
from consultplatform_workshops.draft_agenda import action_choices, load_agenda
from consultplatform_workshops.leading import RankedTheme, ranked_themes
from consultplatform_workshops.provenance import PER_ACTION, SIDES, load_provenance

EDIT_ROLES = ("admin", "moderator")
DECISION_CHOICES = (("adopted", _l("Adopted")), ("amended", _l("Amended")),
                    ("dropped", _l("Dropped")), ("proposed", _l("Proposed")))
SIDE_LABELS = {"entrepreneur": _l("Entrepreneur"), "government": _l("Government"),
               "education": _l("Education"), "other": _l("Other")}
LINK_LABELS = {"answers": _l("Answers"), "merges": _l("Merged (came with a merged action)"),
               "splits": _l("Split (one part of a split action)")}


def chosen_consultation() -> Consultation | None:
    consultation_id = current_consultation_id()
    if consultation_id is None:
        return None
    return Consultation.get_or_none(Consultation.id == consultation_id)


def may_edit() -> bool:
    return bool(current_user.is_authenticated and current_user.role in EDIT_ROLES)


class ItemForm(SafeForm):
    title = StringField(_l("Title"), filters=[strip], validators=[
        InputRequired(_l("Give the item a title.")), Length(max=200)])
    theme = SelectField(_l("Theme"), validate_choice=False)
    text = TextAreaField(_l("Text"), validators=[Length(max=TEXT_MAX)],
                         description=_l("What the item says; a changed text becomes a new "
                                        "version, the earlier ones are kept."))
    position = IntegerField(_l("Order within its theme"), default=0,
                            validators=[Optional(), NumberRange(0, POSITION_MAX)],
                            description=_l("Items with a lower number come first."))
    actions = SelectMultipleField(_l("Actions"), validate_choice=False,
                                  description=_l("The actions the item takes up. Actions an "
                                                 "item already has keep their order, newly "
                                                 "ticked ones go at the end; “Move up” and "
                                                 "“Move down” on the agenda change the order."))
    seen = HiddenField()

    def item_input(self) -> ItemInput | None:
        """The input, or None with the errors on the fields."""
        theme_id = None
        if self.theme.data:
            theme_id = parse_id(self.theme.data)
            if theme_id is None:
                self.theme.errors = [_("Choose one of the themes shown.")]
        action_ids = [parse_id(value) for value in self.actions.data or []]
        if any(ident is None for ident in action_ids):
            self.actions.errors = [_("Choose from the actions shown.")]
        if self.theme.errors or self.actions.errors:
            return None
        return ItemInput(title=self.title.data or "", text=self.text.data or "",
                         theme_id=theme_id, position=self.position.data or 0,
                         action_ids=[ident for ident in action_ids if ident is not None])


class DecisionForm(SafeForm):
    decision = SelectField(_l("Decision"), choices=options(DECISION_CHOICES),
                           validate_choice=False)
    reason = TextAreaField(_l("Reason"), validators=[Length(max=5000)],
                           description=_l("Needed when the item is amended or dropped: the "
                                          "memo reports it."))


def item_form(item: AgendaItem) -> ItemForm:
    """The edit form as the item is now (with the stamp it was opened on)."""
    form = ItemForm(formdata=None, title=item.title, text=item.text,
                    theme=str(item.theme_id or ""), position=item.position, seen=stamp(item))
    form.actions.data = [str(ident) for ident in action_order(item.id)]
    return form


def put_error(form: SafeForm, exc: AgendaError | WorkshopError) -> str | None:
    """The service's refusal on its field; the message for the page when no field fits."""
    target = getattr(form, exc.field, None)
    if target is not None and exc.field not in ("seen", "csrf_token"):
        target.errors = [*(target.errors or []), str(exc)]
        return None
    return str(exc)


class AgendaView(SecureView):
    @expose("/")
    def index(self) -> Any:
        return self._index(ItemForm(formdata=None))

    @expose("/items", methods=("POST",))
    def create(self) -> Any:
        consultation = self._writable()
        form = ItemForm()
        problem, status = None, 422
        data = form.item_input() if form.validate() else None
        if data is not None:
            try:
                item = add_item(consultation.id, data)
            except (AgendaError, WorkshopError) as exc:
                problem = put_error(form, exc)
                status = getattr(exc, "status", 422)
            else:
                flash(_("The agenda item “%(title)s” was added.", title=item.title), "success")
                return redirect(url_for(".index", _anchor=f"item-{item.id}"), code=303)
        return self._index(form, problem=problem, status=status)

    @expose("/item/<id:item_id>/")
    def item(self, item_id: int) -> Any:
        consultation = self._consultation_or_404()
        item = self._item(consultation.id, item_id)
        return self.render("workshops/provenance.html", consultation=consultation,
                           provenance=load_provenance(item), per_action=PER_ACTION,
                           sides=SIDES, side_labels=SIDE_LABELS, link_labels=LINK_LABELS,
                           vocabulary=action_vocabulary(consultation),
                           lang=current_language(), may_edit=may_edit(),
                           decisions=dict(DECISION_CHOICES))

    @expose("/item/<id:item_id>/edit", methods=("GET", "POST"))
    def edit(self, item_id: int) -> Any:
        if not may_edit():
            self.deny("change draft agenda")
        consultation = (self._writable() if request.method == "POST"
                        else self._consultation_or_404())
        item = self._item(consultation.id, item_id)
        if request.method == "GET":
            return self._edit_page(consultation, item, item_form(item),
                                   DecisionForm(formdata=None))
        form = ItemForm()
        problem, status = None, 422
        data = form.item_input() if form.validate() else None
        if data is not None:
            try:
                save_item(consultation.id, item.id, data, form.seen.data or "")
            except (AgendaError, WorkshopError) as exc:
                problem = put_error(form, exc)
                status = getattr(exc, "status", 422)
                if status == 404:
                    abort(404, description=str(exc))
                if status == 409 and exc.field == "item":
                    item = AgendaItem.get_by_id(item.id)
                    form.seen.data = stamp(item)  # saving again takes this version
            else:
                flash(_("The agenda item was saved."), "success")
                return redirect(url_for(".index", _anchor=f"item-{item.id}"), code=303)
        return self._edit_page(consultation, item, form, DecisionForm(formdata=None),
                               problem=problem, status=status)

    @expose("/item/<id:item_id>/decision", methods=("POST",))
    def decision(self, item_id: int) -> Any:
        consultation = self._writable()
        item = self._item(consultation.id, item_id)
        form = DecisionForm()
        if form.validate():
            try:
                decide(consultation.id, item.id, form.decision.data or "",
                       form.reason.data or "")
            except (AgendaError, WorkshopError) as exc:
                if getattr(exc, "status", 422) == 404:
                    abort(404, description=str(exc))
                put_error(form, exc)
            else:
                flash(_("The decision was recorded."), "success")
                return redirect(url_for(".item", item_id=item.id), code=303)
        return self._edit_page(consultation, item, item_form(item), form, status=422)

    @expose("/item/<id:item_id>/move", methods=("POST",))
    def move(self, item_id: int) -> Any:
        consultation = self._writable()
        action_id = parse_id(request.form.get("action"))
        if action_id is None:
            abort(400, description=_("Use the buttons on the page to move an action."))
        try:
            move_action(consultation.id, item_id, action_id, request.form.get("direction", ""))
        except WorkshopError as exc:
            abort(exc.status, description=str(exc))
        return redirect(url_for(".index", _anchor=f"item-{item_id}-action-{action_id}"),
                        code=303)

    # --- helpers ------------------------------------------------------------

    def _consultation_or_404(self) -> Consultation:
        consultation = chosen_consultation()
        if consultation is None:
            abort(404, description=_("The draft agenda is made per consultation. Choose the "
                                     "consultation in the switcher at the top of the page."))
        return consultation

    def _writable(self) -> Consultation:
        """POSTs: the consultation worked on, for someone who may change the agenda."""
        if not may_edit():
            self.deny("change draft agenda")
        consultation = chosen_consultation()
        if consultation is None:
            abort(400, description=_("Choose a consultation in the switcher at the top of the "
                                     "page first; nothing was saved."))
        return consultation

    @staticmethod
    def _item(consultation_id: int, item_id: int) -> AgendaItem:
        try:
            return item_in(consultation_id, item_id)
        except WorkshopError as exc:
            abort(404, description=str(exc))

    def _choices(self, form: ItemForm, consultation_id: int,
                 themes: list[RankedTheme] | None = None) -> list:
        """The form's theme and action choices; ``themes``: the ranking already read."""
        if themes is None:
            themes = ranked_themes(consultation_id)
        form.theme.choices = options([("", _("No theme"))]
                                     + [(str(t.id), t.name) for t in themes])
        actions = action_choices(consultation_id)
        form.actions.choices = options((str(a.id), a.title) for a in actions)
        return actions

    def _index(self, form: ItemForm, *, problem: str | None = None, status: int = 200) -> Any:
        consultation = chosen_consultation()
        if consultation is None:
            return self.render("workshops/agenda.html", consultation=None), (
                200 if status == 200 else status)
        agenda = load_agenda(consultation.id)
        actions = self._choices(form, consultation.id, agenda.themes)
        return self.render("workshops/agenda.html", consultation=consultation,
                           agenda=agenda, form=form, actions=actions,
                           vocabulary=action_vocabulary(consultation), lang=current_language(),
                           may_edit=may_edit(), problem=problem,
                           decisions=dict(DECISION_CHOICES)), status

    def _edit_page(self, consultation: Consultation, item: AgendaItem, form: ItemForm,
                   decision_form: DecisionForm, *, problem: str | None = None,
                   status: int = 200) -> Any:
        actions = self._choices(form, consultation.id)
        chosen = [value for value in (form.actions.data or [])]
        by_id = {str(a.id): a for a in actions}
        picked = set(chosen)
        ordered = [by_id[v] for v in chosen if v in by_id] + [
            a for a in actions if str(a.id) not in picked]
        return self.render("workshops/agenda_edit.html", consultation=consultation, item=item,
                           form=form, decision_form=decision_form, actions=ordered,
                           chosen=picked, vocabulary=action_vocabulary(consultation),
                           lang=current_language(), problem=problem, conflict=status == 409,
                           decisions=dict(DECISION_CHOICES)), status

