"""Every problem with an admin form lands on its field, in the user's language.

- WTForms keeps a validator's lazy message as it is, and Flask-Admin only shows
  errors that are ``str``: a Regexp with a translated message made the form fail
  with no field marked and Flask-Admin's English "Failed to create record.".
  :class:`consultplatform.forms.SafeForm` turns them into text; that flash says,
  through the core's catalogue for Flask-Admin's "admin" domain, that nothing was
  saved yet and which fields to correct.
- A value a unique constraint forbids is found before saving (and again when the
  database refuses it, in a race) and named on the field it is about:
  :func:`unique_errors`.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from peewee import ForeignKeyField


def unique_groups(model: Any) -> list[tuple[str, ...]]:
    """The model's unique constraints as tuples of field names."""
    groups: list[tuple[str, ...]] = [(name,) for name, field in model._meta.fields.items()
              if field.unique and not field.primary_key]
    groups += [tuple(str(f) for f in fields) for fields, unique in (model._meta.indexes or ())
               if unique and isinstance(fields, list | tuple)]
    return groups


def _value(form: Any, obj: Any, name: str) -> Any:
    """The value the row will have: the form's, else the edited row's (an id for a key)."""
    if name in form:
        data = form[name].data
        return getattr(data, "_pk", data)
    if obj is None:
        return None
    is_key = isinstance(obj._meta.fields.get(name), ForeignKeyField)
    return getattr(obj, f"{name}_id" if is_key else name, None)


def unique_errors(model: Any, form: Any, obj: Any = None,
                  messages: dict[tuple[str, ...], Any] | None = None) -> dict[str, str]:
    """{field name: message} for each unique constraint another row already fills
    with the form's values (``obj``: the row being edited, left out of the search).
    ``messages`` says it better for a constraint than the general sentence."""
    labels = {name: form[name].label.text for name in form._fields}
    errors: dict[str, str] = {}
    pk = model._meta.primary_key
    for group in unique_groups(model):
        values = {name: _value(form, obj, name) for name in group}
        if any(value in (None, "") for value in values.values()):
            continue
        target = next((n for n in reversed(group) if n in form
                       and not isinstance(model._meta.fields[n], ForeignKeyField)),
                      next((n for n in reversed(group) if n in form), None))
        if target is None or target in errors:
            continue
        query = model.select(pk)
        for name, value in values.items():
            query = query.where(model._meta.fields[name] == value)
        if obj is not None:
            query = query.where(pk != obj._pk)
        if not query.exists():
            continue
        scope = [labels[n] for n in group if n != target and n in labels]
        if messages and group in messages:
            errors[target] = str(messages[group])
            continue
        errors[target] = (_("Another record already has this value within the chosen "
                            "%(scope)s; choose another.", scope=str(scope[0]).lower())
                          if scope else
                          _("Another record already has this value; choose another."))
    return errors


def add_errors(form: Any, errors: dict[str, str]) -> None:
    for name, message in errors.items():
        form[name].errors = [*form[name].errors, message]
