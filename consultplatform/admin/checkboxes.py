"""A multiple choice shown as a group of checkboxes (what staff are asked to tick),
not as a multi-select list that needs Ctrl-click."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput


class CheckboxGroupWidget:
    """The options as checkboxes in a labelled group (``role="group"``)."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs.pop("class", None)  # Flask-Admin's form-control suits a select, not this
        items = []
        for value, label, checked, _attrs in field.iter_choices():
            option_id = f"{field.id}-{escape(value)}"
            box = CheckboxInput()(_Option(field.name, option_id, value, checked),
                                  class_="form-check-input")
            items.append(Markup('<div class="form-check">{} <label class="form-check-label" '
                                'for="{}">{}</label></div>').format(box, option_id, label))
        return Markup('<div class="cp-checkboxes" id="{}" role="group" aria-label="{}">{}'
                      '</div>').format(field.id, field.label.text, Markup("").join(items))


class _Option:
    """Just enough of a field for WTForms' CheckboxInput."""

    def __init__(self, name: str, option_id: str, value: Any, checked: bool) -> None:
        self.name, self.id, self._value_text, self.checked = name, option_id, value, checked
        self.data = checked

    def _value(self) -> str:
        return str(self._value_text)


class CheckboxListField(SelectMultipleField):
    widget = CheckboxGroupWidget()
