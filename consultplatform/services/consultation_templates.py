"""New consultations from a template: a copy of an existing consultation, a template
file (uploaded, from ``instance/templates/consultations/``, or the demo's), each in
one transaction with its audit row. Only structure is ever copied."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from consultplatform import audit
from consultplatform.db import write_transaction
from consultplatform.models import Consultation
from consultplatform.slugs import slugify
from consultplatform.structure.export import export_structure
from consultplatform.structure.load import NewConsultation, TemplateError, build, read_template
from consultplatform.structure.schema import MAX_BYTES

# The demo consultation's template, shipped with the core.
DEMO_TEMPLATE = Path(__file__).resolve().parents[1] / "demo_consultation.json"


@dataclass(frozen=True)
class TemplateFile:
    """A template file a municipality keeps in its instance folder."""

    name: str
    path: Path


def _checked(new: NewConsultation) -> NewConsultation:
    title = new.title.strip()
    if not title:
        raise TemplateError("title", str(_l("Give the new consultation a title.")))
    if not new.organiser.strip():
        raise TemplateError("organiser", str(_l("Say who organises the consultation.")))
    slug = slugify(new.slug or title)
    if not slug:
        raise TemplateError("slug", str(_l("Use letters or digits in the web address.")))
    if new.retention_until is not None and new.retention_until < new.first_day:
        raise TemplateError("retention_until", str(_l(
            "Personal data must be kept at least until the consultation ends.")))
    return NewConsultation(title[:200], slug, new.organiser.strip()[:200], new.first_day,
                           new.retention_until)


def create_from_template(data: dict, new: NewConsultation, *, source: str,
                         audited: bool = True) -> Consultation:
    """``audited=False`` only for the demo, which writes no audit rows."""
    new = _checked(new)
    with write_transaction():
        consultation = build(data, new)
        if audited:
            audit.record("create_from_template", consultation,
                         details={"source": source[:100]})
    return consultation


def copy_consultation(source_id: int, new: NewConsultation) -> Consultation:
    """A new draft consultation with the structure of ``source_id``."""
    data = export_structure(source_id)
    return create_from_template(data, new, source=f"consultation #{source_id}")


def import_template(raw: bytes, new: NewConsultation, *, source: str = "file") -> Consultation:
    return create_from_template(read_template(raw), new, source=source)


def instance_templates() -> list[TemplateFile]:
    """The municipality's own template files (``instance/templates/consultations/``)."""
    folder = Path(current_app.instance_path) / "templates" / "consultations"
    if not folder.is_dir():
        return []
    return [TemplateFile(path.stem, path) for path in sorted(folder.glob("*.json"))
            if path.is_file() and path.stat().st_size <= MAX_BYTES]


def read_file(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(MAX_BYTES + 1)


def template_choices() -> list[TemplateFile]:
    """Every template file the wizard offers: the demo's, then the instance's own."""
    demo = TemplateFile(str(_l("Demo: Sociaal-Economische Agenda")), DEMO_TEMPLATE)
    return [demo, *instance_templates()]

