"""Reading a consultation template and making a new draft consultation from it, in
one transaction: all of it, or nothing."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import jsonschema
from flask_babel import lazy_gettext as _l

from consultplatform.models import (
    Consultation,
    ConsultationQuestion,
    ConsultationSession,
    PluginSetting,
    Sector,
    SessionQuestion,
    Theme,
)
from consultplatform.palette import next_theme_colour
from consultplatform.plugins import registry
from consultplatform.services.errors import FieldError
from consultplatform.structure.export import TemplateKeys
from consultplatform.structure.schema import FORMAT, MAX_BYTES, SCHEMA, VERSION


class TemplateError(FieldError):
    """A template that cannot be used; ``field`` is "file" for the file itself."""


@dataclass(frozen=True)
class NewConsultation:
    """What the wizard asks: the new consultation's own title, address and dates."""

    title: str
    slug: str
    organiser: str
    first_day: dt.date
    retention_until: dt.date | None = None


def read_template(raw: bytes) -> dict[str, Any]:
    """The template in ``raw``, checked: size, JSON, kind and version, the schema, the
    references inside it, and that this platform has its formats and plugins."""
    if len(raw) > MAX_BYTES:
        raise TemplateError("file", str(_l("This file is larger than a template can be "
                                           "(%(num)d kB at most).", num=MAX_BYTES // 1000)))
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise TemplateError("file", str(_l("This file is not a template: it is not readable "
                                           "JSON (damaged or cut off?)."))) from None
    return check_template(data)


def check_template(data: Any) -> dict[str, Any]:
    """Parsed template data, checked: kind and version, the schema, the references
    inside it, and that this platform has its formats and plugins."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TemplateError("file", str(_l("This file is not a consultation template.")))
    if data.get("version") != VERSION:
        raise TemplateError("file", str(_l(
            "This template is of version %(found)s; this platform reads version %(version)d.",
            found=str(data.get("version"))[:20], version=VERSION)))
    errors = sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(data),
                    key=lambda error: list(error.absolute_path))
    if errors:
        place = "/".join(str(part) for part in errors[0].absolute_path) or "-"
        raise TemplateError("file", str(_l("The template is not as it should be at "
                                           "%(place)s: %(problem)s", place=place,
                                           problem=errors[0].message[:200])))
    check_references(data)
    return data


def check_references(data: dict[str, Any]) -> None:
    sector_keys = [s["key"] for s in data["sectors"]]
    session_keys = [s["key"] for s in data["sessions"]]
    twice = [key for key, n in Counter(sector_keys).items() if n > 1]
    if twice:
        raise TemplateError("file", str(_l("The template has the sector key %(key)s twice.",
                                           key=twice[0])))
    twice = [key for key, n in Counter(session_keys).items() if n > 1]
    if twice:
        raise TemplateError("file", str(_l("The template has the session key %(key)s twice.",
                                           key=twice[0])))
    if len({t["name"] for t in data["themes"]}) != len(data["themes"]):
        raise TemplateError("file", str(_l("The template names a theme twice.")))
    if len({s["name"] for s in data["sectors"]}) != len(data["sectors"]):
        raise TemplateError("file", str(_l("The template names a sector twice.")))
    unknown_sector = next((s["sector"] for s in data["sessions"]
                           if s.get("sector") and s["sector"] not in sector_keys), None)
    if unknown_sector:
        raise TemplateError("file", str(_l("A session refers to sector %(key)s, which the "
                                           "template does not have.", key=unknown_sector)))
    offered = set(registry().formats(only_enabled=False))
    wanted = set(data["consultation"]["formats"]) | {s["format"] for s in data["sessions"]}
    missing = sorted(wanted - offered)
    if missing:
        raise TemplateError("file", str(_l("The template uses the format %(format)s, which no "
                                           "plugin on this platform offers.",
                                           format=missing[0])))
    unused = sorted({s["format"] for s in data["sessions"]} - set(data["consultation"]["formats"]))
    if unused:
        raise TemplateError("file", str(_l("A session has the format %(format)s, which the "
                                           "consultation does not use.", format=unused[0])))
    installed = set(registry().names())
    plugins = sorted((set(data.get("plugin_settings", {})) | set(data.get("plugins", {})))
                     - installed)
    if plugins:
        raise TemplateError("file", str(_l("The template needs the plugin %(name)s, which is "
                                           "not installed on this platform.", name=plugins[0])))


def describe(data: dict[str, Any]) -> dict[str, int]:
    """What a new consultation from ``data`` gets, counted (the wizard's preview)."""
    return {"sectors": len(data["sectors"]), "themes": len(data["themes"]),
            "sessions": len(data["sessions"]),
            "questions": len(data["consultation"].get("questions", []))
            + sum(len(s.get("questions", [])) for s in data["sessions"]),
            "plugin_settings": len(data.get("plugin_settings", {}))}


def build(data: dict[str, Any], new: NewConsultation) -> Consultation:
    """Create the draft consultation and its structure; the caller holds the transaction."""
    if Consultation.select().where(Consultation.slug == new.slug).exists():
        raise TemplateError("slug", str(_l("Another consultation already has this web "
                                           "address.")))
    own = data["consultation"]
    ends_on = (new.first_day + dt.timedelta(days=own["duration_days"])
               if "duration_days" in own else None)
    retention = new.retention_until
    if retention is None and "retention_days" in own:
        retention = (ends_on or new.first_day) + dt.timedelta(days=own["retention_days"])
    consultation = Consultation.create(
        title=new.title, slug=new.slug, organiser=new.organiser, status="draft",
        summary=own.get("summary", ""), contact_email=own.get("contact_email", ""),
        contact_phone=own.get("contact_phone", ""), privacy_text=own.get("privacy_text", ""),
        formats=list(own["formats"]), starts_on=new.first_day, ends_on=ends_on,
        retention_until=retention)
    for n, question in enumerate(own.get("questions", [])):
        ConsultationQuestion.create(consultation=consultation, **_question(question, n))
    keys = TemplateKeys()
    for sector in data["sectors"]:
        keys.sector_ids[sector["key"]] = Sector.create(
            consultation=consultation, name=sector["name"],
            default_seat_cap=sector.get("default_seat_cap"),
            position=sector.get("position", 0)).id
    colours: list[str] = []
    for theme in data["themes"]:
        colours.append(theme.get("colour") or next_theme_colour(colours))
        Theme.create(consultation=consultation, name=theme["name"],
                     description=theme.get("description", ""),
                     colour=colours[-1], position=theme.get("position", 0),
                     active=theme.get("active", True))
    for session in data["sessions"]:
        keys.session_ids[session["key"]] = _session(consultation, session, keys, new.first_day)
    for plugin, settings in data.get("plugin_settings", {}).items():
        PluginSetting.create(plugin=plugin, consultation=consultation, data=settings)
    # Every installed plugin takes its own part (a refusal undoes the whole import).
    list(registry().results("cp_template_import", only_enabled=False,
                            consultation=consultation, parts=data.get("plugins", {}),
                            keys=keys))
    return consultation


def session_start(first: dt.date, item: dict[str, Any]) -> dt.datetime:
    """When a template's session starts: its day after the first day, at its time."""
    hours, minutes = (int(part) for part in item["start"].split(":"))
    return dt.datetime.combine(first + dt.timedelta(days=item["day"]), dt.time(hours, minutes))


def _session(consultation: Consultation, item: dict[str, Any], keys: TemplateKeys,
             first: dt.date) -> int:
    starts = session_start(first, item)
    session = ConsultationSession.create(
        consultation=consultation, title=item["title"], format_key=item["format"],
        description=item.get("description", ""),
        sector=keys.sector_ids.get(item["sector"]) if item.get("sector") else None,
        starts_at=starts, ends_at=starts + dt.timedelta(minutes=item["duration_minutes"]),
        location=item.get("location", ""), online_url=item.get("online_url", ""),
        capacity=item.get("capacity"), sector_cap=item.get("sector_cap"),
        side_caps=dict(item.get("side_caps") or {}), audience=item.get("audience", "public"),
        reminder_hours=item.get("reminder_hours", 48))
    for n, question in enumerate(item.get("questions", [])):
        SessionQuestion.create(session=session, **_question(question, n))
    return session.id


def _question(item: dict[str, Any], n: int) -> dict[str, Any]:
    """The fields of a sign-up question from its template entry (the ``n``-th)."""
    return {"kind": item["kind"], "label_nl": item["label_nl"],
            "label_en": item.get("label_en", ""), "choices_nl": item.get("choices_nl", ""),
            "choices_en": item.get("choices_en", ""), "required": item.get("required", False),
            "position": item.get("position", n)}
