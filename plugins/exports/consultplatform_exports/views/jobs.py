"""Background exports (XLSX, ZIP) on the export page: start, progress, download."""

from __future__ import annotations

from consultplatform.api import MixinBase


class JobRoutes(MixinBase):
    """Routes of :class:`~consultplatform_exports.views.page.ExportView` for background jobs."""
