"""Everything at once: a ZIP with one file per dataset and a data dictionary,
``LEESMIJ.txt`` in Dutch and ``README.txt`` in English.

The ZIP is written as a stream, each dataset straight into its member, so no file is
held in memory. Every dataset is pseudonymised under one key for the whole ZIP: an id
is the same pseudonym in every file of this export, and a different one in the next.
"""

from __future__ import annotations

import secrets
import zipfile
from collections.abc import Sequence
from typing import Any, BinaryIO, cast

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consultplatform.api import (
    AGGREGATE,
    BOOLEAN,
    DATE,
    DATETIME,
    DECIMAL,
    INTEGER,
    LOCAL_DATETIME,
    PERSONAL,
    PSEUDONYM,
    PSEUDONYMOUS,
    TEXT,
    Consultation,
    Exporter,
    now_local,
)
from consultplatform_exports.catalogue import Offer
from consultplatform_exports.formats import csv_excel
from consultplatform_exports.runner import Progress, table_for

# The data dictionary in each language: (file name, language).
DICTIONARIES = (("LEESMIJ.txt", "nl"), ("README.txt", "en"))
SENSITIVITY_LABELS = {
    AGGREGATE: _l("aggregate: counts and totals, no rows about persons"),
    PSEUDONYMOUS: _l("pseudonymous: a row per person or contribution, no names; ids are "
                     "random per export"),
    PERSONAL: _l("personal: names and contact details; handle with care"),
}
KIND_LABELS = {
    TEXT: _l("text"),
    INTEGER: _l("whole number"),
    DECIMAL: _l("decimal number"),
    BOOLEAN: _l("yes or no"),
    DATE: _l("date"),
    DATETIME: _l("date and time, Amsterdam time"),
    LOCAL_DATETIME: _l("date and time, Amsterdam time"),
    PSEUDONYM: _l("pseudonym: the same within this export, different in the next"),
}


def member_name(offer: Offer, exporter: Exporter) -> str:
    return f"{offer.key}.{exporter.extension}"


def member_info(name: str) -> zipfile.ZipInfo:
    """A member dated now (Amsterdam time), compressed."""
    info = zipfile.ZipInfo(name, date_time=now_local().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def dictionary(consultation: Consultation, offers: Sequence[Offer], exporter: Exporter,
               rows: dict[str, int]) -> str:
    """The data dictionary's text in the current locale."""
    lines = [
        _("Data export: %(title)s", title=consultation.title),
        _("Made on %(moment)s (Amsterdam time).",
          moment=now_local().strftime("%d-%m-%Y %H:%M")),
        "",
        _("File format: %(label)s.", label=exporter.label),
        str(exporter.description),
        _("Ids of persons are pseudonyms, the same in every file of this ZIP and different "
          "in every other export: files of two exports cannot be joined."),
        _("A text that a spreadsheet would run as a formula (it starts with =, +, -, @ or a "
          "tab) starts with an apostrophe (') in these files, so it stays text."),
    ]
    for offer in offers:
        dataset = offer.dataset
        lines += ["", "=" * 72, member_name(offer, exporter), "=" * 72,
                  str(dataset.label)]
        if str(dataset.description):
            lines.append(str(dataset.description))
        lines.append(_("Sensitivity: %(what)s",
                       what=SENSITIVITY_LABELS.get(dataset.sensitivity,
                                                   dataset.sensitivity)))
        lines.append(_("Rows: %(rows)d", rows=rows.get(offer.key, 0)))
        lines += ["", _("Columns:")]
        for column in dataset.columns:
            kind = KIND_LABELS.get(column.kind, column.kind)
            lines.append(f"- {column.key}: {column.label} ({kind})")
            if str(column.description):
                lines.append(f"  {column.description}")
    return "\r\n".join(lines) + "\r\n"


def write_zip(consultation: Consultation, offers: Sequence[Offer], exporter: Exporter | None,
              out: BinaryIO, language: str, progress: Progress | None = None) -> dict[str, int]:
    """The ZIP of ``offers`` in ``exporter``'s format (CSV for Excel when None), written
    to ``out``; ``progress(rows_done)`` counts rows over all datasets. Returns the rows
    written per dataset key."""
    exporter = exporter or csv_excel.EXPORTER
    key = secrets.token_bytes(32)
    rows: dict[str, int] = {}
    done = 0

    def tally(dataset_key: str) -> Progress:
        def report(count: int) -> Any:
            rows[dataset_key] = count
            if progress is not None:
                progress(done + count)
        return report

    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with force_locale(language):
            for offer in offers:
                table = table_for(offer, language, pseudonym_key=key,
                                  progress=tally(offer.key))
                with archive.open(member_info(member_name(offer, exporter)), "w",
                                  force_zip64=True) as member:
                    exporter.write_file(table, cast(BinaryIO, member))
                done += rows.get(offer.key, 0)
        for name, dictionary_language in DICTIONARIES:
            with force_locale(dictionary_language):
                text = dictionary(consultation, offers, exporter, rows)
            archive.writestr(member_info(name), text.encode("utf-8"))
    return rows
