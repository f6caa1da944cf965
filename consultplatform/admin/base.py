"""The one admin base: access checks, CSRF through Flask-WTF, audit log,
explicit columns, 4xx for bad ids and invalid forms."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView
from flask_admin.contrib.peewee import ModelView
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from peewee import DateField, DateTimeField, IntegrityError
from wtforms import fields as wtf_fields
from wtforms.validators import ValidationError

from consultplatform import audit
from consultplatform.auth.roles import is_staff
from consultplatform.db import db

# Flask-Admin endpoints that change data; a role that may not write gets 403.
WRITE_VIEWS = {"create_view", "edit_view", "delete_view", "action_view", "ajax_update"}
OBJECT_VIEWS = {"edit_view", "details_view"}
MAX_ID = 2**63 - 1


def parse_id(raw: Any) -> int | None:
    """A primary key from the query string, or ``None`` when it cannot be one."""
    if isinstance(raw, str) and raw.isdigit() and len(raw) <= 19 and int(raw) <= MAX_ID:
        return int(raw)
    return None


class AccessMixin:
    """Shared by model views and plain views (plugin pages in the admin)."""

    # Set by the core when a plugin's view is registered; None for core views.
    plugin_name: str | None = None
    # Roles that may open the view at all.
    read_roles: tuple[str, ...] = ("admin", "moderator", "viewer")

    def _plugin_enabled(self) -> bool:
        if self.plugin_name is None:
            return True
        from consultplatform.plugins import registry

        return registry().is_enabled(self.plugin_name)

    def is_visible(self) -> bool:
        return self._plugin_enabled() and self.is_accessible()

    def is_accessible(self) -> bool:
        return is_staff() and current_user.role in self.read_roles

    def inaccessible_callback(self, name: str, **kwargs: Any):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path))
        audit.record("access", None, result="denied", object_type=type(self).__name__,
                     details={"view": name})
        return abort(403)

    def _handle_view(self, name: str, **kwargs: Any):
        if not self._plugin_enabled():
            abort(404)
        return super()._handle_view(name, **kwargs)


class SecureView(AccessMixin, BaseView):
    """Base for plain admin pages (core or plugin)."""


class SecureModelView(AccessMixin, ModelView):
    """Base for every model view in /admin.

    Subclasses list their columns explicitly (Flask-Admin's peewee views still
    look for the old PrimaryKeyField) and set ``write_roles``; moderators can
    additionally be allowed per object through :meth:`moderator_may_edit`.
    """

    form_base_class = FlaskForm
    write_roles: tuple[str, ...] = ("admin",)
    can_view_details = True
    page_size = 50
    can_set_page_size = True
    create_modal = edit_modal = details_modal = False
    form_overrides: dict[str, Any] = {}

    # --- permissions ---------------------------------------------------------

    def _may_write(self) -> bool:
        return is_staff() and current_user.role in self.write_roles

    @property
    def can_create(self) -> bool:  # type: ignore[override]
        return self._may_write()

    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        return self._may_write() or (is_staff() and current_user.role == "moderator"
                                     and self.moderator_can_edit_some)

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return self._may_write()

    moderator_can_edit_some = False

    def moderator_may_edit(self, obj: Any) -> bool:
        """Override: may the current moderator edit ``obj``?"""
        return False

    def may_edit(self, obj: Any) -> bool:
        if self._may_write():
            return True
        return is_staff() and current_user.role == "moderator" and self.moderator_may_edit(obj)

    def _handle_view(self, name: str, **kwargs: Any):
        denied = super()._handle_view(name, **kwargs)
        if denied is not None:
            return denied
        if name in OBJECT_VIEWS or (name == "delete_view" and request.method == "POST"):
            raw = request.form.get("id") if name == "delete_view" else request.args.get("id")
            ident = parse_id(raw)
            obj = self.get_one(ident) if ident is not None else None
            if obj is None:
                abort(404, description=_("This record does not exist."))
            if name == "edit_view" and not self.may_edit(obj):
                return self._deny(name)
        if name in WRITE_VIEWS - {"edit_view"} and not self._may_write():
            return self._deny(name)
        return None

    def _deny(self, name: str):
        audit.record("write", None, result="denied", object_type=self.model.__name__,
                     details={"view": name})
        abort(403)

    # --- forms ---------------------------------------------------------------

    def scaffold_form(self):
        form_class = super().scaffold_form()
        # Native, keyboard-friendly date inputs instead of the JavaScript pickers.
        for name, field in self.model._meta.fields.items():
            if name in self.form_overrides or not hasattr(form_class, name):
                continue
            label = getattr(form_class, name).args[0] if getattr(form_class, name).args else None
            kwargs = getattr(form_class, name).kwargs
            validators = kwargs.get("validators", [])
            common = {"validators": validators, "description": kwargs.get("description", "")}
            if isinstance(field, DateTimeField):
                setattr(form_class, name, wtf_fields.DateTimeLocalField(
                    label, format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"], **common))
            elif isinstance(field, DateField):
                setattr(form_class, name, wtf_fields.DateField(label, **common))
        return form_class

    def render(self, template: str, **kwargs: Any):
        body = super().render(template, **kwargs)
        # A form sent back with errors is a 422, not a 200.
        if request.method == "POST" and template in (self.create_template, self.edit_template):
            return body, 422
        return body

    # --- saving, with validation, events and audit in one transaction ------------

    def on_model_change(self, form, model, is_created: bool) -> None:
        clean = getattr(model, "clean", None)
        errors = clean() if callable(clean) else {}
        if errors:
            for field_name, message in errors.items():
                if field_name in form:
                    form[field_name].errors = [*form[field_name].errors, message]
            raise ValidationError(" ".join(errors.values()))
        before = getattr(self, "_before_data", None)
        if is_created or before is None:
            self._dirty = sorted(f.name for f in model.dirty_fields)
        else:
            self._dirty = sorted(name for name, value in model.__data__.items()
                                 if before.get(name) != value)

    def watched_values(self, model: Any) -> dict[str, Any]:
        """Values to compare before and after a save (see :meth:`after_save`)."""
        return {}

    def after_save(self, model: Any, before: dict[str, Any], is_created: bool) -> None:
        """Override to queue events; runs inside the save's transaction."""

    def create_model(self, form):
        with db.atomic() as txn:
            model = super().create_model(form)
            if not model:
                txn.rollback()
                return model
            audit.record("create", model, details={"fields": getattr(self, "_dirty", [])})
            self.after_save(model, {}, True)
            return model

    def update_model(self, form, model) -> bool:
        before = self.watched_values(model)
        self._before_data = dict(model.__data__)
        with db.atomic() as txn:
            if not super().update_model(form, model):
                txn.rollback()
                return False
            audit.record("update", model, details={"fields": getattr(self, "_dirty", [])})
            self.after_save(model, before, False)
            return True

    def delete_model(self, model) -> bool:
        label = audit.object_label(model)
        with db.atomic() as txn:
            try:
                if not super().delete_model(model):
                    txn.rollback()
                    return False
            except IntegrityError:
                txn.rollback()
                flash(_("This record is still in use and cannot be deleted."), "error")
                return False
            audit.record("delete", None, object_type=self.model.__name__,
                         details={"id": str(model._pk), "label": label})
            return True

    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, ValidationError | IntegrityError):
            if isinstance(exc, IntegrityError):
                flash(_("This conflicts with an existing record (it must be unique)."), "error")
            else:
                flash(str(exc), "error")
            return True
        return super().handle_view_exception(exc)
