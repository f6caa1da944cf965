"""Every page runs as many SQL statements with many rows as with few (no N+1).

Each GET endpoint of the core (and of the test plugin) is requested cold at a
small size, the data grows (sessions, sectors, people, registrations, themes,
questions, insights, mails, audit rows, staff), and it is requested again: the
statement counts must be equal. A page added without an entry here fails
:func:`test_every_page_has_a_statement_count_test`. The suite runs on SQLite
and on PostgreSQL, so both databases are covered.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest

from consultplatform import audit
from consultplatform.db import utcnow
from consultplatform.models import (
    ConsultationQuestion,
    Insight,
    InsightTheme,
    OutboxMail,
    Participant,
    SessionQuestion,
    SitePage,
    StaffUser,
    StaffWorkspace,
    Theme,
)
from consultplatform.privacy.links import erase_token
from consultplatform.testing import assert_flat_statements, factories, login, make_staff
from consultplatform.testing.pages import assert_all_covered
from tests.plugin_fullhooks.models import FullhooksNote

_seq = itertools.count(1)


@dataclass
class World:
    consultation: object
    session: object
    registration: object
    theme: object
    mail: object
    staff: object
    sector: object
    question: object
    note: object
    own_question: object

    @property
    def token(self) -> str:
        return self.registration.token


def _people(parent, meeting, sector, count: int) -> list:
    rows = []
    for n in range(count):
        person = factories.participant(parent, sector=sector if n % 2 else None)
        rows.append(factories.registration(person, meeting,
                                           status="waitlisted" if n % 3 == 2 else "confirmed"))
    return rows


def build() -> World:
    parent = factories.consultation(slug="tellen")
    sector = factories.sector(parent)
    meeting = factories.session(parent, sector=sector, capacity=50)
    (registration,) = _people(parent, meeting, sector, 1)
    own_question = ConsultationQuestion.create(consultation=parent, kind="single",
                                               label_nl="Hoe gehoord?", choices_nl="A\nB")
    registration.participant.answers = {str(own_question.id): "1"}
    registration.participant.save()
    theme = Theme.create(consultation=parent, name="Arbeidsmarkt")
    question = SessionQuestion.create(session=meeting, label_nl="Vraag")
    insight = Insight.create(session=meeting, text="Inzicht", category="barrieres", sector=sector)
    InsightTheme.create(insight=insight, theme=theme)
    mail = OutboxMail.create(kind="confirmation", to_address="a@example.org", subject="Hallo",
                             text_body="Tekst", registration=registration)
    staff = make_staff("moderator")
    note = FullhooksNote.create(title="Notitie")
    return World(parent, meeting, registration, theme, mail, staff, sector, question, note,
                 own_question)


def grow(world: World, count: int = 5) -> None:
    """More of everything a page might loop over, spread over several sessions."""
    parent = world.consultation
    sectors = [factories.sector(parent) for _ in range(count)]
    sessions = [world.session, *(factories.session(parent, sector=sectors[n], capacity=5)
                                 for n in range(count))]
    themes = [Theme.create(consultation=parent, name=f"Thema {next(_seq)}", position=n)
              for n in range(count)]
    for n, meeting in enumerate(sessions):
        for registration in _people(parent, meeting, sectors[n % count], 3):
            OutboxMail.create(kind="confirmation", to_address=f"m{next(_seq)}@example.org",
                              subject="Hallo", text_body="Tekst", registration=registration)
        SessionQuestion.create(session=meeting, label_nl=f"Vraag {n}")
        ConsultationQuestion.create(consultation=parent, kind="yes_no", label_nl=f"Vraag {n}")
        for theme in themes[:3]:
            row = Insight.create(session=meeting, text=f"Inzicht {n}", category="ambities",
                                 sector=sectors[n % count])
            InsightTheme.create(insight=row, theme=theme)
    Participant.update(answers={str(world.own_question.id): "0"}).where(
        Participant.consultation == parent).execute()
    make_staff("moderator")  # one more account (hashing a password is slow on purpose)
    for n in range(count):
        audit.record("update", world.consultation, details={"fields": ["title"]},
                     with_origin=False)
        FullhooksNote.create(title=f"Notitie {n}")
        other = factories.consultation()  # another consultation, with a question
        ConsultationQuestion.create(consultation=other, label_nl=f"Elders {n}")


def _model_view(name: str, ident: Callable[[World], object]) -> dict[str, Callable]:
    return {
        f"{name}.index_view": lambda w: f"/admin/{name}/",
        f"{name}.details_view": lambda w: f"/admin/{name}/details/?id={ident(w)}",
        f"{name}.edit_view": lambda w: f"/admin/{name}/edit/?id={ident(w)}",
        f"{name}.create_view": lambda w: f"/admin/{name}/new/",
        f"{name}.ajax_lookup": lambda w: f"/admin/{name}/ajax/lookup/?name=x&query=a",
        f"{name}.export": lambda w: f"/admin/{name}/export/csv/",
    }


def _working_on(world: World, url: str) -> str:
    """``url``, for pages about the consultation chosen in the header's switcher: every
    administrator account works on the world's consultation."""
    for staff_id in StaffUser.select(StaffUser.id).where(StaffUser.role == "admin"):
        StaffWorkspace.insert(staff=staff_id, consultation=world.consultation).on_conflict(
            conflict_target=[StaffWorkspace.staff],
            update={StaffWorkspace.consultation: world.consultation}).execute()
    return url


