"""The one admin base: access checks, CSRF through Flask-WTF, audit log,
explicit columns, 4xx for bad ids and invalid forms."""

from __future__ import annotations

from typing import Any, NoReturn

from flask import abort, flash, g, redirect, request, url_for
from flask_admin import BaseView
from flask_admin.actions import action
from flask_admin.contrib.peewee import ModelView
from flask_babel import gettext as _
from flask_babel import lazy_gettext, ngettext
from flask_login import current_user
from peewee import IntegerField, IntegrityError, prefetch
from wtforms.validators import ValidationError

from consultplatform import audit
from consultplatform.admin.form_errors import add_errors, unique_errors
from consultplatform.admin.form_fields import ColumnBoundForms
from consultplatform.auth.roles import is_staff
from consultplatform.db import db
from consultplatform.forms import SafeForm
from consultplatform.ids import MAX_ID, parse_id
from consultplatform.mixins import MixinBase

# Columns every save touches; listing them in the audit log would hide real changes.
BOOKKEEPING_FIELDS = {"updated_at"}
# Flask-Admin endpoints that change data; a role that may not write gets 403.
WRITE_VIEWS = {"create_view", "edit_view", "delete_view", "action_view", "ajax_update",
               "merge_view", "personal_data_view", "personal_data_download"}
# Views about one record: its id is ?id=..., or the named form field when posted.
OBJECT_VIEWS = {"edit_view", "details_view", "personal_data_view", "personal_data_download"}
POSTED_OBJECT_VIEWS = {"delete_view": "id", "ajax_update": "list_form_pk"}
# Views that read Flask-Admin's list arguments (page, sort, search, filters).
LIST_VIEWS = {"index_view", "export"}
# Longest search text or filter value a list view takes; longer is refused, not cut.
MAX_SEARCH = 500


class AccessMixin(MixinBase):
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

    def deny(self, view: str, obj: Any = None, *, object_type: str | None = None,
             description: str | None = None) -> NoReturn:
        """Refuse a write (403) and write the refusal to the audit log. Plain views
        (``SecureView``) check write permissions themselves and call this."""
        audit.record("write", obj, result="denied",
                     object_type=object_type or (None if obj is not None else type(self).__name__),
                     details={"view": view})
        abort(403, description=description)


class SecureView(AccessMixin, BaseView):
    """Base for plain admin pages (core or plugin)."""


