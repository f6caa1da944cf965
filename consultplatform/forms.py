"""The base of every form in the product (public pages, admin, plugins).

:class:`SafeForm` checks every text field for control and direction characters
(see :mod:`consultplatform.text`), whatever validators the field itself has, so
no form can forget it. The refusal is a message on the field, in the user's
language; nothing reaches the database or a mail.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, SelectChoice, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import ValidationError

from consultplatform.text import unsafe_in_line, unsafe_in_text

LINE_MESSAGE = _l("Remove the line breaks and invisible control characters from this field.")
TEXT_MESSAGE = _l("Remove the invisible control characters from this text.")


def _values(field: Field) -> list[str]:
    """The field's value after its filters (a stripped trailing line break is gone)."""
    data = field.data
    values = data if isinstance(data, list | tuple) else [data]
    return [v for v in values if isinstance(v, str)]


def single_line(form: Any, field: Field) -> None:
    """Validator: one line of visible text."""
    if any(unsafe_in_line(value) for value in _values(field)):
        raise ValidationError(str(LINE_MESSAGE))


def multi_line(form: Any, field: Field) -> None:
    """Validator: text that may have line breaks and tabs, but no other controls."""
    if any(unsafe_in_text(value) for value in _values(field)):
        raise ValidationError(str(TEXT_MESSAGE))


def text_check(field: Field):
    """The character check a field gets: multi-line for text areas (and fields that
    say ``multiline = True``), one line for every other text field."""
    if isinstance(field, TextAreaField) or getattr(field, "multiline", False):
        return multi_line
    if isinstance(field, StringField):
        return single_line
    return None


def text_checks(form: Any) -> dict[str, list]:
    """``extra_validators`` for ``form.validate``: the character check of each text field."""
    checks: dict[str, list] = {}
    for name, field in form._fields.items():
        check = text_check(field)
        if check is not None:
            checks[name] = [check]
    return checks


class SafeForm(FlaskForm):
    """FlaskForm (CSRF token) with the character checks on every text field."""

    def validate(self, extra_validators: dict[str, list] | None = None) -> bool:
        checks = text_checks(self)
        for name, validators in (extra_validators or {}).items():
            checks[name] = [*checks.get(name, []), *validators]
        valid = super().validate(extra_validators=checks)
        for field in self:
            # A validator's lazy (translatable) message stays lazy in WTForms; pages
            # (Flask-Admin's among them) show only plain text.
            if isinstance(field.errors, list):
                field.errors = [e if isinstance(e, str | dict | list) else str(e)
                                for e in field.errors]
        return valid


def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3 choice objects."""
    return [SelectChoice(value, label) for value, label in pairs]


def strip(value: Any) -> Any:
    """A field filter: surrounding white space off a text value."""
    return value.strip() if isinstance(value, str) else value


class CheckboxesField(SelectMultipleField):
    """A multiple choice as a list of checkboxes (the sign-up's sessions and choice
    questions; the admin's CheckboxListField)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()
