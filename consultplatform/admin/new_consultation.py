"""The wizard for a new consultation: from a copy of one there is, or from a template
file (the demo's, the municipality's own in instance/templates/consultations/, or an
upload); it asks for the new title, web address, organiser, first day and retention
date, shows what will be made, and makes it (consultplatform.services.consultation_templates)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateField, FileField, HiddenField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from consultplatform.admin.base import SecureView
from consultplatform.forms import SafeForm, options, strip
from consultplatform.ids import parse_id
from consultplatform.models import Consultation
from consultplatform.services.consultation_templates import (
    create_from_template,
    read_file,
    template_choices,
)
from consultplatform.services.workspace import choose_consultation
from consultplatform.structure.export import export_structure
from consultplatform.structure.load import (
    NewConsultation,
    TemplateError,
    describe,
    read_template,
    session_start,
)
from consultplatform.structure.schema import MAX_BYTES
from consultplatform.workspace import current_consultation_id, scope_to, visible_consultations

SOURCES = [("copy", _l("A copy of a consultation")), ("file", _l("A template file")),
           ("upload", _l("A template file from this computer"))]


class NewConsultationForm(SafeForm):
    source = RadioField(_l("Start from"), choices=options(SOURCES), default="copy",
                        validators=[InputRequired()])
    consultation = SelectField(_l("Consultation to copy"), choices=[], validate_choice=False)
    template = SelectField(_l("Template file"), choices=[], validate_choice=False)
    upload = FileField(_l("Template file (JSON)"))
    # An uploaded file, kept through the preview (its text, checked again on creation).
    uploaded = HiddenField()
    title = StringField(_l("Title"), filters=[strip], validators=[InputRequired(), Length(max=200)],
                        description=_l("What participants see, e.g. \"Retailvisie Centrum Emmeloord\"."))
    slug = StringField(_l("Web address"), filters=[strip], validators=[Optional(), Length(max=80)],
                       description=_l("The part after /c/; left empty, it is made from the title."))
    organiser = StringField(_l("Organiser"), filters=[strip],
                            validators=[InputRequired(), Length(max=200)])
    first_day = DateField(_l("First day"), validators=[InputRequired()],
                          description=_l("The sessions keep their distance to it and their time "
                                         "of day."))
    retention_until = DateField(_l("Keep personal data until"), validators=[Optional()],
                                description=_l("Left empty, it follows from the template."))


class NewConsultationView(SecureView):
    read_roles = ("admin",)

    def is_visible(self) -> bool:
        return False  # reached from the consultations list and the dashboard

    @expose("/", methods=("GET", "POST"))
    def index(self):
        form = NewConsultationForm()
        copies = visible_consultations(current_user).select(Consultation.id, Consultation.title)
        chosen = current_consultation_id()  # working on one: that one is the one to copy
        copies = list(copies if chosen is None else scope_to(copies, chosen))
        files = template_choices()
        form.consultation.choices = options((str(c.id), c.title) for c in copies)
        form.template.choices = options((str(n), f.name) for n, f in enumerate(files))
        if request.method == "GET":
            wanted = parse_id(request.args.get("kopie", ""))
            if wanted:
                form.consultation.data = str(wanted)
            form.first_day.data = form.first_day.data or dt.date.today() + dt.timedelta(days=28)
        preview, status = None, 200
        if form.validate_on_submit():
            try:
                data, source = self._template(form, files)
                if request.form.get("confirm") == "1":
                    return self._create(form, data, source)
                preview = {"counts": describe(data), "sessions": _sessions(data, form)}
            except TemplateError as refused:
                fallback = form.template if form.source.data == "file" else form.upload
                target = form._fields.get(refused.field, fallback)
                target.errors = [*target.errors, str(refused)]
                status = 422
        elif request.method == "POST":
            status = 422
        return self.render("admin/cp_new_consultation.html", form=form, preview=preview), status

    def _template(self, form: NewConsultationForm, files: list) -> tuple[dict, str]:
        if form.source.data == "copy":
            source_id = parse_id(form.consultation.data or "")
            if source_id is None or source_id not in {int(c.value) for c in
                                                      form.consultation.choices}:
                raise TemplateError("consultation", _("Choose the consultation to copy."))
            return export_structure(source_id), f"consultation #{source_id}"
        if form.source.data == "file":
            raw_index = form.template.data or ""
            if not (raw_index.isdigit() and len(raw_index) < 4 and int(raw_index) < len(files)):
                raise TemplateError("template", _("Choose a template file."))
            chosen = files[int(raw_index)]
            return read_template(read_file(chosen.path)), chosen.path.name
        raw = _uploaded(form)
        form.uploaded.data = raw.decode("utf-8", errors="replace")
        return read_template(raw), "upload"

    def _create(self, form: NewConsultationForm, data: dict, source: str):
        new = NewConsultation(title=form.title.data, slug=form.slug.data or "",
                              organiser=form.organiser.data, first_day=form.first_day.data,
                              retention_until=form.retention_until.data)
        made = create_from_template(data, new, source=source)
        choose_consultation(current_user.id, made.id)
        flash(_("%(title)s is made as a draft. Next: check its sessions and dates, then "
                "publish it (the steps below say what is still missing).", title=made.title),
              "success")
        return redirect(url_for("admin.index"), code=303)


def _uploaded(form: NewConsultationForm) -> bytes:
    upload = request.files.get("upload")
    if upload is not None and upload.filename:
        raw = upload.stream.read(MAX_BYTES + 1)
    else:
        raw = (form.uploaded.data or "").encode("utf-8")
    if not raw:
        raise TemplateError("upload", _("Choose the template file to upload."))
    return raw


def _sessions(data: dict, form: NewConsultationForm) -> list[dict[str, Any]]:
    """The sessions the new consultation gets, with their new dates (for the preview)."""
    first = form.first_day.data
    rows = []
    for item in data["sessions"]:
        rows.append({"title": item["title"], "starts_at": session_start(first, item),
                     "questions": len(item.get("questions", []))})
    return rows
