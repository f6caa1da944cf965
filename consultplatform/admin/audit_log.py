"""The audit log, read-only: the filters a CISO asks for (who, what, which object, with
what result, when in Amsterdam time) and a CSV export of what is filtered, itself logged.

Nothing in the admin changes a row: no create, edit or delete (``write_roles`` is empty,
so every write URL answers 403 and is logged as refused), no list action, no inline edit.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from flask import Response, stream_with_context
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import JOIN

from consultplatform import audit
from consultplatform.admin.filters import (
    AmsterdamFromFilter,
    AmsterdamUntilFilter,
    StaffFilter,
)
from consultplatform.admin.labels import LABELS
from consultplatform.admin.model_view import CoreModelView
from consultplatform.exporting import excel_csv_lines
from consultplatform.models import AuditLog, StaffUser
from consultplatform.timezone import AMSTERDAM, now_local

# Rows per statement of the export: it walks the log newest first by id (keyset), so a
# large log is never held in memory, on either database.
EXPORT_BATCH = 500
EXPORT_FIELDS = (AuditLog.id, AuditLog.created_at, AuditLog.actor_label, AuditLog.actor,
                 StaffUser.name, AuditLog.action, AuditLog.object_type, AuditLog.object_id,
                 AuditLog.object_label, AuditLog.result, AuditLog.origin, AuditLog.details)


class AuditLogView(CoreModelView):
    read_roles = ("admin",)
    write_roles = ()
    # The bulk delete every list has (SecureModelView.action_delete): not here.
    action_disallowed_list = ["delete"]
    can_export = True
    export_types = ["csv"]
    column_list = ["created_at", "actor_label", "action", "object_type", "object_id",
                   "object_label", "result", "origin"]
    column_details_list = [*column_list, "details"]
    column_labels = {**LABELS, "created_at": _l("When")}
    column_searchable_list = ["actor_label", "object_label", "object_type"]
    column_filters = [
        StaffFilter(AuditLog.actor, _l("Who")),
        "action", "object_type", "object_id", "result",
        # Typed in Amsterdam time, as the list shows it; compared in UTC, as stored.
        AmsterdamFromFilter(AuditLog.created_at, _l("When")),
        AmsterdamUntilFilter(AuditLog.created_at, _l("When")),
    ]
    column_default_sort = ("created_at", True)

    @expose("/export/<export_type>/")
    def export(self, export_type: str) -> Response:
        """The filtered log (the list's search and filters) as a CSV file for Dutch
        Excel, streamed; the download is logged with its filters first. Reached only
        past ``_handle_view``: an administrator, a known type, valid list arguments."""
        args = self._get_list_extra_args()
        _count, query = self.get_list(None, None, None, args.search, args.filters,
                                      execute=False, page_size=False)
        audit.record("export", None, object_type="AuditLog", details={
            "filters": [[self._filters[index].column.name, type(self._filters[index]).__name__,
                         value] for index, _key, value in args.filters or ()],
            # Whether the list was searched, not for what: a name typed there may be a
            # participant's.
            "search": bool(args.search),
        })
        columns = [_("When (Amsterdam time)"), _("When (UTC)"), _("Who"),
                   _("Staff account number"), _("Name"), _("Action"), _("Object type"),
                   _("Object number"), _("Object"), _("Result"), _("From (IP address)"),
                   _("Details")]
        lines = excel_csv_lines(columns, (export_row(row) for row in export_rows(query)))
        response = Response(stream_with_context(lines), mimetype="text/csv")
        filename = f"auditlog-{now_local():%Y-%m-%d}.csv"
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.headers["Cache-Control"] = "no-store"
        return response


def export_rows(query: Any) -> Iterator[tuple]:
    """The rows of ``query`` (the audit log, filtered) with the account's current name,
    newest first, ``EXPORT_BATCH`` at a time."""
    rows = (query.select(*EXPORT_FIELDS)
            .join(StaffUser, JOIN.LEFT_OUTER, on=(AuditLog.actor == StaffUser.id))
            .order_by(AuditLog.id.desc()).tuples())
    last = None
    while True:
        batch = list((rows if last is None else rows.where(AuditLog.id < last))
                     .limit(EXPORT_BATCH))
        yield from batch
        if len(batch) < EXPORT_BATCH:
            return
        last = batch[-1][0]


def export_row(row: tuple) -> list[Any]:
    (_ident, created_at, actor_label, actor_id, name, action, object_type, object_id,
     object_label, result, origin, details) = row
    utc = created_at.replace(tzinfo=dt.UTC)
    if not isinstance(details, str):
        details = json.dumps(details or {}, ensure_ascii=False, sort_keys=True)
    return [utc.astimezone(AMSTERDAM).strftime("%Y-%m-%d %H:%M:%S"),
            utc.strftime("%Y-%m-%dT%H:%M:%SZ"), actor_label, actor_id or "", name or "",
            action, object_type, object_id, object_label, result, origin, details]
