"""``flask --app consultplatform export list|run``: exports for the server's operator.

The operator may export everything (``catalogue.offers(consultation, None)``); a
personal dataset only with ``--purpose``, and each such export is audit-logged. The
file appears under its name only when complete (written to ``FILE.part`` first).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click
from flask.cli import AppGroup

from consultplatform.api import Consultation, plugin_registry
from consultplatform_exports import NAME, catalogue, runner
from consultplatform_exports.building import ZIP
from consultplatform_exports.catalogue import Offer
from consultplatform_exports.downloads import (
    PURPOSE_OTHER,
    PURPOSES,
    purpose_problem,
    record_download,
)
from consultplatform_exports.everything import write_zip

ALL = "all"

export = AppGroup("export", help="Export datasets as files (CSV, XLSX, JSON Lines, ZIP).")


def usage(message: str) -> click.UsageError:
    return click.UsageError(message)


def consultation_of(slug: str) -> Consultation:
    if not plugin_registry().is_enabled(NAME):
        raise click.ClickException("the exports plugin is switched off")
    found = Consultation.get_or_none(Consultation.slug == slug)
    if found is None:
        raise usage(f"no consultation with slug {slug!r}")
    return found


@export.command("list")
@click.option("--consultation", "slug", required=True, help="The consultation's slug.")
def list_datasets(slug: str) -> None:
    """Every dataset of the consultation: key, label, sensitivity, rows; the formats."""
    consultation = consultation_of(slug)
    for offer in catalogue.offers(consultation, None):
        dataset = offer.dataset
        rows = dataset.count(offer.scope)
        click.echo(f"{dataset.key}\t{dataset.label}\t{dataset.sensitivity}\t{rows} rows")
    click.echo("formats: " + ", ".join([*catalogue.exporters(), ZIP]))


@contextmanager
def progress_bar(offers: Sequence[Offer]) -> Iterator[Callable[[int], Any] | None]:
    """A bar on stderr when it is a terminal (the rows are counted for it, a query per
    dataset); ``None`` (no reports, no counting) otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    total = sum(offer.dataset.count(offer.scope) for offer in offers)
    with click.progressbar(length=total, file=sys.stderr, label="Exporting") as bar:
        shown = 0

        def report(done: int) -> None:
            nonlocal shown
            bar.update(max(0, done - shown))
            shown = max(shown, done)

        yield report


@export.command("run")
@click.argument("dataset", required=False, default=ALL)
@click.option("--consultation", "slug", required=True, help="The consultation's slug.")
@click.option("--format", "format_key", required=True,
              help="csv-excel, csv, xlsx, jsonl or zip (every dataset).")
@click.option("--output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="The file to write.")
@click.option("--purpose", default="", help="Why: required for a personal dataset. One of "
              "invitations, attendance, accountability, data_subject_request, or your own words.")
@click.option("--language", type=click.Choice(["nl", "en"]), default="nl", show_default=True,
              help="Language of the column labels and the data dictionary.")
@click.option("--inner", "inner_key", default="csv-excel", show_default=True,
              help="With --format zip: the format of the files in the ZIP.")
def run(dataset: str, slug: str, format_key: str, output: str, purpose: str,
        language: str, inner_key: str) -> None:
    """Write DATASET (``all`` with --format zip) of a consultation to --output."""
    consultation = consultation_of(slug)
    formats = catalogue.exporters()
    wanted = inner_key if format_key == ZIP else format_key
    if wanted not in formats:
        raise usage(f"unknown format {wanted!r}; choose from "
                    + ", ".join([*formats, ZIP]))
    exporter = formats[wanted]
    offers = catalogue.offers(consultation, None)
    if format_key != ZIP:
        chosen = [offer for offer in offers if offer.key == dataset]
        if not chosen:
            raise usage(f"unknown dataset {dataset!r}; "
                        f"see: export list --consultation {slug}")
        offers = chosen
    elif dataset != ALL:
        raise usage("--format zip exports every dataset: give 'all' or no dataset")
    personal = [offer for offer in offers if offer.needs_purpose]
    purpose = purpose.strip()
    if personal and not purpose:
        names = ", ".join(offer.key for offer in personal)
        raise usage(f"{names}: personal data; say why with --purpose")
    # One of the page's purposes by its key, or in the operator's own words; checked
    # as the page checks it, before anything is written.
    choice, text = ((purpose, "") if purpose in dict(PURPOSES) else (PURPOSE_OTHER, purpose))
    problem = purpose_problem(choice, text) if personal else None
    if problem is not None:
        raise usage(f"--purpose: {problem[1]}")
    rows = write_file(consultation, offers, exporter, output, language,
                      whole_zip=format_key == ZIP)
    try:
        for offer in personal:
            record_download(consultation.id, offer, format_key, choice, text,
                            rows.get(offer.key, 0))
        os.replace(output + ".part", output)
    except BaseException:
        runner.remove_file(output + ".part")
        raise
    click.echo(f"{output}: {sum(rows.values())} rows", err=True)


def write_file(consultation: Consultation, offers: Sequence[Offer], exporter: Any,
               output: str, language: str, *, whole_zip: bool) -> dict[str, int]:
    """The file at ``output + '.part'`` (removed again on failure); rows per dataset."""
    partial = output + ".part"
    rows: dict[str, int] = {}
    try:
        with progress_bar(offers) as progress, open(partial, "wb") as out:
            if whole_zip:
                rows = write_zip(consultation, offers, exporter, out, language, progress)
            else:
                offer = offers[0]

                def tally(done: int) -> None:
                    rows[offer.key] = done
                    if progress is not None:
                        progress(done)

                runner.write_dataset(offer, exporter, out, language, progress=tally)
    except BaseException:
        runner.remove_file(partial)
        raise
    return rows

