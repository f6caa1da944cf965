"""The board's templates and static files, carried by a blueprint of their own (the
way the Expertarena's public blueprint carries its own): the board's stylesheet
and script are served at /workshops-board/static/."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint

PACKAGE = Path(__file__).resolve().parents[1]

bp = Blueprint("workshops_board_assets", __name__, url_prefix="/workshops-board",
               root_path=str(PACKAGE), template_folder="templates",
               static_folder="static", static_url_path="/static")
