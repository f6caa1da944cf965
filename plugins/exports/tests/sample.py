"""A dataset with every kind of value and every awkward text, and a generated one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from consultplatform.api import (
    AGGREGATE,
    BOOLEAN,
    DATE,
    DATETIME,
    DECIMAL,
    INTEGER,
    LOCAL_DATETIME,
    PSEUDONYM,
    DatasetColumn,
    ExportDataset,
    ExportScope,
)

# Texts a spreadsheet would run as formulas or split wrongly; ``"'" + text`` where
# the shared writer neutralises them.
FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "-1+2", "@SUM(A1)", "\tleading tab"]
AWKWARD = ["é ü ĳ", "a;b", 'say "hi"', "line\nbreak", "a,b"]
TEXTS = FORMULAS + AWKWARD
# 14 June 2024 10:30 UTC is 12:30 in Amsterdam (summer time).
CREATED = dt.datetime(2024, 6, 14, 10, 30)  # naive UTC, as stored
STARTS = dt.datetime(2024, 12, 3, 19, 45)  # Amsterdam wall clock
DAY = dt.date(2024, 2, 29)

COLUMNS = [
    DatasetColumn("person", "Persoon", "Een pseudoniem.", kind=PSEUDONYM),
    DatasetColumn("text", "Tekst", "Vrije tekst."),
    DatasetColumn("number", "Aantal", kind=INTEGER),
    DatasetColumn("amount", "Bedrag", kind=DECIMAL),
    DatasetColumn("share", "Deel", kind=DECIMAL),
    DatasetColumn("created_at", "Aangemaakt", kind=DATETIME),
    DatasetColumn("starts_at", "Begint", kind=LOCAL_DATETIME),
    DatasetColumn("day", "Dag", kind=DATE),
    DatasetColumn("present", "Aanwezig", kind=BOOLEAN),
    DatasetColumn("note", "Opmerking"),
]
KEYS = [column.key for column in COLUMNS]


def rows(scope: ExportScope | None = None) -> Iterator[list[Any]]:
    """One row per text; the person id repeats (pseudonyms must match within one
    export); every second row has empty values."""
    for index, text in enumerate(TEXTS):
        empty = index % 2 == 1
        yield [100 + index % 3, text, index, Decimal("1234.50"), 0.25,
               None if empty else CREATED, STARTS, DAY, index % 2 == 0,
               None if empty else "ok"]


def dataset(key: str = "sample_rows", sensitivity: str = AGGREGATE) -> ExportDataset:
    return ExportDataset(key=key, label="Voorbeeldrijen", columns=COLUMNS, rows=rows,
                         count=lambda scope: len(TEXTS), description="Alle soorten waarden.",
                         sensitivity=sensitivity)


# The generated dataset's columns: few, so 200,000 rows stay quick to write.
NARROW = [COLUMNS[2], COLUMNS[1], COLUMNS[5], COLUMNS[3]]


def generated(count: int) -> ExportDataset:
    """``count`` rows made one at a time: never in the database, never in a list."""
    def rows(scope: ExportScope) -> Iterator[list[Any]]:
        for i in range(count):
            yield [i, f"Tekst nummer {i} met é en ü", CREATED + dt.timedelta(seconds=i),
                   Decimal(i) / 4]

    return ExportDataset(key="generated", label="Gegenereerd", columns=NARROW, rows=rows,
                         count=lambda scope: count)
