"""The CSV for Excel opened the way a Dutch spreadsheet opens it: LibreOffice Calc,
headless, with the Dutch locale (1043), semicolons and UTF-8, converted to XLSX and
read back as cells."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from . import sample
from .test_formats import made

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not "
                                "installed: make system-deps")
# Separator 59 (;), quote 34 ("), charset 76 (UTF-8), from line 1, locale 1043 (nl-NL).
DUTCH_CSV = "CSV:59,34,76,1,,1043"


def opened_in_calc(csv_file: Path, tmp_path: Path) -> list[list[openpyxl.cell.Cell]]:
    """The file's cells as Calc read them (a private profile per test)."""
    assert SOFFICE is not None
    out = tmp_path / "out"
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    f"--infilter={DUTCH_CSV}", "--convert-to", "xlsx", "--outdir", str(out),
                    str(csv_file)], check=True, capture_output=True, timeout=180)
    book = openpyxl.load_workbook(out / (csv_file.stem + ".xlsx"))
    return [list(row) for row in book.active.iter_rows()]


def test_calc_reads_the_excel_csv_as_cells_and_runs_no_formula(app, tmp_path):
    exported = tmp_path / "export.csv"
    exported.write_bytes(made(app, "csv-excel"))
    # The control: the same line without the shared writer is a formula to Calc.
    control = tmp_path / "control.csv"
    control.write_bytes("\ufeffTekst;Aantal\r\n=1+2;3\r\n".encode())
    assert opened_in_calc(control, tmp_path)[1][0].data_type == "f"

    header, *rows = opened_in_calc(exported, tmp_path)
    assert [cell.value for cell in header] == [c.label for c in sample.COLUMNS]
    assert len(rows) == len(sample.TEXTS)
    assert all(len(row) == len(sample.COLUMNS) for row in rows)  # split, not shifted
    texts = [row[1] for row in rows]
    assert [cell.value for cell in texts] == (["'" + t for t in sample.FORMULAS]
                                              + sample.AWKWARD)
    assert {cell.data_type for cell in texts} == {"s"}  # no formula among them
    first = [cell.value for cell in rows[0]]
    assert first[2:5] == [0, 1234.5, 0.25]  # the decimal comma read as one
    assert first[5] == dt.datetime(2024, 6, 14, 12, 30)
    assert first[6] == dt.datetime(2024, 12, 3, 19, 45)
    assert first[7] == dt.datetime(2024, 2, 29)
    assert first[8:] == ["ja", "ok"]
