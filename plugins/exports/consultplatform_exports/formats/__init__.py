"""The file formats the plugin offers (hook ``cp_exporters``), in the page's order."""

from __future__ import annotations

from consultplatform.api import Exporter

FORMATS: list[Exporter] = []
