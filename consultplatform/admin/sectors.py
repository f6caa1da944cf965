"""The sectors of a consultation."""

from __future__ import annotations

from consultplatform.admin.consultation_scope import ConsultationScopedView
from consultplatform.admin.help_texts import SECTOR_HELP, with_help
from consultplatform.admin.model_view import CoreModelView
from consultplatform.models import (
    Consultation,
    Sector,
)


class SectorView(ConsultationScopedView, CoreModelView):
    consultation_field = Sector.consultation
    list_prefetch = (Consultation,)
    column_list = ["consultation", "name", "default_seat_cap", "position"]
    column_searchable_list = ["name"]
    column_filters = [Consultation.title]
    form_columns = ["consultation", "name", "default_seat_cap", "position"]
    form_args = with_help({}, SECTOR_HELP)
