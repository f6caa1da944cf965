"""The accessibility and privacy pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import Regexp

from consultplatform.admin.model_view import CoreModelView
from consultplatform.db import utcnow


class SitePageView(CoreModelView):
    column_list = ["slug", "title_nl", "title_en", "updated_at"]
    column_searchable_list = ["slug", "title_nl", "title_en"]
    form_columns = ["slug", "title_nl", "title_en", "body_nl", "body_en"]
    form_args = {"slug": {"validators": [Regexp(r"^[a-z0-9-]{1,40}$", message=_l(
        "Use lower-case letters, digits and hyphens only."))]}}
    form_widget_args = {"body_nl": {"rows": 14}, "body_en": {"rows": 14}}

    def on_model_change(self, form, model, is_created: bool) -> None:

        model.updated_at = utcnow()
        super().on_model_change(form, model, is_created)
