"""The consultation template file: a consultation's structure as JSON, version 1.

Published as ``docs/consultation-template.schema.json`` (a test keeps the two the
same) and described in ``docs/consultation-templates.md``. Dates are relative:
a session's ``day`` counts from the consultation's first day, so a template can
start on any date. People, registrations, insights, actions, votes and audit
rows are never in it.
"""

from __future__ import annotations

from typing import Any

FORMAT = "consultplatform.consultation-template"
VERSION = 1
# A template file larger than this is refused before it is read.
MAX_BYTES = 1_000_000

_KEY = {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,39}$"}
_TEXT: dict[str, Any] = {"type": "string", "maxLength": 5000}


def _line(limit: int) -> dict[str, Any]:
    return {"type": "string", "maxLength": limit}


def _count(nullable: bool = True) -> dict[str, Any]:
    number = {"type": "integer", "minimum": 0, "maximum": 1_000_000}
    return {"oneOf": [number, {"type": "null"}]} if nullable else number


QUESTION = {
    "type": "object", "additionalProperties": False,
    "required": ["kind", "label_nl"],
    "properties": {
        "kind": {"enum": ["short_text", "long_text", "single", "multiple", "yes_no"]},
        "label_nl": _line(300), "label_en": _line(300),
        "choices_nl": _line(3000), "choices_en": _line(3000),
        "required": {"type": "boolean"}, "position": _count(False),
    },
}

SESSION = {
    "type": "object", "additionalProperties": False,
    "required": ["key", "title", "format", "day", "start", "duration_minutes"],
    "properties": {
        "key": _KEY, "title": _line(200), "description": _TEXT, "format": _line(60),
        "sector": {"oneOf": [_KEY, {"type": "null"}]},
        "day": {"type": "integer", "minimum": 0, "maximum": 3650},
        "start": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"},
        "duration_minutes": {"type": "integer", "minimum": 1, "maximum": 24 * 60 * 14},
        "location": _line(300), "online_url": _line(500),
        "capacity": _count(), "sector_cap": _count(),
        "side_caps": {"type": "object", "additionalProperties": _count(False),
                      "propertyNames": {"enum": ["entrepreneur", "government", "education",
                                                 "other"]}},
        "audience": {"enum": ["public", "invite"]},
        "reminder_hours": _count(),
        "questions": {"type": "array", "maxItems": 50, "items": QUESTION},
    },
}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://consultplatform.example/consultation-template-1.schema.json",
    "title": "Consultation template (consultplatform), version 1",
    "type": "object", "additionalProperties": False,
    "required": ["format", "version", "consultation", "sectors", "themes", "sessions"],
    "properties": {
        "format": {"const": FORMAT},
        "version": {"const": VERSION},
        "exported_at": _line(40),
        "consultation": {
            "type": "object", "additionalProperties": False,
            "required": ["title", "organiser", "formats"],
            "properties": {
                "title": _line(200), "summary": _TEXT, "organiser": _line(200),
                "contact_email": _line(254), "contact_phone": _line(40),
                "privacy_text": _TEXT,
                "formats": {"type": "array", "maxItems": 20, "items": _line(60)},
                "duration_days": {"type": "integer", "minimum": 0, "maximum": 3650},
                "retention_days": {"type": "integer", "minimum": 0, "maximum": 3650},
                # Asked once per person, whatever sessions they choose (optional: files
                # made before these questions existed are read as they are).
                "questions": {"type": "array", "maxItems": 50, "items": QUESTION},
            },
        },
        "sectors": {"type": "array", "maxItems": 100, "items": {
            "type": "object", "additionalProperties": False, "required": ["key", "name"],
            "properties": {"key": _KEY, "name": _line(120), "default_seat_cap": _count(),
                           "position": _count(False)}}},
        "themes": {"type": "array", "maxItems": 100, "items": {
            "type": "object", "additionalProperties": False, "required": ["name"],
            "properties": {"name": _line(120), "description": _TEXT,
                           "colour": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"},
                           "position": _count(False), "active": {"type": "boolean"}}}},
        "sessions": {"type": "array", "maxItems": 200, "items": SESSION},
        "plugin_settings": {"type": "object", "maxProperties": 50,
                            "additionalProperties": {"type": "object"}},
        "plugins": {"type": "object", "maxProperties": 50,
                    "additionalProperties": {"type": "object"}},
    },
}
