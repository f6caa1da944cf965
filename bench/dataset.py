"""The large data set, loaded through the services, in the interpreter of the code
under test (``python bench/dataset.py <step> ...``; the suite runs the steps).

At scale 1: one published consultation of 100,000 people, each signed up
through the sign-up service (confirmation mail with calendar file in the
outbox, seat rules and all) for the plenary session; every seventh also for a
50-seat work visit (about 14,000 on its waiting list), the first 10,000 also
for a session that then holds 10,000 seats, and 210 entrepreneurs for the
seven Expertarenas of their sector. Moderators record 50,000 insights in the
arenas through the insight service and edit each once (100,000 audit rows).
Two empty sessions are left for the sign-up benchmark and the lock-hold
measurement at 0 seats.

``to-sqlite`` copies a loaded PostgreSQL database into a migrated SQLite file
row by row through the models (the seat counters are rebuilt by the triggers).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time

SECTORS = ["Landbouw", "Industrie", "Detailhandel", "Toerisme en recreatie", "Zorg", "Bouw",
           "Logistiek"]
THEMES = ["Arbeidsmarkt", "Huisvesting", "Bereikbaarheid", "Positionering", "Samenwerking",
          "Energie", "Digitalisering"]
FIRST = ["Anouk", "Bram", "Carlijn", "Daan", "Esmee", "Floor", "Gijs", "Hanna", "Ids", "Jolien",
         "Kees", "Lotte", "Maarten", "Nadia", "Okke", "Pien", "Quirijn", "Roos", "Sander",
         "Tessel", "Ümit", "Véronique", "Willem", "Xander", "Yara", "Zeger"]
LAST = ["Akkerman", "Brouwer", "de Cromvoirt", "Dijkhof", "Elzinga-Post", "Fokkert",
        "van Gasteren", "Holtrop", "IJsbrandij", "Jellema-Kuipers", "Klaverstijn", "Lindeboom",
        "Meulstee", "Noorderhaven", "Oosterwold", "Pronk", "de Vries", "Visser", "Smit", "Bakker",
        "Mulder", "de Graaf", "Kok", "Jansen", "Hoekstra", "Zijlstra", "Postma", "Dekker"]
CATEGORIES = ["belevingswereld", "ontwikkelingen", "ambities", "barrieres"]
SIDES = ["entrepreneur"] * 8 + ["government", "education"]
SLUG = "grootstad"
WAITLIST_EVERY = 7


def _app(url: str, instance: str):
    from consultplatform import create_app

    return create_app({"DATABASE_URL": url, "INSTANCE_PATH": instance, "LOG_LEVEL": "WARNING",
                       "MAIL_ENQUEUE_ON_COMMIT": False, "RATELIMIT_ENABLED": False,
                       "PUBLIC_URL": "http://127.0.0.1:5000"})


def setup(url: str, instance: str, scale: float) -> dict:
    """The consultation, its sectors, themes, sessions and staff; returns their ids."""
    from consultplatform.db import db
    from consultplatform.models import Consultation, ConsultationSession, Sector, Theme
    from consultplatform.services.staff import StaffAccount, create_staff
    from consultplatform.timezone import now_local

    app = _app(url, instance)
    with app.app_context(), db.connection_context():
        today = now_local().date()
        parent = Consultation.create(
            title="Ondernemersconsultatie Grootstad", slug=SLUG, organiser="Gemeente Grootstad",
            summary="Honderdduizend ondernemers en partners denken mee.", status="published",
            starts_on=today, ends_on=today + dt.timedelta(days=200),
            formats=["expertarena", "general"])
        sectors = [Sector.create(consultation=parent, name=name, position=n)
                   for n, name in enumerate(SECTORS)]
        themes = [Theme.create(consultation=parent, name=name, position=n)
                  for n, name in enumerate(THEMES)]
        create_staff(StaffAccount(email="bench-admin@example.org", name="Benchmark",
                                  role="admin", password="bench-admin-password-123"),
                     audited=False)
        moderators = [create_staff(StaffAccount(
            email=f"moderator{n}@example.org", name=f"Gespreksleider {n}", role="moderator",
            password="bench-password-123"), audited=False) for n in range(len(SECTORS))]
        start = (now_local() + dt.timedelta(days=60)).replace(hour=19, minute=0, second=0,
                                                             microsecond=0)

        def session(title: str, days: int, capacity: int | None, **kwargs) -> int:
            begins = start + dt.timedelta(days=days)
            return ConsultationSession.create(
                consultation=parent, title=title, starts_at=begins,
                ends_at=begins + dt.timedelta(hours=2), capacity=capacity,
                location="Stadhuis Grootstad", **kwargs).id

        ids = {
            "consultation": parent.id,
            "sectors": [s.id for s in sectors], "themes": [t.id for t in themes],
            "plenary": session("Plenaire startbijeenkomst", 0, 1_000_000),
            "visit": session("Werkbezoek haven", 1, 50),
            "ten_thousand": session("Regiotafel", 2, 1_000_000),
            "bench": session("Benchmark-aanmeldingen", 3, 1_000_000),
            "empty": session("Lege bijeenkomst", 4, 1_000_000),
            "arenas": [session(f"Expertarena {name}", 10 + n, 30, format_key="expertarena",
                               sector=sectors[n].id, moderator=moderators[n].id)
                       for n, name in enumerate(SECTORS)],
            "people": int(100_000 * scale), "insights": int(50_000 * scale),
            "ten_thousand_people": int(10_000 * scale),
        }
    db.close()
    return ids


def _person(number: int) -> tuple[str, str, str]:
    first, last = FIRST[number % len(FIRST)], LAST[(number // len(FIRST)) % len(LAST)]
    email = f"{first}.{last}.{number}".lower().replace(" ", "") + "@example.org"
    return f"{first} {last}", email, SIDES[number % len(SIDES)]


def people(url: str, instance: str, ids: dict, start: int, end: int) -> int:
    """Sign people ``start`` to ``end`` up through the sign-up service."""
    from consultplatform.db import db
    from consultplatform.models import Consultation
    from consultplatform.services.signup import Applicant, SignUp, sign_up

    app = _app(url, instance)
    done = 0
    with app.test_request_context("/"), db.connection_context():
        parent = Consultation.get_by_id(ids["consultation"])
        for number in range(start, end):
            name, email, side = _person(number)
            sector = ids["sectors"][number % len(SECTORS)] if side == "entrepreneur" else None
            wanted = [ids["plenary"]]
            if number % WAITLIST_EVERY == 0:
                wanted.append(ids["visit"])
            if number < ids["ten_thousand_people"]:
                wanted.append(ids["ten_thousand"])
            if side == "entrepreneur" and number < 30 * len(SECTORS) * 2:
                wanted.append(ids["arenas"][number % len(SECTORS)])
            applicant = Applicant(name=name, email=email, organisation=f"Bedrijf {number}",
                                  sector_id=sector, side=side, language="nl" if number % 5 else "en")
            sign_up(SignUp(parent, applicant, wanted))
            done += 1
    db.close()
    return done


def insights(url: str, instance: str, ids: dict, start: int, end: int) -> int:
    """Record insights ``start`` to ``end`` in the arenas, as their moderators, and edit
    each once (two audit rows per insight)."""
    from flask_login import login_user

    from consultplatform.db import db
    from consultplatform.models import ConsultationSession
    from consultplatform.services.insights import InsightInput, record_insight, update_insight

    app = _app(url, instance)
    arenas = ids["arenas"]
    with app.test_request_context("/"), db.connection_context():
        moderators = {s.id: s.moderator for s in ConsultationSession.select()
                      .where(ConsultationSession.id.in_(arenas))}
        for number in range(start, end):
            arena = arenas[number % len(arenas)]
            login_user(moderators[arena])
            themes = ids["themes"][number % 5: number % 5 + number % 3]
            data = InsightInput(
                text=f"Inzicht {number}: ondernemers in deze sector zien kansen en knelpunten.",
                category=CATEGORIES[number % 4], sector_id=ids["sectors"][number % len(SECTORS)],
                weight=1 + number % 3, theme_ids=tuple(themes),
                quote="Wij vinden geen vakmensen." if number % 11 == 0 else "")
            saved = record_insight(arena, data)
            update_insight(saved.insight.id, InsightInput(
                text=data.text + " (aangevuld)", category=data.category,
                sector_id=data.sector_id, weight=data.weight, theme_ids=data.theme_ids,
                quote=data.quote))
    db.close()
    return end - start


def to_sqlite(pg_url: str, instance: str, sqlite_url: str) -> int:
    """Copy every table of the app's models from PostgreSQL into the (migrated) SQLite
    database, ids kept; the seat counters are rebuilt by the triggers."""
    from consultplatform.db import make_database
    from consultplatform.models import CORE_MODELS
    from consultplatform.plugins import registry

    app = _app(sqlite_url, instance)
    with app.app_context():
        models = list(CORE_MODELS) + [m for _, m in registry().items("cp_models",
                                                                      only_enabled=False)]
    source = make_database(pg_url, instance)
    target = make_database(sqlite_url, instance)
    target.connect()
    target.execute_sql("PRAGMA foreign_keys = OFF")
    copied = 0
    for model in models:
        name = model._meta.table_name
        if name in ("seat_tally", "schema_migration"):
            continue
        fields = list(model._meta.sorted_fields)
        key = model._meta.primary_key
        with model.bind_ctx(target), target.atomic():
            model.delete().execute()
        last = None
        while True:  # keyset pages: the outbox alone is hundreds of megabytes
            with model.bind_ctx(source):
                query = model.select(*fields).order_by(key).limit(2000)
                if last is not None:
                    query = query.where(key > last)
                rows = list(query.tuples())
            if not rows:
                break
            with model.bind_ctx(target), target.atomic():
                for chunk in range(0, len(rows), 500):
                    model.insert_many(rows[chunk:chunk + 500], fields).execute()
            last = rows[-1][fields.index(key)]
            copied += len(rows)
    target.execute_sql("PRAGMA foreign_keys = ON")
    target.execute_sql("ANALYZE")
    target.close()
    return copied


def main(argv: list[str]) -> int:
    step, url, instance = argv[1], argv[2], argv[3]
    began = time.monotonic()
    if step == "setup":
        result: object = setup(url, instance, float(argv[4]))
    elif step == "people":
        result = people(url, instance, json.loads(argv[4]), int(argv[5]), int(argv[6]))
    elif step == "insights":
        result = insights(url, instance, json.loads(argv[4]), int(argv[5]), int(argv[6]))
    elif step == "to-sqlite":
        result = to_sqlite(url, instance, argv[4])
    else:
        raise SystemExit(f"unknown step {step}")
    print(json.dumps({"result": result, "seconds": round(time.monotonic() - began, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
