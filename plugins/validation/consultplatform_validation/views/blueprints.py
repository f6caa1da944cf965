"""The plugin's blueprints: its templates and static files (``validation_assets``),
and the public pages (the ballot, the room's address, "what we did")."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint

PACKAGE = Path(__file__).resolve().parents[1]

assets = Blueprint("validation_assets", __name__, url_prefix="/validation-assets",
                   root_path=str(PACKAGE), template_folder="templates",
                   static_folder="static", static_url_path="/static")


def blueprints() -> list[Blueprint]:
    from consultplatform_validation.views.ballot import ballot_blueprints  # ballot, room
    from consultplatform_validation.views.public import bp as validation_public

    return [assets, *ballot_blueprints(), validation_public]
