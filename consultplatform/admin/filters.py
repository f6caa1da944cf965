"""List filters shared by the admin's model views."""

from __future__ import annotations

from typing import Any

from flask_admin.babel import lazy_gettext as admin_lazy_gettext
from flask_admin.contrib.peewee.filters import BasePeeweeFilter, FilterEqual
from flask_admin.contrib.peewee.tools import parse_like_term

from consultplatform.admin.base import parse_id
from consultplatform.models import (
    Consultation,
    ConsultationSession,
    Registration,
)


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
