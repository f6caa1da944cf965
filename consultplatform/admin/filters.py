"""List filters shared by the admin's model views."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import has_app_context
from flask_admin.babel import lazy_gettext as admin_lazy_gettext
from flask_admin.contrib.peewee import filters as peewee_filters
from flask_admin.contrib.peewee.filters import BasePeeweeFilter, FilterEqual
from flask_admin.contrib.peewee.tools import parse_like_term
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from consultplatform.admin.base import parse_id
from consultplatform.models import (
    Consultation,
    ConsultationSession,
    Registration,
    StaffUser,
)
from consultplatform.plugins import registry
from consultplatform.timezone import AMSTERDAM


class RecordFilter(FilterEqual):
    """Equals a record number: the registrations or questions of one session."""

    def validate(self, value: Any) -> bool:
        return parse_id(value) is not None

    def clean(self, value: Any) -> int:
        return int(value)


class OptionFilter(FilterEqual):
    """Equals one of fixed options; ``none`` (when offered) means no value."""

    def validate(self, value: Any) -> bool:
        return value in {key for key, _label in self.options}

    def apply(self, query, value):
        if value == "none":
            return query.where(self.column.is_null())
        return super().apply(query, value)


class ConsultationTitleFilter(BasePeeweeFilter):
    """The registrations of the sessions of consultations whose title contains a text."""

    def apply(self, query, value):
        sessions = (ConsultationSession.select(ConsultationSession.id).join(Consultation)
                    .where(Consultation.title ** parse_like_term(value)))
        return query.where(Registration.session.in_(sessions))

    def operation(self):
        return admin_lazy_gettext("contains")


class RequestOptionsFilter(OptionFilter):
    """Options read per request (``request_options``), in the request's language and
    from the database as it is now; Flask-Admin asks once, when the view is made,
    outside any app (CoreModelView._get_filter_groups fills them in per request)."""

    def get_options(self, view):
        if not has_app_context():
            return None
        return self.request_options()

    def request_options(self) -> list[tuple[str, str]]:
        raise NotImplementedError


class FormatFilter(RequestOptionsFilter):
    """Equals a session format, offered by its label ("Expertarena", "General meeting");
    the formats of every plugin, on or off (sessions keep theirs)."""

    def request_options(self) -> list[tuple[str, str]]:
        return [(key, str(fmt.label)) for key, (_plugin, fmt)
                in sorted(registry().formats(only_enabled=False).items())]

    def validate(self, value: Any) -> bool:
        return value in registry().formats(only_enabled=False)


class StaffFilter(RequestOptionsFilter):
    """Equals a staff account, offered by name and e-mail address (one statement);
    ``none``: rows without an account (not logged in, or the account deleted)."""

    def request_options(self) -> list[tuple[str, str]]:
        people = StaffUser.select(StaffUser.id, StaffUser.name, StaffUser.email).order_by(
            StaffUser.name, StaffUser.id).tuples()
        return [*((str(ident), f"{name} ({email})") for ident, name, email in people),
                ("none", str(_l("No account")))]

    def validate(self, value: Any) -> bool:
        return value == "none" or parse_id(value) is not None

    def clean(self, value: Any) -> Any:
        return value if value == "none" else int(value)


# Dates compared: "after" and "before" rather than "greater than" and "smaller than".
DATE_OPERATIONS = {
    **dict.fromkeys((peewee_filters.DateGreaterFilter, peewee_filters.DateTimeGreaterFilter),
                    _l("after")),
    **dict.fromkeys((peewee_filters.DateSmallerFilter, peewee_filters.DateTimeSmallerFilter),
                    _l("before")),
}


def labelled_filters(view: Any, name: Any, scaffolded: list | None) -> list | None:
    """The filters Flask-Admin scaffolds for ``name``, in the view's words: a column
    with fixed options (a status, a role) offers its labels, not its keys; the session
    format its formats; dates say "after" and "before"; a column of a related model is
    named by that model's label (a lazy name, in the language of each request)."""
    attr = getattr(view.model, name, None) if isinstance(name, str) else name
    if attr is None or not scaffolded:
        return scaffolded
    related = attr.model is not view.model
    label: Any = scaffolded[0].name
    if related:
        label = LazyString(_related_label, view, attr)
    if attr.name == "format_key" and not related:
        return [FormatFilter(attr, label)]
    if getattr(attr, "choices", None):
        options = list(attr.choices)
        if attr.null:
            options.append(("none", _l("Not filled in")))
        return [OptionFilter(attr, label, options=options)]
    for flt in scaffolded:
        flt.name = label
        operation = DATE_OPERATIONS.get(type(flt))
        if operation is not None:
            flt.operation = (lambda text: lambda: text)(operation)
    return scaffolded


def _related_label(view: Any, attr: Any) -> str:
    model = str(view.get_column_name(attr.model.__name__))
    if attr.name in ("title", "name"):
        return model
    return f"{model} ({str(view.get_column_name(attr.name)).lower()})"


# --- times the list shows in Amsterdam time, stored as naive UTC ----------------------

DATETIME_INPUT = "%Y-%m-%d %H:%M:%S"  # what Flask-Admin's date-time picker sends


def amsterdam_to_utc(value: dt.datetime) -> dt.datetime:
    """A naive Amsterdam wall-clock time as the naive UTC time it was. Of an hour that
    happens twice (the last Sunday of October) the first; an hour that never happens
    (the last Sunday of March, 02:00-03:00) counts as winter time, so 02:30 is 03:30."""
    return value.replace(tzinfo=AMSTERDAM).astimezone(dt.UTC).replace(tzinfo=None)


class AmsterdamTimeFilter(BasePeeweeFilter):
    """A naive-UTC column (``created_at``) compared with a time typed in Amsterdam
    time, as the list shows it (columns.utc_datetime)."""

    def __init__(self, column: Any, name: Any, options: Any = None, data_type: Any = None):
        super().__init__(column, name, options, data_type="datetimepicker")

    def clean(self, value: Any) -> dt.datetime:
        text = str(value).strip()
        for pattern in (DATETIME_INPUT, "%Y-%m-%d %H:%M"):
            try:
                return amsterdam_to_utc(dt.datetime.strptime(text, pattern))
            except ValueError:
                continue
        raise ValueError(text)


class AmsterdamFromFilter(AmsterdamTimeFilter):
    """At or after the time typed."""

    def apply(self, query, value):
        return query.where(self.column >= value)

    def operation(self):
        return _l("from")


class AmsterdamUntilFilter(AmsterdamTimeFilter):
    """At or before the time typed."""

    def apply(self, query, value):
        return query.where(self.column <= value)

    def operation(self):
        return _l("until")
