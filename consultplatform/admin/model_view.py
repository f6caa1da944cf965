"""``CoreModelView``: the base of every core and plugin model view (labels, choices, formats)."""

from __future__ import annotations

import datetime as dt

from flask_admin.model import typefmt

from consultplatform.admin.base import SecureModelView
from consultplatform.admin.columns import date_only, utc_datetime
from consultplatform.admin.labels import LABELS
from consultplatform.models import (
    choices,
)


class CoreModelView(SecureModelView):
    column_labels = LABELS
    column_default_sort: tuple[str, bool] | list[tuple[str, bool]] = ("id", True)
    column_type_formatters = {**typefmt.BASE_FORMATTERS, dt.datetime: utc_datetime,
                              dt.date: date_only}
    column_type_formatters_detail = {**typefmt.DETAIL_FORMATTERS, dt.datetime: utc_datetime,
                                     dt.date: date_only}
    column_choices = {
        "status": [*choices.CONSULTATION_STATUSES, *choices.SESSION_STATUSES,
                   *choices.REGISTRATION_STATUSES],
        "side": choices.SIDES,
        "role": choices.ROLES,
        "audience": choices.AUDIENCES,
        "result": choices.AUDIT_RESULTS,
        "language": choices.LANGUAGES,
    }
