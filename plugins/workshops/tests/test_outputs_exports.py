"""Every workshops dataset in every format through the exports plugin: the page
lists each with a link per streaming format, each download
holds the rows, and the runner writes the formats that are made in the background
(XLSX) too."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest

from consultplatform.api import ExportScope
from consultplatform.testing import choose_consultation
from consultplatform_exports import runner
from consultplatform_exports.catalogue import Offer, datasets_of, exporters

from . import outputs_world

PAGE = "/admin/export/"
# Rows per dataset on the hand-made board (see outputs_world).
ROWS = {"workshops_actions": 4, "workshops_provenance": 3, "workshops_coverage": 5,
        "workshops_dots": 2}


@pytest.fixture
def world(app, setting):
    return outputs_world.build(app, setting)


def records(key: str, data: bytes) -> list[list[str]]:
    """The data rows of a file in format ``key`` (the header left out)."""
    if key == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
        return [[str(v) for v in row] for row in sheet.iter_rows(min_row=2, values_only=True)]
    if key == "jsonl":
        return [list(json.loads(line).values()) for line in data.decode().splitlines()]
    text = data.decode("utf-8-sig")
    dialect = {"delimiter": ";"} if key == "csv-excel" else {}
    return list(csv.reader(io.StringIO(text, newline=""), **dialect))[1:]


def test_the_page_offers_every_workshops_dataset_in_every_streaming_format(
        app, setting, world, admin_client):
    consultation = setting["consultation"]
    choose_consultation(admin_client, consultation)
    html = admin_client.get(PAGE).get_data(as_text=True)
    with app.app_context():
        streaming = [key for key, exporter in exporters().items() if exporter.streams]
    assert streaming
    for key, count in ROWS.items():
        links = [f"/admin/export/{consultation.id}/{key}.{fmt}" for fmt in streaming]
        assert all(f'href="{link}"' in html for link in links), key
        for fmt, link in zip(streaming, links, strict=True):
            response = admin_client.get(link)
            assert response.status_code == 200, link
            assert len(records(fmt, response.get_data())) == count, link


def test_the_runner_writes_every_dataset_in_every_format(app, setting, world):
    with app.test_request_context():
        found = {d.key: d for _plugin, d in datasets_of(setting["consultation"])}
        formats = exporters()
        assert {"xlsx", "csv", "csv-excel", "jsonl"} <= set(formats)
        for key, count in ROWS.items():
            offer = Offer("workshops", found[key], ExportScope(), needs_purpose=False)
            for fmt, exporter in formats.items():
                out = io.BytesIO()
                runner.write_dataset(offer, exporter, out, "en")
                assert len(records(fmt, out.getvalue())) == count, (key, fmt)
