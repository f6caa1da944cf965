"""The plugin machinery: discovery, per-install switches, settings, hook calls.

One :class:`PluginRegistry` per app, kept in ``app.extensions``. Plugins are
found through the ``consultplatform`` entry-point group, exactly like a
plugin a municipality pip-installs; the core registers itself as plugin
``core``, which cannot be switched off.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pluggy
import wtforms
from flask import current_app, g, has_request_context

from consultplatform import hookspecs
from consultplatform.contributions import KEY_PATTERN, EventSpec, SessionFormat
from consultplatform.db import utcnow

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "consultplatform"
CORE = "core"
EXTENSION_KEY = "consultplatform.plugins"


class PluginError(RuntimeError):
    """A plugin returned something the core cannot register."""


@dataclass(frozen=True)
class PluginInfo:
    name: str
    version: str
    module: str
    hooks: tuple[str, ...]
    locked: bool  # the core itself: always on


# Where a plugin's demo data comes among the others' (see ``PluginRegistry.results``).
DEFAULT_DEMO_STAGE = 50


class PluginRegistry:
    def __init__(self, allowed: list[str] | None = None, extra: list[str] | None = None) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self._versions: dict[str, str] = {}
        self._all_formats: dict[str, tuple[str, SessionFormat]] | None = None
        # (when read, names): the switches, cached per process (see enabled_names).
        self._enabled_cache: tuple[float, frozenset[str]] | None = None
        self.state_ttl = 1.0
        from consultplatform import core_plugin

        self.pm.register(core_plugin, name=CORE)
        self._versions[CORE] = _version_of("consultplatform")
        self._load_entry_points(allowed)
        for dotted in extra or []:
            name, _, module_name = dotted.rpartition("=")
            name = name or module_name.rsplit(".", 1)[-1]
            if self.pm.has_plugin(name):
                log.info("plugin %s is installed already; PLUGINS_EXTRA entry ignored", name)
                continue
            self._register(importlib.import_module(module_name), name, "extra")
        self.pm.check_pending()
        self._check_names_and_wrappers()
        self._events = self._collect_events()

    # --- discovery ---------------------------------------------------------------

    def _load_entry_points(self, allowed: list[str] | None) -> None:
        for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            if allowed is not None and ep.name not in allowed:
                log.info("plugin %s not loaded: not in PLUGINS_ALLOWED", ep.name)
                continue
            if self.pm.has_plugin(ep.name):
                continue
            version = ep.dist.version if ep.dist else "?"
            self._register(ep.load(), ep.name, version)

    def _register(self, plugin: object, name: str, version: str) -> None:
        if not re.fullmatch(KEY_PATTERN, name) or name == CORE:
            raise PluginError(f"invalid plugin name {name!r}")
        self.pm.register(plugin, name=name)
        self._versions[name] = version

    def _check_names_and_wrappers(self) -> None:
        names = self.names()
        for name in names:
            for other in names:
                if other != name and other.startswith(f"{name}_"):
                    raise PluginError(f"plugin names {name!r} and {other!r} would share the "
                                      f"prefix {other + '_'!r} of tables and endpoints")
        for hook_name in hookspecs.all_hook_names():
            for impl in getattr(self.pm.hook, hook_name).get_hookimpls():
                if impl.hookwrapper or impl.wrapper:
                    raise PluginError(f"{impl.plugin_name}.{hook_name}: hook wrappers are not "
                                      "supported; the core calls each plugin on its own")

    def _collect_events(self) -> dict[str, tuple[str, EventSpec]]:
        events: dict[str, tuple[str, EventSpec]] = {}
        for name, spec in self.items("cp_register_events", only_enabled=False):
            if not isinstance(spec, EventSpec):
                raise PluginError(f"{name}.cp_register_events must return EventSpec objects")
            if not re.fullmatch(rf"{re.escape(name)}\.[a-z][a-z0-9_]{{1,59}}", spec.name):
                raise PluginError(f"{name}: event {spec.name!r} must be named '{name}.<what>'")
            if spec.name in events:
                raise PluginError(f"{name}: event {spec.name!r} is declared twice")
            events[spec.name] = (name, spec)
        return events

    def events(self) -> dict[str, tuple[str, EventSpec]]:
        """Every declared plugin event: ``{name: (plugin name, spec)}``."""
        return dict(self._events)

    def declares(self, event_name: str) -> bool:
        return event_name in self._events

    @staticmethod
    def owns(plugin_name: str, identifier: str) -> bool:
        """True when ``identifier`` (an endpoint, blueprint or table) belongs to the plugin."""
        return identifier == plugin_name or identifier.startswith(f"{plugin_name}_")

    # --- what is there -----------------------------------------------------------

    def names(self) -> list[str]:
        return [name for name, _ in self.pm.list_name_plugin()]

    def info(self) -> list[PluginInfo]:
        result = []
        for name, plugin in sorted(self.pm.list_name_plugin(), key=lambda p: (p[0] != CORE, p[0])):
            hooks = tuple(sorted(h.name for h in self.pm.get_hookcallers(plugin) or []))
            result.append(PluginInfo(name, self._versions.get(name, "?"),
                                     getattr(plugin, "__name__", type(plugin).__name__),
                                     hooks, name == CORE))
        return result

    # --- switches ----------------------------------------------------------------

    def enabled_names(self) -> frozenset[str]:
        """Names of the plugins switched on. Read from the database at most once per
        ``state_ttl`` seconds per process (a switch made in another worker is seen
        within that time), and held fixed for the rest of a request."""
        if has_request_context() and "cp_enabled_plugins" in g:
            return g.cp_enabled_plugins
        cached = self._enabled_cache
        now = time.monotonic()
        if cached is not None and now - cached[0] < self.state_ttl:
            enabled = cached[1]
        else:
            from consultplatform.models import PluginState

            off = {row.name for row in PluginState.select(PluginState.name)
                   .where(PluginState.enabled == False)}  # noqa: E712
            enabled = frozenset(n for n in self.names() if n == CORE or n not in off)
            self._enabled_cache = (now, enabled)
        if has_request_context():
            g.cp_enabled_plugins = enabled
        return enabled

    def forget_state(self) -> None:
        """Read the switches from the database again on the next question."""
        self._enabled_cache = None

    def is_enabled(self, name: str) -> bool:
        return name == CORE or name in self.enabled_names()

    def set_enabled(self, name: str, enabled: bool) -> None:
        from consultplatform.models import PluginState

        if name == CORE:
            raise PluginError("the core cannot be switched off")
        if name not in self.names():
            raise PluginError(f"unknown plugin {name!r}")
        (PluginState.insert(name=name, enabled=enabled, updated_at=utcnow())
         .on_conflict(conflict_target=[PluginState.name],
                      update={PluginState.enabled: enabled, PluginState.updated_at: utcnow()})
         .execute())
        self.forget_state()
        if has_request_context():
            g.pop("cp_enabled_plugins", None)

    # --- calling hooks -----------------------------------------------------------

    def results(self, hook_name: str, *, only_enabled: bool = True, staged: bool = False,
                **kwargs: Any) -> Iterator[tuple[str, Any]]:
        """Call one hook plugin by plugin; yield ``(plugin name, result)``.

        Results of ``None`` are skipped. Disabled plugins are skipped unless
        ``only_enabled`` is false (start-up registration needs them all).
        ``staged``: plugins in the order of their module's ``DEMO_STAGE`` (default
        50; pluggy's order among equals), for hooks whose plugins build on each other's
        results (``cp_demo_data``: the validation works on the workshops' agenda).
        """
        enabled = self.enabled_names() if only_enabled else None
        order = self._call_order(hook_name)
        if staged:
            order.sort(key=lambda impl: getattr(impl.plugin, "DEMO_STAGE", DEFAULT_DEMO_STAGE))
        for impl in order:
            if enabled is not None and impl.plugin_name not in enabled:
                continue
            result = impl.function(**{arg: kwargs[arg] for arg in impl.argnames})
            if result is not None:
                yield impl.plugin_name, result

    def _call_order(self, hook_name: str) -> list:
        """Implementations in pluggy's own order: tryfirst ones first, then the
        last registered first, trylast ones last."""
        return list(reversed(getattr(self.pm.hook, hook_name).get_hookimpls()))

    def items(self, hook_name: str, *, only_enabled: bool = True,
              **kwargs: Any) -> list[tuple[str, Any]]:
        """Flatten list-returning hooks into ``(plugin name, item)`` pairs."""
        pairs: list[tuple[str, Any]] = []
        for name, result in self.results(hook_name, only_enabled=only_enabled, **kwargs):
            if not isinstance(result, list | tuple):
                raise PluginError(f"{name}.{hook_name} must return a list, not {type(result)}")
            pairs.extend((name, item) for item in result)
        return pairs

    def notify(self, hook_name: str, **kwargs: Any) -> None:
        """Fire an event hook on every enabled plugin; one failing plugin does not stop the rest."""
        for impl in self._call_order(hook_name):
            if not self.is_enabled(impl.plugin_name):
                continue
            try:
                impl.function(**{arg: kwargs[arg] for arg in impl.argnames})
            except Exception:
                log.exception("plugin %s failed in %s", impl.plugin_name, hook_name)

    # --- formats -----------------------------------------------------------------

    def formats(self, *, only_enabled: bool = True) -> dict[str, tuple[str, SessionFormat]]:
        """All session formats by key: ``{key: (plugin name, format)}``.

        Collected and validated once (plugins do not change while the app runs);
        the per-request part is only the filter on enabled plugins.
        """
        if self._all_formats is None:
            self._all_formats = self._collect_formats()
        if not only_enabled:
            return dict(self._all_formats)
        enabled = self.enabled_names()
        return {key: entry for key, entry in self._all_formats.items() if entry[0] in enabled}

    def _collect_formats(self) -> dict[str, tuple[str, SessionFormat]]:
        found: dict[str, tuple[str, SessionFormat]] = {}
        for name, fmt in self.items("cp_session_formats", only_enabled=False):
            if not isinstance(fmt, SessionFormat):
                raise PluginError(f"{name} returned a session format that is not a SessionFormat")
            if not re.fullmatch(KEY_PATTERN, fmt.key):
                raise PluginError(f"{name}: invalid session format key {fmt.key!r}")
            if fmt.key in found:
                raise PluginError(f"session format {fmt.key!r} of {name} is already "
                                  f"offered by {found[fmt.key][0]}")
            found[fmt.key] = (name, fmt)
        return found

    def format_label(self, key: str) -> str:
        entry = self.formats(only_enabled=False).get(key)
        return str(entry[1].label) if entry else key

    # --- settings ----------------------------------------------------------------

    def settings_form(self, name: str) -> type[wtforms.Form] | None:
        impls = [impl for impl in self._call_order("cp_settings_form") if impl.plugin_name == name]
        if not impls:
            return None
        form = impls[0].function()
        if form is None:
            return None
        if not (isinstance(form, type) and issubclass(form, wtforms.Form)):
            raise PluginError(f"{name}.cp_settings_form must return a wtforms.Form subclass")
        for field_name, unbound in _unbound_fields(form):
            if not issubclass(unbound.field_class, JSON_NATIVE_FIELDS):
                raise PluginError(
                    f"{name} setting {field_name!r}: {unbound.field_class.__name__} does not "
                    "store as plain JSON; use a string, number, boolean or select field")
        return form

    def settings(self, name: str, consultation: Any = None) -> dict[str, Any]:
        """Effective settings: consultation, then install, then the form's defaults."""
        from consultplatform.models import PluginSetting

        form_cls = self.settings_form(name)
        if form_cls is None:
            return {}
        values = default_settings(form_cls)
        scopes = [PluginSetting.consultation.is_null()]
        if consultation is not None:
            scopes.append(PluginSetting.consultation == consultation.id)
        for scope in scopes:
            row = PluginSetting.get_or_none((PluginSetting.plugin == name) & scope)
            if row is not None:
                values.update({k: v for k, v in (row.data or {}).items() if k in values})
        return values


# Settings are stored as JSON and read back as they were saved, so only fields
# whose data is already a JSON value (str, int, float, bool, list of str) qualify.
JSON_NATIVE_FIELDS = (
    wtforms.StringField, wtforms.IntegerField, wtforms.FloatField, wtforms.BooleanField,
    wtforms.SelectField, wtforms.SelectMultipleField, wtforms.RadioField,
)


def _unbound_fields(form_cls: type[wtforms.Form]) -> list[tuple[str, Any]]:
    return [(name, value) for name in dir(form_cls)
            if not name.startswith("_")
            and isinstance(value := getattr(form_cls, name), wtforms.fields.core.UnboundField)]


def default_settings(form_cls: type[wtforms.Form]) -> dict[str, Any]:
    form = form_cls(meta={"csrf": False})
    return {key: field.data for key, field in form._fields.items() if key != "csrf_token"}


def registry(app: Any = None) -> PluginRegistry:
    """The plugin registry of ``app`` (default: the current app)."""
    return (app or current_app).extensions[EXTENSION_KEY]


def _version_of(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "?"