def _export_job(world: World, part: str, status: str) -> str:
    """The URL ``part`` of an export job of the administrator's in ``status``."""
    from consultplatform_exports.models import ExportsJob

    admin = StaffUser.select().where(StaffUser.role == "admin").order_by(StaffUser.id).first()
    job = ExportsJob.create(token=f"tellen-{world.consultation.id}-{status}",
                            consultation=world.consultation, dataset="sessions", format="tsv",
                            requested_by=admin, status=status, rows_total=1, rows_done=1,
                            expires_at=utcnow() + timedelta(hours=1))
    return f"/admin/export/job/{job.token}{part}"


def _open_data(world: World) -> str:
    """A dataset of the world's consultation published as open data: its public file."""
    from consultplatform_exports.models import ExportsPublication

    ExportsPublication.create(consultation=world.consultation, dataset="participation")
    return f"/open-data/{world.consultation.slug}/participation.csv"


# endpoint: (who asks, the URL in the world)
STAFF_PAGES: dict[str, Callable[[World], str]] = {
    "admin.index": lambda w: "/admin/",
    "plugins.index": lambda w: "/admin/plugins/",
    "plugins.settings": lambda w: "/admin/plugins/settings/fullhooks",
    "theme.merge_view": lambda w: f"/admin/theme/merge/?id={w.theme.id}",
    "new_consultation.index": lambda w: f"/admin/nieuwe-consultatie/?kopie={w.consultation.id}",
    "public.preview": lambda w: f"/c/{w.consultation.slug}/voorbeeld",
    # Setting up two-step login (the QR code and the key), for a staff member without it.
    "auth.two_step": lambda w: "/auth/tweestaps",
    **_model_view("auditlog", lambda w: 1),
    **_model_view("consultation", lambda w: w.consultation.id),
    **_model_view("consultationquestion", lambda w: w.own_question.id),
    **_model_view("outbox", lambda w: w.mail.id),
    **_model_view("participant", lambda w: w.registration.participant_id),
    "participant.personal_data_view":
        lambda w: f"/admin/participant/gegevens/?id={w.registration.participant_id}",
    "participant.personal_data_download":
        lambda w: f"/admin/participant/gegevens.json?id={w.registration.participant_id}",
    **_model_view("question", lambda w: w.question.id),
    **_model_view("registration", lambda w: w.registration.id),
    **_model_view("sector", lambda w: w.sector.id),
    **_model_view("session", lambda w: w.session.id),
    **_model_view("sitepage", lambda w: SitePage.get(SitePage.slug == "privacy").id),
    **_model_view("staffuser", lambda w: w.staff.id),
    **_model_view("theme", lambda w: w.theme.id),
    **_model_view("fullhooks_note", lambda w: w.note.id),
    # The exports plugin (owned by it: see test_every_page_has_a_statement_count_test).
    "exports_page.index": lambda w: _working_on(w, "/admin/export/"),
    "exports_page.download": lambda w: f"/admin/export/{w.consultation.id}/sessions.tsv",
    "exports_page.job_status": lambda w: _export_job(w, "", "done"),
    # Not made yet: 409 (its file is sent by send_file, a fixed cost).
    "exports_page.job_file": lambda w: _export_job(w, "/file", "running"),
}
PUBLIC_PAGES: dict[str, Callable[[World], str]] = {
    "public.home": lambda w: "/",
    "public.consultation": lambda w: f"/c/{w.consultation.slug}",
    "public.security_txt": lambda w: "/.well-known/security.txt",
    "public.health": lambda w: "/healthz",
    "public.privacy": lambda w: "/privacy",
    "public.accessibility": lambda w: "/toegankelijkheid",
    "signup.form": lambda w: f"/c/{w.consultation.slug}/aanmelden",
    "signup.done": lambda w: f"/c/{w.consultation.slug}/aangemeld",
    "manage.overview": lambda w: f"/aanmelding/{w.token}",
    "manage.calendar_file": lambda w: f"/aanmelding/{w.token}/agenda/{w.registration.id}.ics",
    "manage.cancel_registration":
        lambda w: f"/aanmelding/{w.token}/annuleren/{w.registration.id}",
    "own_data.overview": lambda w: f"/aanmelding/{w.token}/gegevens",
    "own_data.download": lambda w: f"/aanmelding/{w.token}/gegevens.json",
    "own_data.request_erasure": lambda w: f"/aanmelding/{w.token}/verwijderen",
    "own_data.confirm_erasure":
        lambda w: f"/aanmelding/verwijderen/{erase_token(w.registration.participant_id)}",
    "auth.login": lambda w: "/auth/login",
    "auth.unlock": lambda w: "/auth/ontgrendelen/onbekend-token",
    # The code page without a right password first: back to the login.
    "auth.code": lambda w: "/auth/code",
    "fullhooks.ping": lambda w: "/fullhooks/ping",
    "exports.download": _open_data,
}
# Pages that answer something else than 200 to this request, on purpose: no lookup
# fields and no export on these views (404; the audit log's export is a 200), read-only
# views (403).
STATUS = {"signup.done": 303, "exports_page.job_file": 409, "auth.unlock": 404, "auth.code": 302,
          "auditlog.create_view": 403, "auditlog.edit_view": 403,
          "outbox.create_view": 403, "outbox.edit_view": 403,
          "auditlog.ajax_lookup": 404,
          **{f"{name}.{page}": 404 for name in ("consultation", "outbox",
                                                  "participant", "question", "registration",
                                                  "sector", "session", "sitepage", "staffuser",
                                                  "theme", "fullhooks_note")
             for page in ("ajax_lookup", "export")},
          "consultationquestion.ajax_lookup": 404, "consultationquestion.export": 404}


