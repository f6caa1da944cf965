"""The staff pages under the admin's "Validation" menu."""

from __future__ import annotations

from typing import Any

from flask_admin import BaseView


def admin_views(category: Any) -> list[BaseView]:
    # PLACEHOLDER: the rounds, presenter, results and decisions helpers add theirs.
    from consultplatform_validation.views.results import results_views
    return [*results_views(category)]
