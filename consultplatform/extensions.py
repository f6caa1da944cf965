"""Flask extensions shared by the core and plugins, bound to an app in create_app."""

from flask import current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

# Registers the "sqlite" rate-limit store with the limits package.
from consultplatform import ratelimit_storage  # noqa: F401

csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]
