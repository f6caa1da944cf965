"""Publishing aggregate datasets as open data, from the export page."""

from __future__ import annotations

from consultplatform.api import MixinBase


class PublishRoutes(MixinBase):
    """Routes of :class:`~consultplatform_exports.views.page.ExportView` for open data."""
