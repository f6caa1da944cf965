"""The Plugins page: what is installed, switched on, and each plugin's settings."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _

from consultplatform import audit
from consultplatform.admin.base import SecureView, parse_id
from consultplatform.db import db, utcnow
from consultplatform.forms import SafeForm
from consultplatform.models import Consultation, PluginSetting
from consultplatform.plugins import PluginError, registry
from consultplatform.workspace import current_consultation_id


def _json_safe(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


class PluginsView(SecureView):
    read_roles = ("admin",)

    @expose("/")
    def index(self):
        plugins = registry()
        enabled = plugins.enabled_names()
        rows = [(info, info.name in enabled, plugins.settings_form(info.name) is not None)
                for info in plugins.info()]
        return self.render("admin/cp_plugins.html", rows=rows, toggle_form=SafeForm())

    @expose("/toggle", methods=["POST"])
    def toggle(self):
        form = SafeForm()
        name = request.form.get("name", "")
        if not form.validate_on_submit() or request.form.get("enabled") not in ("0", "1"):
            abort(400)
        wanted = request.form.get("enabled") == "1"
        try:
            registry().set_enabled(name, wanted)
        except PluginError:
            abort(404)
        audit.record("enable" if wanted else "disable", None, object_type="Plugin",
                     details={"plugin": name})
        flash(_("Plugin %(name)s is now %(state)s.", name=name,
                state=_("on") if wanted else _("off")), "success")
        return redirect(url_for(".index"), code=303)

    # The argument is not called "name": Flask-Admin passes view arguments to
    # _handle_view(name, **kwargs), where "name" is the view function's name.
    @expose("/settings/<string(maxlength=80):plugin>", methods=["GET", "POST"])
    def settings(self, plugin: str):
        name = plugin
        plugins = registry()
        if name not in plugins.names():
            abort(404)
        plugin_form = plugins.settings_form(name)
        if plugin_form is None:
            abort(404)
        consultation = None
        if "consultation" in request.args:
            ident = parse_id(request.args.get("consultation"))
            consultation = Consultation.get_or_none(Consultation.id == ident) if ident else None
            if consultation is None:
                abort(404)
        form_class = type(f"{name}SettingsForm", (SafeForm, plugin_form), {})
        current = plugins.settings(name, consultation)
        form = form_class(data=current) if request.method == "GET" else form_class()
        if form.validate_on_submit():
            values = {key: _json_safe(field.data) for key, field in form._fields.items()
                      if key != "csrf_token"}
            if consultation is not None:
                # Keep only what differs from the install-wide value, so later
                # install-wide changes still reach this consultation.
                install = plugins.settings(name)
                values = {k: v for k, v in values.items() if _json_safe(install.get(k)) != v}
            self._store(name, consultation, values)
            audit.record("settings", consultation, object_type="Plugin",
                         details={"plugin": name, "fields": sorted(values)})
            flash(_("Settings saved."), "success")
            return redirect(request.full_path, code=303)
        status = 422 if request.method == "POST" else 200
        chosen = current_consultation_id()  # the consultation the staff member works on
        consultations = list(Consultation.select(Consultation.id, Consultation.title)
                             .where(Consultation.id == chosen if chosen else True)
                             .order_by(Consultation.title))
        return self.render("admin/cp_plugin_settings.html", form=form, plugin=name,
                           consultation=consultation, consultations=consultations), status

    @staticmethod
    def _store(name: str, consultation: Consultation | None, values: dict) -> None:
        scope = (PluginSetting.consultation.is_null() if consultation is None
                 else PluginSetting.consultation == consultation.id)
        with db.atomic():
            row = PluginSetting.get_or_none((PluginSetting.plugin == name) & scope)
            if row is None:
                PluginSetting.create(plugin=name, consultation=consultation, data=values)
            else:
                row.data, row.updated_at = values, utcnow()
                row.save()

