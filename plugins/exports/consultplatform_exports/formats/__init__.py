"""The file formats the plugin offers (hook ``cp_exporters``), in the page's order."""

from __future__ import annotations

from consultplatform.api import Exporter
from consultplatform_exports.formats import csv_excel, csv_plain, jsonl, xlsx

FORMATS: list[Exporter] = [csv_excel.EXPORTER, csv_plain.EXPORTER, xlsx.EXPORTER,
                           jsonl.EXPORTER]
