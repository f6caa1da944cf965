"""Admin forms of things that belong to one consultation (sessions, sectors,
themes): the consultation is chosen once and kept.

- ``/new/?consultation=<id>`` starts the form with that consultation chosen, and
  "Save and add another" comes back to it with the same consultation (setting up
  seven arenas is seven sessions of one consultation);
- choices that belong to a consultation themselves (a session's sector) list only
  the chosen consultation's; while it is not chosen yet each option carries its
  consultation (``data-consultation``) and admin-forms.js shows the matching ones
  when the consultation changes. The model's ``clean()`` still refuses a mix.
"""

from __future__ import annotations

from typing import Any

from flask import g, request
from wtforms.fields import Choice

from consultplatform.admin.base import parse_id
from consultplatform.admin.next_step import flash_next_step
from consultplatform.mixins import MixinBase
from consultplatform.models import Consultation
from consultplatform.workspace import current_consultation_id


def chosen_consultation(form: Any, obj: Any = None) -> int | None:
    """The consultation the form is about: the posted one, the edited row's,
    ``?consultation=`` on a new form, or the one the staff member works on."""
    if request.method == "POST" and "consultation" in form:
        data = form.consultation.data
        return getattr(data, "id", None) if data is not None else None
    if obj is not None:
        return obj.consultation_id
    return parse_id(request.args.get("consultation", "")) or current_consultation_id()


class TaggedChoicesMixin(MixinBase):
    """For a record choice whose rows have a consultation: each option says which."""

    def iter_choices(self):
        if self.allow_blank:
            yield Choice("__None", self.blank_text, self.data is None, {})
        for row in self.query.clone():
            yield Choice(row._pk, self.get_label(row), row == self.data,
                         {"data-consultation": str(row.consultation_id)})


class ConsultationScopedView(MixinBase):
    """Mixin for model views with a ``consultation`` field; ``scoped_choices`` names
    the fields whose choices belong to one consultation (e.g. ``{"sector": Sector}``)."""

    scoped_choices: dict[str, Any] = {}

    def scaffold_form(self):
        form_class = super().scaffold_form()
        for name in self.scoped_choices:
            unbound = getattr(form_class, name, None)
            if unbound is None:
                continue
            tagged = type(f"Tagged{unbound.field_class.__name__}",
                          (TaggedChoicesMixin, unbound.field_class), {})
            replacement = type(unbound)(tagged, *unbound.args, **unbound.kwargs)
            replacement.creation_counter = unbound.creation_counter
            setattr(form_class, name, replacement)
        return form_class

    def scope_form(self, form: Any, obj: Any = None) -> Any:
        consultation_id = chosen_consultation(form, obj)
        if obj is None and request.method == "GET" and consultation_id and "consultation" in form:
            form.consultation.data = Consultation.get_or_none(Consultation.id == consultation_id)
        if consultation_id:
            for name, model in self.scoped_choices.items():
                if name in form:
                    form[name].query = (model.select()
                                        .where(model.consultation == consultation_id)
                                        .order_by(*_order(model)))
        return form

    def create_form(self, obj=None):
        return self.scope_form(super().create_form(obj))

    def edit_form(self, obj=None):
        return self.scope_form(super().edit_form(obj), obj)

    def after_model_change(self, form, model, is_created: bool) -> None:
        g.cp_saved_consultation = getattr(model, "consultation_id", None)
        super().after_model_change(form, model, is_created)
        if g.cp_saved_consultation:
            flash_next_step(model.consultation)

    def get_url(self, endpoint: str, **kwargs: Any) -> str:
        if endpoint == ".create_view" and request.method == "POST" \
                and "_add_another" in request.form and g.get("cp_saved_consultation"):
            kwargs.setdefault("consultation", g.cp_saved_consultation)
        return super().get_url(endpoint, **kwargs)


def _order(model: Any) -> list:
    fields = model._meta.fields
    return [fields[name] for name in ("position", "name") if name in fields]
