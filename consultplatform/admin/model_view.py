"""``CoreModelView``: the base of every core and plugin model view (labels, choices, formats)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_admin.model import typefmt
from jinja2 import pass_context

from consultplatform.admin.base import SecureModelView
from consultplatform.admin.columns import date_only, utc_datetime, yes_no
from consultplatform.admin.filters import RequestOptionsFilter, labelled_filters
from consultplatform.admin.labels import LABELS
from consultplatform.admin.wording import in_language, search_placeholder
from consultplatform.models import (
    choices,
)
from consultplatform.workspace import current_consultation_id, scope_choices, sessions_of


class CoreModelView(SecureModelView):
    """Labels, choices and formats of every core and plugin model view, and the
    current-consultation scope (consultplatform.workspace): the list, the counts,
    the records one may open and every choice list in the forms are of the
    consultation the staff member works on."""

    # How a row belongs to a consultation: the field holding it, or one holding a
    # session; neither: rows that are not one consultation's (staff, site pages).
    # Override consultation_condition for another path.
    consultation_field: Any = None
    session_field: Any = None

    column_labels = LABELS
    column_default_sort: tuple[str, bool] | list[tuple[str, bool]] = ("id", True)
    column_type_formatters = {**typefmt.BASE_FORMATTERS, dt.datetime: utc_datetime,
                              dt.date: date_only, bool: yes_no}
    column_type_formatters_detail = {**typefmt.DETAIL_FORMATTERS, dt.datetime: utc_datetime,
                                     dt.date: date_only, bool: yes_no}
    column_choices = {
        "status": [*choices.CONSULTATION_STATUSES, *choices.SESSION_STATUSES,
                   *choices.REGISTRATION_STATUSES],
        "side": choices.SIDES,
        "role": choices.ROLES,
        "audience": choices.AUDIENCES,
        "result": choices.AUDIT_RESULTS,
        "language": choices.LANGUAGES,
    }

    def search_placeholder(self) -> str | None:
        """'Search by title, location' from the searchable columns' labels (Flask-Admin's
        peewee views offer none, and the template then shows "None")."""
        columns = [column if isinstance(column, str) else column.name
                   for column in self.column_searchable_list or ()]
        return search_placeholder(self.get_column_name(column) for column in columns)

    def scaffold_filters(self, name):
        return labelled_filters(self, name, super().scaffold_filters(name))

    @pass_context
    def get_list_value(self, context, model, name):
        return in_language(name, super().get_list_value(context, model, name))

    @pass_context
    def get_detail_value(self, context, model, name):
        return in_language(name, super().get_detail_value(context, model, name))

    def _get_filter_groups(self):
        groups = super()._get_filter_groups()
        for items in (groups or {}).values():
            for item in items:
                flt = self._filters[item["index"]]
                if isinstance(flt, RequestOptionsFilter):
                    item["options"] = flt.get_options(self)
        return groups

    def consultation_condition(self, consultation_id: int) -> Any:
        """The rows of ``consultation_id``, or None for a view that is not scoped."""
        if self.consultation_field is not None:
            return self.consultation_field == consultation_id
        if self.session_field is not None:
            return self.session_field.in_(sessions_of(consultation_id))
        return None

    def get_query(self):
        query = super().get_query()
        consultation_id = current_consultation_id()
        if consultation_id is not None:
            condition = self.consultation_condition(consultation_id)
            if condition is not None:
                query = query.where(condition)
        return query

    def create_form(self, obj=None):
        return scope_choices(super().create_form(obj))

    def edit_form(self, obj=None):
        return scope_choices(super().edit_form(obj))