def test_every_page_has_a_statement_count_test(app):
    covered = set(STAFF_PAGES) | set(PUBLIC_PAGES)
    assert_all_covered(app, {e for e in covered if not e.startswith(("fullhooks", "exports"))})
    assert_all_covered(app, {e for e in covered if e.startswith("fullhooks")}, "fullhooks")
    assert_all_covered(app, {e for e in covered if e.startswith("exports")}, "exports")


@pytest.mark.parametrize("endpoint", sorted(PUBLIC_PAGES))
def test_public_page_statements_do_not_grow_with_the_data(app, client, endpoint):
    world = build()
    with app.app_context():  # a signed link needs the app's secret
        url = PUBLIC_PAGES[endpoint](world)
    assert_flat_statements(client, url, lambda: grow(world),
                           status=STATUS.get(endpoint, 200))


@pytest.mark.parametrize("endpoint", sorted(STAFF_PAGES))
def test_staff_page_statements_do_not_grow_with_the_data(app, admin_client, endpoint):
    world = build()
    assert_flat_statements(admin_client, STAFF_PAGES[endpoint](world), lambda: grow(world),
                           status=STATUS.get(endpoint, 200))


def test_a_moderators_pages_do_not_grow_either(app):
    world = build()
    client = app.test_client()
    login(client, world.staff)
    world.session.moderator = world.staff
    world.session.save()

    def more() -> None:
        grow(world)

    for url in ("/admin/", "/admin/session/", "/admin/participant/"):
        assert_flat_statements(client, url, more)
