"""Command line for consultation templates: ``flask consultations export|import``."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale

consultations_cli = AppGroup("consultations", help="Consultations as template files.")


@consultations_cli.command("export")
@click.argument("slug")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write the template here (default: standard output).")
def export(slug: str, output: str | None) -> None:
    """Write consultation SLUG's structure as a template file (no personal data)."""
    from consultplatform.models import Consultation
    from consultplatform.structure.export import export_structure

    consultation = Consultation.get_or_none(Consultation.slug == slug)
    if consultation is None:
        raise click.ClickException(f"no consultation with the web address {slug!r}")
    text = json.dumps(export_structure(consultation.id), indent=1, ensure_ascii=False) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"template of {slug!r} written to {output}")
    else:
        sys.stdout.write(text)


@consultations_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--title", required=True, help="Title of the new consultation.")
@click.option("--slug", default="", help="Its web address (default: made from the title).")
@click.option("--organiser", required=True, help="Who organises it.")
@click.option("--first-day", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="Its first day (YYYY-MM-DD); the sessions keep their distance to it.")
@click.option("--retention-until", type=click.DateTime(["%Y-%m-%d"]),
              help="Keep personal data until (YYYY-MM-DD; default: from the template).")
def import_(path: str, title: str, slug: str, organiser: str, first_day: dt.datetime,
            retention_until: dt.datetime | None) -> None:
    """Make a new draft consultation from the template file PATH (all or nothing)."""
    from consultplatform.services.consultation_templates import import_template, read_file
    from consultplatform.structure.load import NewConsultation, TemplateError

    new = NewConsultation(title=title, slug=slug, organiser=organiser,
                          first_day=first_day.date(),
                          retention_until=retention_until.date() if retention_until else None)
    with force_locale("en"):  # the command line speaks English
        try:
            made = import_template(read_file(Path(path)), new, source=Path(path).name)
        except TemplateError as refused:
            raise click.ClickException(str(refused)) from None
    click.echo(f"consultation {made.slug!r} made as a draft (#{made.id})")
