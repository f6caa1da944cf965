"""The application factory."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, g, request
from jinja2 import ChoiceLoader, FileSystemLoader
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from consultplatform import cli, errors, i18n
from consultplatform.admin import init_admin
from consultplatform.auth import mfa
from consultplatform.auth.views import bp as auth_bp
from consultplatform.cache import EXTENSION_KEY as CACHE_KEY
from consultplatform.cache import init_cache, release_fingerprint
from consultplatform.config import load_config
from consultplatform.db import PoolSettings, db, init_database
from consultplatform.extensions import babel, csrf, limiter, login_manager
from consultplatform.hardening import harden
from consultplatform.logging_setup import configure_logging
from consultplatform.plugins import EXTENSION_KEY, PluginError, PluginRegistry
from consultplatform.public.manage import bp as manage_bp
from consultplatform.public.own_data import bp as own_data_bp
from consultplatform.public.signup import bp as signup_bp
from consultplatform.public.views import bp as public_bp
from consultplatform.revisions import content_watches
from consultplatform.templating import register_template_helpers


def create_app(config: dict[str, Any] | None = None) -> Flask:
    instance_path = (config or {}).get("INSTANCE_PATH") or os.environ.get(
        "CONSULTPLATFORM_INSTANCE_PATH")
    app = Flask("consultplatform", instance_path=instance_path, instance_relative_config=True)
    app.url_map.converters["id"] = RowIdConverter
    os.makedirs(app.instance_path, exist_ok=True)
    load_config(app, config)
    configure_logging(app.config["LOG_LEVEL"])
    mfa.check_config(app)  # after the logging: an empty MFA_REQUIRED_ROLES is a warning
    harden(app)  # inside ProxyFix: the Host checked is the one the app will use
    if app.config["TRUSTED_PROXIES"]:
        count = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    # instance/templates/ overrides any core or plugin template (a municipality's branding).
    own_loader = app.jinja_loader
    assert own_loader is not None  # Flask's own, from the package's templates folder
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(os.path.join(app.instance_path, "templates")),
        own_loader,
    ])

    init_database(app.config["DATABASE_URL"], app.instance_path,
                  PoolSettings.from_config(app.config))
    _manage_connections(app)

    plugins = PluginRegistry(allowed=app.config["PLUGINS_ALLOWED"],
                             extra=app.config["PLUGINS_EXTRA"])
    plugins.state_ttl = float(app.config["PLUGIN_STATE_SECONDS"])
    app.extensions[EXTENSION_KEY] = plugins
    _check_plugins(plugins)

    init_cache(app)
    csrf.init_app(app)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(_translation_dirs(app, plugins))
    babel.init_app(app, locale_selector=i18n.select_locale)
    login_manager.init_app(app)
    # One Limiter serves every app made in this process (tests, the CLI); it keeps the
    # first app's key prefix unless told each app's own.
    limiter._key_prefix = app.config.get("RATELIMIT_KEY_PREFIX", "")
    limiter.init_app(app)

    app.register_blueprint(public_bp)
    app.register_blueprint(signup_bp)
    app.register_blueprint(manage_bp)
    app.register_blueprint(own_data_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(i18n.bp)
    _register_plugin_blueprints(app, plugins)
    init_admin(app, plugins)

    register_template_helpers(app)
    app.extensions[CACHE_KEY].release = release_fingerprint(
        app, [f"{info.name}={info.version}" for info in plugins.info()])
    errors.register_error_handlers(app)
    cli.register(app)
    return app


class RowIdConverter(IntegerConverter):
    """``<id:name>``: a positive row id that fits the database's integer column;
    anything else is simply not found (404), never a database error."""

    def __init__(self, map, **kwargs) -> None:
        super().__init__(map, min=1, max=2**31 - 1, **kwargs)


def _manage_connections(app: Flask) -> None:
    @app.before_request
    def open_connection() -> None:
        g.cp_db_opened = db.connect(reuse_if_open=True)

    @app.teardown_request
    def close_connection(exc: BaseException | None) -> None:
        if g.pop("cp_db_opened", False) and not db.is_closed():
            db.close()


def _translation_dirs(app: Flask, plugins: PluginRegistry) -> list[str]:
    """The core's catalogue first, then each plugin package's own ``translations``
    folder, if it has one (Flask-Babel merges them in this order)."""
    import importlib

    folders = [os.path.join(app.root_path, "translations")]
    for info in plugins.info():
        module = importlib.import_module(info.module)
        folder = os.path.join(os.path.dirname(module.__file__ or ""), "translations")
        if not info.locked and os.path.isdir(folder) and folder not in folders:
            folders.append(folder)
    return folders


def _check_plugins(plugins: PluginRegistry) -> None:
    """Validate what every loaded plugin offers, once, at start-up."""
    from consultplatform.db import BaseModel

    plugins.formats(only_enabled=False)
    for name in plugins.names():
        plugins.settings_form(name)
    content_watches(plugins)
    for name, model in plugins.items("cp_models", only_enabled=False):
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            raise PluginError(f"{name}: cp_models must return BaseModel subclasses")
        if not model._meta.table_name.startswith(f"{name}_"):
            raise PluginError(f"{name}: table {model._meta.table_name!r} must start "
                              f"with '{name}_'")


def _register_plugin_blueprints(app: Flask, plugins: PluginRegistry) -> None:
    from flask import Blueprint, abort

    owners: dict[str, str] = {}
    for name, blueprint in plugins.items("cp_blueprints", only_enabled=False):
        if not isinstance(blueprint, Blueprint) or not plugins.owns(name, blueprint.name):
            raise PluginError(f"{name}: blueprints must be Blueprints named '{name}...'")
        owners[blueprint.name] = name
        app.register_blueprint(blueprint)

    @app.before_request
    def only_enabled_plugins() -> None:
        """A switched-off plugin's pages answer 404 from the next request on."""
        if request.blueprint:
            owner = owners.get(request.blueprint.split(".")[0])
            if owner is not None and not plugins.is_enabled(owner):
                abort(404)
