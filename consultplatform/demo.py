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
import random
import secrets
from typing import TYPE_CHECKING, Any

from consultplatform.db import db
from consultplatform.models import (
    Consultation,
    ConsultationSession,
    Participant,
    Registration,
    Sector,
    StaffUser,
)
from consultplatform.services.consultation_templates import DEMO_TEMPLATE, create_from_template
from consultplatform.services.staff import StaffAccount, create_staff
from consultplatform.structure.load import NewConsultation, read_template
from consultplatform.timezone import now_local

if TYPE_CHECKING:
    from consultplatform.plugins import PluginRegistry

DEMO_SLUG = "sociaal-economische-agenda"
# Passwords of the demo staff accounts made by the last load, for the CLI to print once.
DEMO_CREDENTIALS: dict[str, str] = {}

FIRST_NAMES = ["Anouk", "Bram", "Carlijn", "Daan", "Esmee", "Floor", "Gijs", "Hanna", "Ids",
               "Jolien", "Kees", "Lotte", "Maarten", "Nadia", "Okke", "Pien", "Quirijn",
               "Roos", "Sander", "Tessel"]
LAST_NAMES = ["Akkerman", "Brouwerij", "de Cromvoirt", "Dijkhof", "Elzinga-Post", "Fokkert",
              "van Gasteren", "Holtrop", "IJsbrandij", "Jellema-Kuipers", "Klaverstijn",
              "Lindeboom", "Meulstee", "Noorderhaven", "Oosterwold"]
ORGANISATION_KINDS = {
    "Landbouw": ["Akkerbouwbedrijf", "Pootaardappelteelt", "Melkveebedrijf"],
    "Industrie": ["Metaalbewerking", "Machinefabriek", "Kunststoffen"],
    "Detailhandel": ["Boekhandel", "Fietsenwinkel", "Modehuis"],
    "Toerisme en recreatie": ["Camping", "Botenverhuur", "Pension"],
    "Zorg": ["Thuiszorg", "Fysiotherapie", "Zorgboerderij"],
    "Bouw": ["Aannemersbedrijf", "Installatietechniek", "Timmerfabriek"],
    "Logistiek": ["Transportbedrijf", "Koelhuis", "Koeriersdienst"],
}
PLACE_NAMES = ["De Polderhoek", "Het Vlakke Land", "Nieuwe Vaart", "De Zuiderkavel",
               "Kop van de Dijk", "De Lange Tocht"]


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
    return read_template(json.dumps(data).encode())


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
        Consultation.update(status="published").where(
            Consultation.id == consultation.id).execute()
        consultation = Consultation.get_by_id(consultation.id)
        report = {"template.sectors": len(data["sectors"]), "template.themes": len(data["themes"]),
                  "template.sessions": len(data["sessions"])}
        for plugin_name, counts in plugins.results("cp_demo_data", consultation=consultation):
            for key, value in (counts or {}).items():
                report[f"{plugin_name}.{key}"] = value
    return report


def _staff(email: str, name: str, role: str) -> tuple[StaffUser, str]:
    password = secrets.token_urlsafe(12)
    user = create_staff(StaffAccount(email=email, name=name, role=role, password=password),
                        audited=False)
    return user, password


def load_core_demo(consultation: Consultation) -> dict[str, int]:
    """The people of the demo: two staff accounts, the moderator of the first general
    meeting, and 42 fictional participants signed up for the general meetings."""
    rng = random.Random(2019)  # noqa: S311 - reproducible fiction, not security
    sectors = list(Sector.select().where(Sector.consultation == consultation.id)
                   .order_by(Sector.position, Sector.id))
    moderator, moderator_password = _staff("moderator@example.org", "Mila Moderator",
                                           "moderator")
    _staff("kijker@example.org", "Vera Viewer", "viewer")
    DEMO_CREDENTIALS.clear()
    DEMO_CREDENTIALS["moderator@example.org"] = moderator_password
    sessions = list(ConsultationSession.select().where(
        (ConsultationSession.consultation == consultation.id)
        & (ConsultationSession.format_key == "general")).order_by(ConsultationSession.starts_at))
    if sessions:
        ConsultationSession.update(moderator=moderator).where(
            ConsultationSession.id == sessions[0].id).execute()

    people: list[Participant] = []
    used: set[tuple[str, str]] = set()
    while len(people) < 42:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if (first, last) in used:
            continue
        used.add((first, last))
        sector = rng.choice(sectors)
        side = "entrepreneur" if len(people) < 30 else rng.choice(["government", "education"])
        if side == "entrepreneur":
            kinds = ORGANISATION_KINDS.get(sector.name, ["Bedrijf"])
            organisation = f"{rng.choice(kinds)} {rng.choice(PLACE_NAMES)}"
        elif side == "government":
            organisation = "Gemeente Noordoostpolder (demo)"
        else:
            organisation = rng.choice(["Regionaal Opleidingscentrum (demo)",
                                       "Hogeschool Polderland (fictief)"])
        local = f"{first}.{last}".lower().replace(" ", "").replace("-", "")
        people.append(Participant.create(
            consultation=consultation, name=f"{first} {last}", email=f"{local}@example.org",
            organisation=organisation, sector=sector, side=side))

    registrations = 0
    for person in people:
        for session in rng.sample(sessions, min(len(sessions), rng.randint(1, 2))):
            Registration.create(participant=person, session=session, status="confirmed")
            registrations += 1
    return {"participants": len(people), "registrations": registrations}
