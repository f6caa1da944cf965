"""The plugin's public pages: open-data downloads of published aggregate datasets.

The blueprint also carries the plugin's templates and static files."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("exports", __name__, url_prefix="/open-data",
               template_folder="templates", static_folder="static",
               static_url_path="/static")
