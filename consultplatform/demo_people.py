"""The people of the demo consultation: two staff accounts and 42 fictional
participants signed up for the general meetings (the core's ``cp_demo_data``).

Every person and company here is made up; e-mail addresses use the reserved
example.org domain.
"""

from __future__ import annotations

import random
import secrets

from consultplatform.models import (
    Consultation,
    ConsultationSession,
    Participant,
    Registration,
    Sector,
    StaffUser,
)
from consultplatform.services.staff import StaffAccount, create_staff

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
