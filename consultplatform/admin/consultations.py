"""The consultations list and form."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_admin.model.template import BaseListRowAction, EndpointLinkRowAction
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms.validators import Email, Length, Optional, Regexp

from consultplatform.admin.columns import format_choices, format_labels
from consultplatform.admin.form_fields import CheckboxListField
from consultplatform.admin.help_texts import CONSULTATION_HELP, with_help
from consultplatform.admin.model_view import CoreModelView
from consultplatform.admin.next_step import flash_next_step
from consultplatform.events import emit_after_commit
from consultplatform.models import (
    Consultation,
)
from consultplatform.slugs import unique_slug


class PreviewRowAction(BaseListRowAction):
    """"Preview": the public page as participants will see it, drafts included."""

    def render(self, context: Any, row_id: str, row: Any) -> Markup:
        return Markup('<a class="icon" href="{}" title="{}"><span class="fa fa-globe" '
                      'aria-hidden="true"></span><span class="sr-only">{}</span></a>').format(
            url_for("public.preview", slug=row.slug), _l("Preview the public page"),
            _l("Preview the public page"))


class ConsultationView(CoreModelView):
    consultation_field = Consultation.id
    column_list = ["title", "slug", "status", "organiser", "starts_on", "ends_on"]
    column_searchable_list = ["title", "slug", "organiser"]
    column_filters = ["status", "starts_on", "ends_on"]
    column_details_list = ["title", "slug", "summary", "organiser", "status", "starts_on",
                           "ends_on", "contact_email", "contact_phone", "retention_until",
                           "formats", "created_at"]
    form_columns = ["title", "slug", "summary", "organiser", "status", "starts_on", "ends_on",
                    "contact_email", "contact_phone", "privacy_text", "retention_until",
                    "formats"]
    column_formatters = {"formats": format_labels}
    form_overrides = {"formats": CheckboxListField}
    form_args = with_help({
        "slug": {"validators": [Optional(), Regexp(r"^[a-z0-9][a-z0-9-]{0,79}$", message=_l(
            "Use lower-case letters, digits and hyphens only."))]},
        "contact_email": {"validators": [Optional(), Email(), Length(max=254)]},
    }, CONSULTATION_HELP)

    def get_list_row_actions(self):
        actions = super().get_list_row_actions()
        actions.append(PreviewRowAction())
        if self._may_write():
            # The new-consultation wizard with this consultation chosen to copy.
            actions.append(EndpointLinkRowAction("fa fa-clone", "new_consultation.index",
                                                 title=_l("Copy as a new consultation"),
                                                 id_arg="kopie"))
        return actions

    def scaffold_form(self):
        form_class = super().scaffold_form()
        # The slug may be left empty (it is made from the title): not a required field.
        unbound = form_class.slug
        validators = [v for v in unbound.kwargs.get("validators", [])
                      if type(v).__name__ != "ValueRequired"]
        form_class.slug = type(unbound)(unbound.field_class, *unbound.args,
                                        **{**unbound.kwargs, "validators": validators})
        form_class.slug.creation_counter = unbound.creation_counter
        return form_class

    def on_model_change(self, form, model, is_created: bool) -> None:
        if not model.slug:
            model.slug = unique_slug(model.title, lambda slug: Consultation.select().where(
                (Consultation.slug == slug) & (Consultation.id != (model.id or 0))).exists())
        super().on_model_change(form, model, is_created)

    def _with_format_choices(self, form, obj=None):
        form.formats.choices = format_choices(keep=(obj.formats if obj is not None else ()))
        return form

    def create_form(self, obj=None):
        form = self._with_format_choices(super().create_form(obj))
        if request.method == "GET" and not form.formats.data:
            form.formats.data = ["general"]
        return form

    def may_delete(self, model) -> str | None:
        if model.participants.exists():
            return str(_l("This consultation has participants and cannot be deleted. Archive it "
                          "instead; personal data is erased after its retention date."))
        return None

    def edit_form(self, obj=None):
        return self._with_format_choices(super().edit_form(obj), obj)

    def after_model_change(self, form, model, is_created: bool) -> None:
        super().after_model_change(form, model, is_created)
        flash_next_step(model)

    def watched_values(self, model: Any) -> dict[str, Any]:
        return {"status": model.status}

    def after_save(self, model: Any, before: dict[str, Any], is_created: bool) -> None:
        if model.status == "closed" and before.get("status") != "closed":
            emit_after_commit("cp_consultation_closed", consultation=model)
