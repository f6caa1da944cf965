"""Fictional demo consultation modelled on the Noordoostpolder case.

Its structure (sectors, themes, sessions, questions) comes from the template file
``demo_consultation.json``, the same file the wizard offers; the people and results
are added by the core and each plugin through ``cp_demo_data``.

Every person and company here is made up; e-mail addresses use the
reserved example.org domain.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from consultplatform import audit
from consultplatform.db import db
from consultplatform.models import Consultation
from consultplatform.services.consultation_templates import DEMO_TEMPLATE, create_from_template
from consultplatform.structure.load import NewConsultation, check_template
from consultplatform.timezone import now_local

if TYPE_CHECKING:
    from consultplatform.plugins import PluginRegistry

DEMO_SLUG = "sociaal-economische-agenda"


def demo_exists() -> bool:
    return Consultation.select().exists()


# The demo's template puts the seventh (live) Expertarena on this day of the trajectory;
# the trajectory starts that many days ago, so six arenas lie behind and the meetings
# that people sign up for lie ahead.
LIVE_ARENA_DAY = 42


def demo_template(plugins: PluginRegistry) -> dict[str, Any]:
    """The demo's template file, checked as any template is, without the formats and
    plugins this installation lacks (a platform without the Expertarena still gets a
    demo)."""
    data = json.loads(DEMO_TEMPLATE.read_text(encoding="utf-8"))
    offered, installed = set(plugins.formats()), set(plugins.names())
    data["consultation"]["formats"] = [f for f in data["consultation"]["formats"] if f in offered]
    data["sessions"] = [s for s in data["sessions"] if s["format"] in offered]
    for part in ("plugins", "plugin_settings"):
        data[part] = {k: v for k, v in data.get(part, {}).items() if k in installed}
    return check_template(data)


def load_demo(plugins: PluginRegistry) -> dict[str, int]:
    """Create the demo consultation from its template file (``demo_consultation.json``,
    the same file the wizard offers), publish it, and let every enabled plugin add its
    people and results through ``cp_demo_data``."""
    data = demo_template(plugins)
    today = now_local().date()
    first_day = today - dt.timedelta(days=LIVE_ARENA_DAY)
    own = data["consultation"]
    with db.atomic():
        consultation = create_from_template(
            data, NewConsultation(title=own["title"], slug=DEMO_SLUG, organiser=own["organiser"],
                                  first_day=first_day), source="demo", audited=False)
        consultation.status = "published"
        consultation.save(only=[Consultation.status])
        report = {"template.sectors": len(data["sectors"]), "template.themes": len(data["themes"]),
                  "template.sessions": len(data["sessions"])}
        # Plugins load their fiction through the real services: no audit rows.
        with audit.paused():
            for plugin_name, counts in plugins.results("cp_demo_data", staged=True,
                                                       consultation=consultation):
                for key, value in (counts or {}).items():
                    report[f"{plugin_name}.{key}"] = value
    return report


