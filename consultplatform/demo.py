"""Fictional demo consultation modelled on the Noordoostpolder case.

Every person and company here is made up; e-mail addresses use the
reserved example.org domain.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from typing import TYPE_CHECKING

from consultplatform.db import db
from consultplatform.models import (
    Consultation,
    ConsultationQuestion,
    ConsultationSession,
    Participant,
    Registration,
    Sector,
    SessionQuestion,
    StaffUser,
    Theme,
)
from consultplatform.services.staff import StaffAccount, create_staff
from consultplatform.timezone import now_local

if TYPE_CHECKING:
    from consultplatform.plugins import PluginRegistry

DEMO_SLUG = "sociaal-economische-agenda"
# Passwords of the demo staff accounts made by the last load, for the CLI to print once.
DEMO_CREDENTIALS: dict[str, str] = {}

SECTORS = ["Landbouw", "Industrie", "Detailhandel", "Toerisme en recreatie", "Zorg", "Bouw",
           "Logistiek"]
THEMES = [
    ("Arbeidsmarkt", "Vakmensen vinden, opleiden en behouden.", "#1f5f8b"),
    ("Huisvesting", "Woonruimte voor werknemers en bedrijfsruimte.", "#8b3a1f"),
    ("Bereikbaarheid", "Wegen, openbaar vervoer en digitale verbindingen.", "#2e6b30"),
    ("Positionering", "Hoe de regio zich laat zien aan bedrijven en talent.", "#6b2e6b"),
    ("Samenwerking", "Tussen ondernemers, gemeente en onderwijs.", "#5c4b00"),
]
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


def load_demo(plugins: PluginRegistry) -> dict[str, int]:
    """Create the demo consultation and let every enabled plugin add its part."""
    report: dict[str, int] = {}
    with db.atomic():
        today = now_local().date()
        consultation = Consultation.create(
            title="Sociaal-Economische Agenda Noordoostpolder",
            slug=DEMO_SLUG,
            summary=("Ondernemers uit zeven sectoren denken mee over het nieuwe "
                     "sociaal-economische beleid van de gemeente, en over hoe gemeente en "
                     "onderwijs daarin samenwerken. Meld u aan voor een bijeenkomst."),
            organiser="Gemeente Noordoostpolder (demonstratie)",
            status="published",
            starts_on=today,
            ends_on=today + dt.timedelta(days=120),
            contact_email="economie@example.org",
            retention_until=today + dt.timedelta(days=120 + 365),
            formats=sorted(plugins.formats().keys()),
        )
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
    rng = random.Random(2019)  # noqa: S311 - reproducible fiction, not security
    sectors = [Sector.create(consultation=consultation, name=name, default_seat_cap=5,
                             position=i) for i, name in enumerate(SECTORS)]
    for i, (name, description, colour) in enumerate(THEMES):
        Theme.create(consultation=consultation, name=name, description=description,
                     colour=colour, position=i)
    moderator, moderator_password = _staff("moderator@example.org", "Mila Moderator",
                                           "moderator")
    _staff("kijker@example.org", "Vera Viewer", "viewer")
    DEMO_CREDENTIALS.clear()
    DEMO_CREDENTIALS["moderator@example.org"] = moderator_password

    start = (now_local() + dt.timedelta(days=21)).replace(hour=19, minute=30, second=0,
                                                           microsecond=0)
    sessions = [
        ConsultationSession.create(
            consultation=consultation, format_key="general", title="Startbijeenkomst",
            description="Aftrap van het traject: waarom, hoe en wanneer.",
            starts_at=start, ends_at=start + dt.timedelta(hours=2),
            location="Gemeentehuis, raadzaal (demo-adres)", capacity=80, moderator=moderator),
        ConsultationSession.create(
            consultation=consultation, format_key="general",
            title="Ondernemers en onderwijs", description="Hoe sluiten opleidingen aan?",
            starts_at=start + dt.timedelta(days=14), ends_at=start + dt.timedelta(days=14, hours=2),
            location="Onderwijscentrum (demo-adres)", capacity=40, sector_cap=8),
        ConsultationSession.create(
            consultation=consultation, format_key="general", title="Validatiebijeenkomst",
            description="Ondernemers toetsen de concept-agenda.",
            starts_at=start + dt.timedelta(days=70), ends_at=start + dt.timedelta(days=70, hours=2),
            location="Gemeentehuis, raadzaal (demo-adres)", capacity=60),
    ]

    SessionQuestion.create(session=sessions[0], position=1, kind="single", required=True,
                           label_nl="Neemt u deel aan de lunch?", label_en="Will you join the lunch?",
                           choices_nl="Ja\nJa, vegetarisch\nNee",
                           choices_en="Yes\nYes, vegetarian\nNo")
    SessionQuestion.create(session=sessions[0], position=2, kind="long_text",
                           label_nl="Welk onderwerp wilt u zeker besproken zien?",
                           label_en="Which topic would you like to see discussed?")
    # Asked once, whatever sessions someone chooses (the same as demo_consultation.json).
    ConsultationQuestion.create(
        consultation=consultation, position=1, kind="single",
        label_nl="Hoe heeft u van deze consultatie gehoord?",
        label_en="How did you hear about this consultation?",
        choices_nl="Uitnodiging van de gemeente\nOndernemersvereniging of brancheorganisatie\n"
                   "Krant, website of sociale media\nVia een collega of kennis\nAnders",
        choices_en="Invitation from the municipality\nBusiness association or trade organisation\n"
                   "Newspaper, website or social media\nThrough a colleague or acquaintance\nOther")

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
            organisation = f"{rng.choice(ORGANISATION_KINDS[sector.name])} {rng.choice(PLACE_NAMES)}"
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
        for session in rng.sample(sessions, rng.randint(1, 2)):
            Registration.create(participant=person, session=session, status="confirmed")
            registrations += 1
    return {"sectors": len(sectors), "themes": len(THEMES), "sessions": len(sessions),
            "participants": len(people), "registrations": registrations}
