"""The staff pages under the admin's "Validation" menu."""

from __future__ import annotations

from typing import Any

from flask_admin import BaseView
from flask_babel import lazy_gettext as _l


def admin_views(category: Any) -> list[BaseView]:
    from consultplatform_validation.views.presenter import PresenterView
    from consultplatform_validation.views.results import results_views
    from consultplatform_validation.views.rounds import RoundsView

    return [
        RoundsView(name=_l("Validation rounds"), endpoint="validation_rounds",
                   url="/admin/validation-rounds", category=category),
        PresenterView(name=_l("Presenter screen"), endpoint="validation_presenter",
                      url="/admin/validation-presenter", category=category,
                      menu_class_name="d-none"),
        *results_views(category),
    ]
