"""The audit log, read-only."""

from __future__ import annotations

from consultplatform.admin.model_view import CoreModelView


class AuditLogView(CoreModelView):
    read_roles = ("admin",)
    write_roles = ()
    column_list = ["created_at", "actor_label", "action", "object_type", "object_id",
                   "object_label", "result", "origin"]
    column_details_list = [*column_list, "details"]
    column_searchable_list = ["actor_label", "object_label", "object_type"]
    column_filters = ["action", "result", "object_type", "created_at"]
    column_default_sort = ("created_at", True)
