"""The form in which an administrator states why they export personal data (one per
personal dataset on the export page, told apart by its prefix: the dataset key)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField

from consultplatform.api import SafeForm, options, strip
from consultplatform_exports.downloads import PURPOSE_TEXT_MAX, PURPOSES, purpose_problem


class PurposeForm(SafeForm):
    purpose = SelectField(_l("Purpose"), validate_choice=False)
    purpose_text = TextAreaField(
        _l("Explanation"), filters=[strip],
        description=_l("Required when you choose \u201cOther\u201d; at most %(max)d characters.",
                       max=PURPOSE_TEXT_MAX),
        render_kw={"rows": 2, "maxlength": PURPOSE_TEXT_MAX})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.purpose.choices = options([("", _("Choose a purpose")), *PURPOSES])

    def validate(self, extra_validators: dict[str, list] | None = None) -> bool:
        valid = super().validate(extra_validators)
        problem = purpose_problem(self.purpose.data, self.purpose_text.data)
        if problem is not None:
            field, message = problem
            self[field].errors = [*self[field].errors, message]
            return False
        return valid
