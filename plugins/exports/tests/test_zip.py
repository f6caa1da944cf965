"""Everything as one ZIP: a file per dataset, one pseudonym key for the whole ZIP, and
the data dictionary in Dutch (LEESMIJ.txt) and English (README.txt)."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl

from consultplatform.api import PERSONAL, ExportScope
from consultplatform.testing import factories
from consultplatform_exports.catalogue import Offer
from consultplatform_exports.everything import write_zip
from consultplatform_exports.formats import xlsx

from . import sample


def offers() -> list[Offer]:
    return [Offer("test", sample.dataset("sample_people", PERSONAL), ExportScope(), True),
            Offer("test", sample.dataset("sample_counts"), ExportScope(), False)]


def test_the_zip_holds_every_dataset_and_both_dictionaries(app):
    seen: list[int] = []
    out = io.BytesIO()
    with app.app_context():
        consultation = factories.consultation(title="Haven-Oost")
        rows = write_zip(consultation, offers(), None, out, "nl", progress=seen.append)
    assert rows == {"sample_people": 10, "sample_counts": 10}
    assert seen[-1] == 20
    archive = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    assert sorted(archive.namelist()) == ["LEESMIJ.txt", "README.txt", "sample_counts.csv",
                                          "sample_people.csv"]
    assert all(info.compress_type == zipfile.ZIP_DEFLATED and info.date_time[0] > 1980
               for info in archive.infolist())

    def people(name: str) -> list[str]:
        text = archive.read(name).decode("utf-8-sig")
        return [row[0] for row in csv.reader(io.StringIO(text, newline=""), delimiter=";")][1:]

    # One key for the whole ZIP: the same id is the same pseudonym in both files.
    assert people("sample_people.csv") == people("sample_counts.csv")

    dutch = archive.read("LEESMIJ.txt").decode("utf-8")
    english = archive.read("README.txt").decode("utf-8")
    for text in (dutch, english):
        assert "Haven-Oost" in text and "sample_people.csv" in text
        for column in sample.COLUMNS:
            assert f"- {column.key}: {column.label} (" in text
            assert str(column.description) in text
        assert "Voorbeeldrijen" in text and "Alle soorten waarden." in text
    assert "Rows: 10" in english and "Columns:" in english and "personal:" in english
    assert "Rijen: 10" in dutch and "Kolommen:" in dutch and "persoonsgegevens:" in dutch
    assert "pseudonym" in english and "semicolons" in english
    assert "puntkomma" in dutch


def test_a_zip_of_workbooks(app, tmp_path):
    out = io.BytesIO()
    with app.app_context():
        write_zip(factories.consultation(), offers(), xlsx.EXPORTER, out, "en")
    archive = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    assert {"sample_people.xlsx", "sample_counts.xlsx"} <= set(archive.namelist())
    book = openpyxl.load_workbook(io.BytesIO(archive.read("sample_people.xlsx")))
    assert book["sample_people"].max_row == 11
