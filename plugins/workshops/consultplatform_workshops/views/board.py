"""Placeholder: replaced by the page's own module."""

from __future__ import annotations

from flask_admin import expose

from consultplatform.api import SecureView


class BoardView(SecureView):
    @expose("/")
    def index(self):
        return ""
