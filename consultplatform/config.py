"""Configuration: defaults, then ``instance/config.py``, then ``CONSULTPLATFORM_*``
environment variables, then what the caller of ``create_app`` passes.

Every key is documented in the README's configuration table.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

from flask import Flask

ENV_PREFIX = "CONSULTPLATFORM"

DEFAULTS: dict[str, Any] = {
    "SITE_NAME": "Consultatieplatform",
    # Where the public site is reached; used for links in mail and calendar UIDs.
    # Empty: `flask serve` sets the address it serves on; see consultplatform/urls.py.
    "PUBLIC_URL": "",
    # Sign-up POSTs per IP address (Flask-Limiter syntax; several limits with ";").
    "SIGNUP_RATE_LIMIT": "10 per minute; 100 per hour",
    "DATABASE_URL": "sqlite:///consultplatform.sqlite3",
    # Connections kept open per process (consultplatform.db.PoolSettings); 0: no pool.
    "DATABASE_POOL_SIZE": 16,
    "DATABASE_POOL_WAIT_SECONDS": 30,
    "DATABASE_POOL_RECYCLE_SECONDS": 1800,
    # How long a worker trusts its copy of the plugin switches before reading them again.
    "PLUGIN_STATE_SECONDS": 0.5,
    # Rendered public pages and expensive figures (consultplatform/cache.py): this
    # process's memory, then a store all workers share: Redis when set (every
    # machine), else an SQLite file in the instance folder (this machine; "" = none).
    "CACHE_REDIS_URL": "",
    "CACHE_FILE": "cache.sqlite3",
    "CACHE_KEY_PREFIX": "cp",
    "CACHE_SECONDS": 3600,
    "CACHE_MEMORY_ENTRIES": 256,
    # None: load every plugin found; a list of names: only those.
    "PLUGINS_ALLOWED": None,
    # Extra plugin modules as "name=dotted.module" (tests and development).
    "PLUGINS_EXTRA": [],
    "BABEL_DEFAULT_LOCALE": "nl",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
    "LANGUAGES": ["nl", "en"],
    "LOG_LEVEL": "INFO",
    # One store for every worker process, kept across restarts (consultplatform/
    # ratelimit_storage.py); a relative SQLite path is in the instance folder.
    # Several machines: redis://host:6379/0.
    "RATELIMIT_STORAGE_URI": "sqlite:///ratelimits.sqlite3",
    "LOGIN_RATE_LIMIT": "10 per minute",
    # Per account: this many wrong passwords within the window lock it for LOGIN_LOCK_MINUTES.
    "LOGIN_LOCK_AFTER": 10,
    "LOGIN_FAILURE_WINDOW_MINUTES": 60,
    "LOGIN_LOCK_MINUTES": 60,
    # Two-step login (consultplatform/auth/mfa.py): the roles that must set up an
    # authenticator app at their first login (a list, or "admin,moderator" from the
    # environment); empty: nobody must, which the log and the admin say out loud.
    "MFA_REQUIRED_ROLES": ["admin"],
    # How long after the right password the code may be given before starting over.
    "MFA_PENDING_SECONDS": 300,
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_HEADERS_ENABLED": True,
    "SECURITY_CONTACT": "mailto:security@example.org",
    "SECURITY_POLICY_URL": "",
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    # A request body must arrive whole within this many seconds, with no pause longer
    # than BODY_IDLE_SECONDS (under gunicorn; slow clients get 408, see hardening.py).
    "BODY_DEADLINE_SECONDS": 30,
    "BODY_IDLE_SECONDS": 10,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_SECURE": False,
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    # Number of reverse proxies in front of the app whose X-Forwarded-* we trust.
    "TRUSTED_PROXIES": 0,
    # Outgoing mail (consultplatform/mail/delivery.py). No MAIL_SERVER: .eml files in MAIL_DIR.
    "MAIL_FROM": "Consultatieplatform <noreply@example.org>",
    "MAIL_SERVER": "",
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_TIMEOUT": 10,
    # Empty: <instance>/mail/.
    "MAIL_DIR": "",
    "MAIL_MAX_ATTEMPTS": 8,
    # Ask the background worker to deliver right after a commit that queued mail.
    "MAIL_ENQUEUE_ON_COMMIT": True,
    # Plugins' tasks (consultplatform.tasks.enqueue_task) are handed to the worker at once;
    # off, their periodic sweeps find the work (the test suites switch it off).
    "TASKS_ENQUEUE": True,
    # Retention (consultplatform/privacy/retention.py, nightly and `flask privacy
    # retention`): the text of a sent or failed mail is removed after this many days,
    # and IP addresses in the audit log are shortened (IPv4 /24, IPv6 /48) after these.
    "OUTBOX_BODY_DAYS": 30,
    "AUDIT_IP_DAYS": 90,
    # Backups (consultplatform/backup/): the folder ("" = <instance>/backups; relative
    # paths are in the instance folder), the nightly task (off by default), how many
    # it keeps, whether it restores each into a scratch database to prove it, and
    # where pg_dump/pg_restore are ("" = the server's version, then PATH).
    "BACKUP_DIR": "",
    "BACKUP_NIGHTLY": False,
    "BACKUP_KEEP": 14,
    "BACKUP_VERIFY": True,
    "BACKUP_PG_BIN_DIR": "",
}


def load_config(app: Flask, overrides: dict[str, Any] | None) -> None:
    app.config.update(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env(ENV_PREFIX)
    if overrides:
        app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(app.instance_path)
    app.config["RATELIMIT_STORAGE_URI"] = _in_instance(app.config["RATELIMIT_STORAGE_URI"],
                                                       app.instance_path)


def _in_instance(uri: str, instance_path: str) -> str:
    """``sqlite:///relative`` -> ``sqlite:////<instance>/relative``; other URIs as they are."""
    if not uri.startswith("sqlite:///") or uri.startswith("sqlite:////"):
        return uri
    return "sqlite:///" + os.path.join(os.path.abspath(instance_path), uri[len("sqlite:///"):])


def _instance_secret_key(instance_path: str) -> str:
    """Read the instance's secret key, creating it (mode 0600) on first start."""
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        # Written whole under a temporary name, then linked into place: a second
        # worker starting at the same moment reads either nothing or the full key.
        temporary = f"{path}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another worker won; use its key
        finally:
            os.unlink(temporary)
    with open(path, encoding="ascii") as handle:
        return handle.read().strip()
