"""Logging that keeps personal data and secrets out of the log."""

from __future__ import annotations

import logging
import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Management tokens and CSRF tokens: long URL-safe runs.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,}")
# Signed links (itsdangerous: payload.timestamp.signature), e.g. the erasure confirmation.
_SIGNED = re.compile(r"[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{16,}")


def redact(text: str) -> str:
    return _TOKEN.sub("[token]", _SIGNED.sub("[token]", _EMAIL.sub("[e-mail]", text)))


_FORMATTER = logging.Formatter()


class RedactingFilter(logging.Filter):
    """Masks e-mail addresses and long tokens in every record's final message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            # Tracebacks carry database error details, which may quote input.
            record.exc_text = redact(_FORMATTER.formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def configure_logging(level: str) -> None:
    root = logging.getLogger()
    if not any(isinstance(f, RedactingFilter) for h in root.handlers for f in h.filters):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(RedactingFilter())
        root.addHandler(handler)
    root.setLevel(level)
    # Werkzeug's request lines carry URLs (tokens): same filter on its own handlers.
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error"):
        logger = logging.getLogger(name)
        for existing in logger.handlers:
            existing.addFilter(RedactingFilter())
