"""Plugin fields on the admin's session form (``cp_session_form_parts``): an arena's
sectors and extra moderators are set where the arena itself is set up."""

from __future__ import annotations

from typing import Any

from flask import g, has_app_context
from wtforms.validators import ValidationError

from consultplatform.admin.consultation_scope import chosen_consultation
from consultplatform.contributions import SessionFormPart
from consultplatform.mixins import MixinBase
from consultplatform.models import Consultation
from consultplatform.plugins import PluginError, registry


def session_form_parts() -> list[SessionFormPart]:
    """The enabled plugins' parts, asked once per request (the form class, its
    preparation, the check and the save all need them)."""
    if "cp_session_form_parts" not in g:
        parts = []
        for name, part in registry().items("cp_session_form_parts"):
            if not isinstance(part, SessionFormPart):
                raise PluginError(
                    f"{name}.cp_session_form_parts must return SessionFormPart items")
            parts.append(part)
        g.cp_session_form_parts = parts
    return list(g.cp_session_form_parts)


class SessionFormParts(MixinBase):
    """Mixin for the session view: the enabled plugins' fields in its forms.

    Flask-Admin keeps one form class per view; the parts depend on which plugins are
    switched on, so the classes it keeps are wrapped per request (a subclass with the
    parts' fields, made once per set of parts)."""

    @property
    def _create_form_class(self) -> Any:
        return self._with_parts(self.__dict__["_cp_create_base"])

    @_create_form_class.setter
    def _create_form_class(self, value: Any) -> None:
        self.__dict__["_cp_create_base"] = value

    @property
    def _edit_form_class(self) -> Any:
        return self._with_parts(self.__dict__["_cp_edit_base"])

    @_edit_form_class.setter
    def _edit_form_class(self, value: Any) -> None:
        self.__dict__["_cp_edit_base"] = value

    def _with_parts(self, base: Any) -> Any:
        if not has_app_context():  # Flask-Admin setting the view up
            return base
        parts = session_form_parts()
        if not parts:
            return base
        names = tuple(name for part in parts for name in part.fields)
        classes = self.__dict__.setdefault("_cp_part_classes", {})
        if (base, names) not in classes:
            anchor = getattr(base, "moderator", None)
            start = anchor.creation_counter if anchor is not None else 10**9
            extra = {}
            for step, (name, unbound) in enumerate(
                    (item for part in parts for item in part.fields.items()), start=1):
                unbound.creation_counter = start + step / 1000  # right after the moderator
                extra[name] = unbound
            classes[(base, names)] = type(f"{base.__name__}WithParts", (base,), extra)
        return classes[(base, names)]

    def prepare_parts(self, form: Any, obj: Any, may_write: bool) -> None:
        """Drop the fields that do not apply; let each part fill in the others."""
        consultation_id = chosen_consultation(form, obj)
        formats: list[str] = []
        if obj is None and consultation_id:
            # The form holds the consultation already (chosen, posted or remembered).
            found = form.consultation.data if "consultation" in form else None
            if not isinstance(found, Consultation) or found.id != consultation_id:
                found = Consultation.get_or_none(Consultation.id == consultation_id)
            formats = list(found.formats or []) if found is not None else []
        for part in session_form_parts():
            applies = may_write and (obj.format_key == part.format_key if obj is not None
                                     else not consultation_id or part.format_key in formats)
            if not applies:
                for name in part.fields:
                    if name in form:
                        delattr(form, name)
            elif all(name in form for name in part.fields):
                part.prepare(form, consultation_id, obj)

    @staticmethod
    def _sent_parts(form: Any, model: Any) -> list[SessionFormPart]:
        return [part for part in session_form_parts()
                if part.format_key == model.format_key
                and all(name in form for name in part.fields)]

    def check_parts(self, form: Any, model: Any) -> None:
        """The parts' own checks, each message on its field (raises to refuse the save)."""
        data = {name: field.data for name, field in form._fields.items()}
        messages = []
        for part in self._sent_parts(form, model):
            for name, message in (part.check(data) if part.check else {}).items():
                if name in form:
                    form[name].errors = [*form[name].errors, message]
                messages.append(message)
        if messages:
            raise ValidationError(" ".join(messages))

    def save_parts(self, model: Any) -> None:
        """Inside the save's transaction: each part stores its fields."""
        form = g.get("cp_form")
        if form is None:
            return
        data = {name: field.data for name, field in form._fields.items()}
        for part in self._sent_parts(form, model):
            part.save(model.id, data)
