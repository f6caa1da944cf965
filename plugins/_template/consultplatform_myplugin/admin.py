"""The plugin's admin view: staff read, administrators write (CoreModelView's rules)."""

from __future__ import annotations

from consultplatform.api import CoreModelView


class NoteView(CoreModelView):
    column_list = ["consultation", "title", "created_at"]
    column_searchable_list = ["title"]
    form_columns = ["consultation", "title"]
