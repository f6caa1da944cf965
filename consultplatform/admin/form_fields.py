"""Admin form fields bound to their columns: translated labels, native date inputs,
numbers within the column's range, record choices that are ids. Mixed into
:class:`consultplatform.admin.base.SecureModelView`."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext
from peewee import (
    BigIntegerField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    SmallIntegerField,
)
from wtforms import fields as wtf_fields
from wtforms.fields.core import UnboundField
from wtforms.validators import NumberRange, ValidationError
from wtfpeewee.fields import SelectMultipleQueryField, SelectQueryField

from consultplatform.forms import CheckboxesField
from consultplatform.ids import parse_id
from consultplatform.mixins import MixinBase

# The strictest range the databases give each integer column (PostgreSQL's; SQLite's is wider).
INTEGER_RANGES = ((SmallIntegerField, 2**15), (BigIntegerField, 2**63), (IntegerField, 2**31))


class CheckboxListField(CheckboxesField):
    """A multiple choice as a list of checkboxes (where the README says "tick"): the
    admin's ``lib.html`` renders it as a fieldset with a legend, a label per box."""


def plausible_date(form, field) -> None:
    """Dates between 2000 and 2100: a year 1 or 9999 breaks time-zone arithmetic."""
    if field.data is not None and not (2000 <= field.data.year <= 2100):
        raise ValidationError(str(lazy_gettext("Enter a date between 2000 and 2100.")))


class _IdLookup(MixinBase):
    """For record choices (foreign keys): a submitted value that cannot be an id is
    "not a valid choice" without asking the database, which would refuse it
    (PostgreSQL) or overflow (SQLite, past 2**63)."""

    def get_model(self, pk):
        if not isinstance(pk, int):
            pk = parse_id(pk)
        return None if pk is None else super().get_model(pk)

    def pre_validate(self, form):
        # A field filter (empty -> None) re-sets the raw value, and wtfpeewee then
        # checks it with a query of its own: mark a non-id as no choice before that.
        data = self.data
        if data is not None and not isinstance(data, (self.model, int)) and parse_id(data) is None:
            self._in_query = False
        super().pre_validate(form)


def _with_id_lookup(field_class: type) -> type:
    return type(f"Id{field_class.__name__}", (_IdLookup, field_class), {})


class ColumnBoundForms(MixinBase):
    """``scaffold_form`` for model views (see the module docstring)."""

    def scaffold_form(self):
        # Form fields take the view's translated column labels ("Starts", "Begint"),
        # not the prettified field names ("Starts At"), unless form_args names one.
        labels = self.column_labels or {}
        given: dict[str, Any] = getattr(self, "form_args", None) or {}
        self.form_args = {name: {**({"label": labels[name]} if name in labels else {}),
                                 **given.get(name, {})}
                          for name in {*labels, *given}}
        form_class = super().scaffold_form()
        self._bound_to_columns(form_class)
        # Native, keyboard-friendly date inputs instead of the JavaScript pickers.
        for name, field in self.model._meta.fields.items():
            unbound = getattr(form_class, name, None)
            if name in self.form_overrides or not isinstance(unbound, UnboundField):
                continue
            kwargs = dict(unbound.kwargs)
            label = unbound.args[0] if unbound.args else kwargs.get("label")
            common = {"validators": kwargs.get("validators", []),
                      "description": kwargs.get("description", "")}
            common["validators"] = [*common["validators"], plausible_date]
            if isinstance(field, DateTimeField):
                replacement = wtf_fields.DateTimeLocalField(
                    label, format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"], **common)
            elif isinstance(field, DateField):
                replacement = wtf_fields.DateField(label, **common)
            else:
                continue
            replacement.creation_counter = unbound.creation_counter  # keeps the field order
            setattr(form_class, name, replacement)
        return form_class

    def _bound_to_columns(self, form_class) -> None:
        """Form fields refuse, as a field error, what their column cannot hold:
        numbers outside its range and record choices that are not ids (wtfpeewee
        already limits text to the column's length). Otherwise SQLite overflows
        (a 500) and PostgreSQL refuses (a 400 without saying which field)."""
        for name, column in self.model._meta.fields.items():
            unbound = getattr(form_class, name, None)
            if not isinstance(unbound, UnboundField):
                continue
            field_class, kwargs = unbound.field_class, dict(unbound.kwargs)
            bound = next((b for kind, b in INTEGER_RANGES if isinstance(column, kind)), None)
            if bound is not None and issubclass(field_class, wtf_fields.IntegerField):
                kwargs["validators"] = [*(kwargs.get("validators") or []),
                                        NumberRange(min=-bound, max=bound - 1)]
            elif isinstance(column, ForeignKeyField) \
                    and isinstance(column.rel_model._meta.primary_key, IntegerField) \
                    and issubclass(field_class, SelectQueryField) \
                    and not issubclass(field_class, SelectMultipleQueryField | _IdLookup):
                field_class = _with_id_lookup(field_class)
            else:
                continue
            replacement = UnboundField(field_class, *unbound.args, name=unbound.name, **kwargs)
            replacement.creation_counter = unbound.creation_counter  # keeps the field order
            setattr(form_class, name, replacement)
