"""Configuration sources, the generated secret key, and logs without personal data."""

import logging
import os
import stat

from consultplatform import create_app
from consultplatform.logging_setup import RedactingFilter, redact


def _app(tmp_path, **extra):
    config = {"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"}
    config.update(extra)
    return create_app(config)


def test_sources_in_order(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text('SITE_NAME = "Uit config.py"\nLOG_LEVEL = "WARNING"\n')
    assert _app(tmp_path).config["SITE_NAME"] == "Uit config.py"
    monkeypatch.setenv("CONSULTPLATFORM_SITE_NAME", "Uit de omgeving")
    monkeypatch.setenv("CONSULTPLATFORM_PLUGINS_ALLOWED", '["core"]')
    app = _app(tmp_path)
    assert app.config["SITE_NAME"] == "Uit de omgeving"
    assert app.config["PLUGINS_ALLOWED"] == ["core"]
    assert _app(tmp_path, SITE_NAME="Uit create_app").config["SITE_NAME"] == "Uit create_app"


def test_secret_key_is_generated_once_and_private(tmp_path):
    first = _app(tmp_path).config["SECRET_KEY"]
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert len(first) == 64
    assert _app(tmp_path).config["SECRET_KEY"] == first


def test_relative_sqlite_path_lives_in_the_instance_folder(tmp_path):
    app = _app(tmp_path, DATABASE_URL="sqlite:///eigen.sqlite3")
    from consultplatform.db import db

    assert db.obj.database == str(tmp_path / "eigen.sqlite3")
    assert app.instance_path == str(tmp_path)


def test_redaction():
    assert redact("mail to jan.de.vries+x@example.org now") == "mail to [e-mail] now"
    token = "Zm9vYmFyYmF6cXV4cXV1eGZvb2JhcmJhenF1eA1234"
    assert redact(f"GET /aanmelding/{token} 200") == "GET /aanmelding/[token] 200"


def test_log_records_are_redacted(caplog):
    logger = logging.getLogger("consultplatform.test")
    handler = logging.Handler()
    seen = []
    handler.emit = lambda record: seen.append(record.getMessage())
    handler.addFilter(RedactingFilter())
    logger.addHandler(handler)
    try:
        logger.warning("sign-up by %s", "iemand@example.org")
    finally:
        logger.removeHandler(handler)
    assert seen == ["sign-up by [e-mail]"]


def test_tracebacks_are_redacted_too():
    logger = logging.getLogger("consultplatform.test.tb")
    handler = logging.StreamHandler(stream := __import__("io").StringIO())
    handler.addFilter(RedactingFilter())
    logger.addHandler(handler)
    try:
        try:
            raise ValueError('duplicate key value (email)=(iemand@example.org)')
        except ValueError:
            logger.exception("insert failed")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert "ValueError" in output and "[e-mail]" in output
    assert "iemand@example.org" not in output


def test_failed_login_does_not_log_the_email(app, client, caplog):
    from tests.conftest import get_csrf

    with caplog.at_level(logging.DEBUG):
        client.post("/auth/login", data={"csrf_token": get_csrf(client),
                                         "email": "geheim@example.org", "password": "x" * 20})
    assert "geheim@example.org" not in caplog.text