class SecureModelView(AccessMixin, ColumnBoundForms, ModelView):
    """Base for every model view in /admin.

    Subclasses list their columns explicitly (Flask-Admin's peewee views still
    look for the old PrimaryKeyField) and set ``write_roles``; moderators can
    additionally be allowed per object through :meth:`moderator_may_edit`.
    """

    form_base_class = SafeForm
    write_roles: tuple[str, ...] = ("admin",)
    can_view_details = True
    page_size = 50
    can_set_page_size = True
    create_modal = edit_modal = details_modal = False
    form_overrides: dict[str, Any] = {}
    # {unique field names: message} where a constraint deserves its own sentence.
    unique_messages: dict[tuple[str, ...], Any] = {}

    # --- permissions ---------------------------------------------------------

    def _may_write(self) -> bool:
        return is_staff() and current_user.role in self.write_roles

    @property
    def can_create(self) -> bool:
        return self._may_write()

    @property
    def can_edit(self) -> bool:
        return self._may_write() or (is_staff() and current_user.role == "moderator"
                                     and self.moderator_can_edit_some)

    @property
    def can_delete(self) -> bool:
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
        """Access first, then the request's ids and list arguments, once for every
        view: what cannot be right is a 4xx here, before Flask-Admin or the
        database sees it."""
        denied = super()._handle_view(name, **kwargs)
        if denied is not None:
            return denied
        if name in WRITE_VIEWS - {"edit_view"} and not self._may_write():
            return self._deny(name)
        if name in OBJECT_VIEWS or (name in POSTED_OBJECT_VIEWS and request.method == "POST"):
            source, key = ((request.form, POSTED_OBJECT_VIEWS[name]) if name in POSTED_OBJECT_VIEWS
                           else (request.args, "id"))
            values = source.getlist(key)
            if len(values) > 1:
                # Flask-Admin would read a repeated id as a tuple: the check here and
                # the query there must look at one and the same record.
                abort(400)
            raw = values[0] if values else None
            obj = self._record_or_404(raw)
            if name == "edit_view" and not self.may_edit(obj):
                return self._deny(name)
        elif name == "action_view" and request.method == "POST":
            self._check_action()
        elif name in LIST_VIEWS:
            if name == "export" and not (self.can_export
                                         and kwargs.get("export_type") in self.export_types):
                abort(404)
            self._check_list_arguments()
        return None

    def _parse_pk(self, raw: Any) -> Any:
        """The primary key ``raw`` names, or ``None`` when it cannot name one."""
        if isinstance(self.model._meta.primary_key, IntegerField):
            return parse_id(raw)
        return raw if isinstance(raw, str) and 0 < len(raw) <= 255 else None

    def _record_or_404(self, raw: Any) -> Any:
        ident = self._parse_pk(raw)
        obj = self.get_one(ident) if ident is not None else None
        if obj is None:
            abort(404, description=_("This record does not exist."))
        return obj

    def _check_action(self) -> None:
        """A list action: a known, allowed action on records that all exist."""
        action = request.form.get("action")
        if action not in self._actions_data or not self.is_action_allowed(action):
            abort(400)
        idents = [self._parse_pk(raw) for raw in request.form.getlist("rowid")]
        if not idents or None in idents:
            abort(400)
        pk = self.model._meta.primary_key
        if self.model.select().where(pk.in_(idents)).count() != len(set(idents)):
            abort(404, description=_("This record does not exist."))

    def _check_list_arguments(self) -> None:
        """Page, page size, sort column and direction, search and filters as
        Flask-Admin's own links make them; anything else is a 400 (Flask-Admin
        would ignore some, and hand others to the database)."""
        args = request.args
        # Whole numbers from 0, like ids.
        parsed = {key: parse_id(args[key]) for key in ("page", "page_size", "sort", "desc")
                  if key in args}
        numbers = {key: value for key, value in parsed.items() if value is not None}
        if len(numbers) < len(parsed):
            abort(400)
        sizes = {self.page_size, *(self.page_size_options if self.can_set_page_size else ())}
        if "page_size" in numbers and numbers["page_size"] not in sizes:
            abort(400)
        if numbers.get("page", 0) * max(sizes) > MAX_ID or numbers.get("desc", 0) > 1:
            abort(400)
        if "sort" in numbers:
            column = self._get_column_by_idx(numbers["sort"])
            if column is None or column[0] not in (self._sortable_columns or {}):
                abort(400)
        if len(args.get("search", "")) > MAX_SEARCH:
            abort(400)
        for key, value in args.items(multi=True):
            if not key.startswith("flt"):
                continue
            position, _sep, filter_key = key[3:].partition("_")
            known = (self._filter_args or {}).get(filter_key)
            if parse_id(position) is None or known is None or len(value) > MAX_SEARCH \
                    or not known[1].validate(value):
                abort(400)

    def _deny(self, name: str) -> NoReturn:
        self.deny(name, object_type=self.model.__name__)

    # --- forms ---------------------------------------------------------------

    def edit_form(self, obj=None):
        g.cp_form_obj = obj  # the row being edited, left out of the uniqueness check
        return super().edit_form(obj)

    def validate_form(self, form) -> bool:
        """Flask-Admin's validation, then the unique constraints, each on its field."""
        g.cp_form = form
        if not super().validate_form(form):
            return False
        if request.method != "POST" or "csrf_token" not in form or not form.is_submitted():
            return True
        errors = unique_errors(self.model, form, g.get("cp_form_obj"), self.unique_messages)
        add_errors(form, errors)
        return not errors

    def render(self, template: str, **kwargs: Any):
        # A form sent back with errors is a 422, not a 200.
        if request.method == "POST" and template in (self.create_template, self.edit_template):
            return super().render(template, **kwargs), 422
        return super().render(template, **kwargs)

    # --- saving, with validation, events and audit in one transaction ------------

    def on_model_change(self, form, model, is_created: bool) -> None:
        clean = getattr(model, "clean", None)
        errors = clean() if callable(clean) else {}
        if errors:
            for field_name, message in errors.items():
                if field_name in form:
                    form[field_name].errors = [*form[field_name].errors, message]
            raise ValidationError(" ".join(errors.values()))
        before = g.get("cp_before_data")
        if is_created or before is None:
            changed = {f.name for f in model.dirty_fields}
        else:
            changed = {name for name, value in model.__data__.items() if before.get(name) != value}
        # Kept on g, not on the view: one view object serves concurrent requests.
        g.cp_changed_fields = sorted(changed - BOOKKEEPING_FIELDS)

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
                self._name_conflict(form)
                return model
            audit.record("create", model, details={"fields": g.get("cp_changed_fields", [])})
            self.after_save(model, {}, True)
            return model

    def update_model(self, form, model) -> bool:
        before = self.watched_values(model)
        g.cp_before_data = dict(model.__data__)
        with db.atomic() as txn:
            if not super().update_model(form, model):
                txn.rollback()
                self._name_conflict(form)
                return False
            audit.record("update", model, details={"fields": g.get("cp_changed_fields", [])})
            self.after_save(model, before, False)
            return True

    # --- lists: related rows fetched per page, not per row ------------------------

    # Related models whose rows the list shows (one extra query each, not one per row).
    list_prefetch: tuple = ()

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True,
                 page_size=None):
        count, query = super().get_list(page, sort_column, sort_desc, search, filters,
                                        execute=False, page_size=page_size)
        if execute:
            query = list(prefetch(query, *self.list_prefetch)) if self.list_prefetch \
                else list(query)
        return count, query

    # --- what a role may see ---------------------------------------------------

    def scope_query(self, query):
        """Override to narrow what the current user may see (e.g. a moderator's own)."""
        return query

    def get_query(self):
        return self.scope_query(super().get_query())

    def get_one(self, id: Any) -> Any:
        pk = self.model._meta.primary_key
        return self.get_query().where(pk == id).first()

    def may_delete(self, model) -> str | None:
        """Override: a reason (shown to the user) why ``model`` must not be deleted."""
        return None

    def delete_model(self, model) -> bool:
        """Delete one record with its audit row. Not recursive: the database's
        foreign keys decide what goes with it, so nothing disappears unseen."""
        reason = self.may_delete(model)
        if reason:
            flash(reason, "error")
            return False
        label = audit.object_label(model)
        try:
            with db.atomic():
                self.on_model_delete(model)
                model.delete_instance()
                audit.record("delete", None, object_type=self.model.__name__,
                             details={"id": str(model._pk), "label": label})
        except IntegrityError:
            flash(_("This record is still in use and cannot be deleted."), "error")
            return False
        self.after_model_delete(model)
        return True

    @action("delete", lazy_gettext("Delete"),
            lazy_gettext("Are you sure you want to delete the selected records?"))
    def action_delete(self, ids) -> None:
        """The bulk delete: the same path, checks and audit as deleting one record."""
        pk = self.model._meta.primary_key
        deleted = sum(self.delete_model(obj) for obj in self.model.select().where(pk.in_(ids)))
        if deleted:
            flash(ngettext("%(num)d record was deleted.", "%(num)d records were deleted.",
                           deleted), "success")

    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, ValidationError | IntegrityError):
            if isinstance(exc, IntegrityError):
                # Named on its field once the failed transaction is rolled back (on
                # PostgreSQL nothing can be read in it any more): see _name_conflict.
                g.cp_integrity_error = True
            else:
                flash(str(exc), "error")
            return True
        return super().handle_view_exception(exc)

    def _name_conflict(self, form) -> None:
        """After a refused save: the database's unique constraint said no (someone saved
        the same value a moment ago), so say on which field, if we can find it."""
        if not g.pop("cp_integrity_error", False):
            return
        found = unique_errors(self.model, form, g.get("cp_form_obj"), self.unique_messages)
        add_errors(form, found)
        if not found:
            flash(_("This conflicts with an existing record (it must be unique)."), "error")
