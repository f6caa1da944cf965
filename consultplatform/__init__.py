"""consultplatform: municipal consultations with local entrepreneurs.

Plugins import the core through ``consultplatform.api`` only (see docs/plugins.md).
``create_app`` here is what ``flask --app consultplatform`` finds.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

__all__ = ["create_app"]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    from consultplatform.app import create_app as _create_app

    return _create_app(config)
