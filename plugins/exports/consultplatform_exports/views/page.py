"""The export page of a consultation in the admin."""

from __future__ import annotations

from flask_admin import expose

from consultplatform.api import SecureView
from consultplatform_exports.views.jobs import JobRoutes
from consultplatform_exports.views.publish import PublishRoutes


class ExportView(JobRoutes, PublishRoutes, SecureView):
    """Every dataset the user may export, with its row count and formats."""

    @expose("/")
    def index(self) -> str:
        return self.render("exports/page.html")
