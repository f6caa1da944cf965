"""Everything held about one participant, for their own page and download."""

from __future__ import annotations

import json
from typing import Any

from flask import Response

from consultplatform.db import utcnow
from consultplatform.models import Participant
from consultplatform.privacy.holders import all_holders


def personal_data(participant_id: int, *, staff: bool = False) -> dict[str, Any]:
    """{"participant": id, "consultation": title, "exported_at", "parts": [...]}, one
    part per holder: its key, label, purpose, legal basis, retention and rows. The
    person's own view leaves out the staff-only parts (``self_service=False``)."""
    person = Participant.get_by_id(participant_id)
    parts = []
    for plugin, holder in sorted(all_holders(), key=lambda pair: pair[0] != "core"):
        if not (staff or holder.self_service):
            continue
        parts.append({"key": holder.key, "plugin": plugin, "label": str(holder.label),
                      "purpose": str(holder.purpose), "legal_basis": str(holder.legal_basis),
                      "retention": str(holder.retention),
                      "rows": holder.export(participant_id)})
    return {"participant": participant_id, "consultation": person.consultation.title,
            "exported_at": utcnow().isoformat(timespec="seconds") + "Z", "parts": parts}


def json_download(data: dict[str, Any], filename: str) -> Response:
    """A person's data as a JSON file to save, never kept by a cache."""
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-store"})
