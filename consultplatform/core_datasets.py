"""The core's export datasets: sessions with fill levels, registrations (personal),
attendance and participation per sector and side, and the consultation's themes.

Every ``rows`` reads lazily and labels values (statuses, sides) in the language of
the person exporting: the runner iterates the rows inside ``force_locale``, so the
label tables are built when iteration starts, once per export. Erased participants
(``Participant.erased_at``) are left out of the personal dataset altogether; the
aggregates still count them, as erasure keeps their rows so that counts hold.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from peewee import JOIN, fn

from consultplatform.contributions import (
    BOOLEAN,
    DATETIME,
    DECIMAL,
    INTEGER,
    LOCAL_DATETIME,
    PERSONAL,
    DatasetColumn,
    ExportDataset,
    ExportScope,
)
from consultplatform.exporting import counted, keyset_rows
from consultplatform.models import (
    Consultation,
    ConsultationSession,
    InsightTheme,
    Participant,
    Registration,
    Sector,
    Theme,
)
from consultplatform.models.choices import ATTENDANCE, REGISTRATION_STATUSES, SIDES, label
from consultplatform.seat_counts import status_counts

HUNDRED = Decimal(100)
ONE_DECIMAL = Decimal("0.1")


def _labels(choices: tuple) -> dict[str, str]:
    """Value -> label in the current language (looked up once per export, not per row)."""
    return {value: str(text) for value, text in choices}


def _in_scope(query, scope: ExportScope, session_field):
    if scope.session_ids is None:
        return query
    return query.where(session_field.in_(sorted(scope.session_ids)))


# --- sessions with fill levels -------------------------------------------------------


def fill_level(capacity: int | None, confirmed: int) -> tuple[Decimal | None, int | None]:
    """(per cent of the seats taken, to one decimal; free seats), both None when the
    session has no capacity."""
    if capacity is None:
        return None, None
    if capacity <= 0:
        return None, 0
    percentage = (Decimal(confirmed) * HUNDRED / capacity).quantize(ONE_DECIMAL)
    return percentage, max(capacity - confirmed, 0)


def _session_query(consultation: Consultation, scope: ExportScope):
    return _in_scope(ConsultationSession.select()
                     .where(ConsultationSession.consultation == consultation),
                     scope, ConsultationSession.id)


def session_rows(consultation: Consultation, scope: ExportScope) -> list[list]:
    """Sessions are few (dozens): one query for them, one for their counts."""
    sessions = list(_session_query(consultation, scope)
                    .order_by(ConsultationSession.starts_at, ConsultationSession.id))
    counts = status_counts([s.id for s in sessions])
    rows = []
    for session in sessions:
        confirmed = counts.get(session.id, {}).get("confirmed", 0)
        percentage, free = fill_level(session.capacity, confirmed)
        rows.append([session.id, session.title, session.format_key, session.starts_at,
                     session.ends_at, session.location, session.capacity, confirmed,
                     counts.get(session.id, {}).get("waitlisted", 0), percentage, free])
    return rows


SESSION_COLUMNS = [
    DatasetColumn("id", _l("Session number"), kind=INTEGER),
    DatasetColumn("title", _l("Title")),
    DatasetColumn("format", _l("Format"), _l("The kind of session (its key).")),
    DatasetColumn("starts_at", _l("Starts"), kind=LOCAL_DATETIME),
    DatasetColumn("ends_at", _l("Ends"), kind=LOCAL_DATETIME),
    DatasetColumn("location", _l("Location")),
    DatasetColumn("capacity", _l("Capacity"), _l("Seats; empty: no limit."), kind=INTEGER),
    DatasetColumn("confirmed", _l("Confirmed"), _l("Confirmed registrations."), kind=INTEGER),
    DatasetColumn("waitlisted", _l("On the waiting list"), kind=INTEGER),
    DatasetColumn("fill_percentage", _l("Fill level (%)"),
                  _l("Confirmed registrations as a percentage of the capacity; empty: no "
                     "limit."), kind=DECIMAL),
    DatasetColumn("free_seats", _l("Free seats"),
                  _l("Capacity minus confirmed registrations; empty: no limit."),
                  kind=INTEGER),
]


# --- registrations (personal) ------------------------------------------------------------


def _registration_query(consultation: Consultation, scope: ExportScope):
    query = (Registration
             .select(Registration.id, ConsultationSession.id, ConsultationSession.title,
                     ConsultationSession.starts_at, Registration.status, Participant.name,
                     Participant.email, Participant.organisation, Participant.phone,
                     Sector.name, Participant.side, Registration.created_at,
                     Registration.attendance)
             .join(ConsultationSession)
             .join_from(Registration, Participant)
             .join(Sector, JOIN.LEFT_OUTER, on=(Participant.sector == Sector.id))
             .where((ConsultationSession.consultation == consultation)
                    & Participant.erased_at.is_null()))
    return _in_scope(query, scope, Registration.session)


def registration_rows(consultation: Consultation, scope: ExportScope) -> Iterator[list]:
    """One row per registration, page by page (keyset on the registration's id), every
    join in the page's one query."""
    statuses, sides = _labels(REGISTRATION_STATUSES), _labels(SIDES)
    attendance = _labels(ATTENDANCE)
    for (registration_id, session_id, title, starts_at, status, name, email, organisation,
         phone, sector, side, created_at, came) in keyset_rows(
            _registration_query(consultation, scope).tuples(), Registration.id):
        yield [registration_id, session_id, title, starts_at, statuses.get(status, status),
               name, email, organisation, phone, sector or "", sides.get(side, side),
               created_at, attendance.get(came, came) if came else ""]


def registration_count(consultation: Consultation, scope: ExportScope) -> int:
    return _registration_query(consultation, scope).count()


REGISTRATION_COLUMNS = [
    DatasetColumn("registration_id", _l("Registration number"),
                  _l("The registration's number in the platform's administration."),
                  kind=INTEGER),
    DatasetColumn("session_id", _l("Session number"), kind=INTEGER),
    DatasetColumn("session", _l("Session")),
    DatasetColumn("session_starts_at", _l("Session starts"), kind=LOCAL_DATETIME),
    DatasetColumn("status", _l("Status"),
                  _l("Confirmed, on the waiting list or cancelled.")),
    DatasetColumn("name", _l("Name")),
    DatasetColumn("email", _l("E-mail address")),
    DatasetColumn("organisation", _l("Organisation")),
    DatasetColumn("phone", _l("Phone")),
    DatasetColumn("sector", _l("Sector")),
    DatasetColumn("side", _l("Side"), _l("Entrepreneur, government, education or other.")),
    DatasetColumn("signed_up_at", _l("Signed up"), kind=DATETIME),
    DatasetColumn("attendance", _l("Attendance"),
                  _l("Attended or did not come; empty: not recorded.")),
]


# --- attendance per session, sector and side ------------------------------------------


def attendance_rows(consultation: Consultation, scope: ExportScope) -> list[list]:
    """Confirmed registrations per session, sector and side, and how many of them came,
    did not come or were not recorded: one grouped query."""
    query = _in_scope(
        Registration
        .select(ConsultationSession.id, ConsultationSession.title, ConsultationSession.starts_at,
                Sector.name, Participant.side, Registration.attendance,
                fn.COUNT(Registration.id))
        .join(ConsultationSession)
        .join_from(Registration, Participant)
        .join(Sector, JOIN.LEFT_OUTER, on=(Participant.sector == Sector.id))
        .where((ConsultationSession.consultation == consultation)
               & (Registration.status == "confirmed"))
        .group_by(ConsultationSession.id, ConsultationSession.title,
                  ConsultationSession.starts_at, Sector.name, Participant.side,
                  Registration.attendance),
        scope, Registration.session).tuples()
    sides = _labels(SIDES)
    rows: dict[tuple, list] = {}
    for session_id, title, starts_at, sector, side, came, count in query:
        key = (starts_at, session_id, sector is None, sector or "", side)
        row = rows.setdefault(key, [session_id, title, sector or str(_l("No sector")),
                                    sides.get(side, side), 0, 0, 0, 0])
        row[4] += count
        row[{"attended": 5, "no_show": 6}.get(came or "", 7)] += count
    return [rows[key] for key in sorted(rows)]


ATTENDANCE_COLUMNS = [
    DatasetColumn("session_id", _l("Session number"), kind=INTEGER),
    DatasetColumn("session", _l("Session")),
    DatasetColumn("sector", _l("Sector")),
    DatasetColumn("side", _l("Side")),
    DatasetColumn("confirmed", _l("Confirmed"), _l("Confirmed registrations."), kind=INTEGER),
    DatasetColumn("attended", _l("Attended"), kind=INTEGER),
    DatasetColumn("no_show", _l("Did not come"), kind=INTEGER),
    DatasetColumn("unknown", _l("Not recorded"),
                  _l("Confirmed registrations whose attendance was not recorded."),
                  kind=INTEGER),
]


# --- participants per sector and side ----------------------------------------------------


def participation_counts(consultation: Consultation) -> list[tuple[str, str, int]]:
    """(sector, side, number of participants) for ``consultation``; aggregates only."""
    query = (Participant
             .select(fn.COALESCE(Sector.name, ""), Participant.side, fn.COUNT(Participant.id))
             .join(Sector, JOIN.LEFT_OUTER, on=(Participant.sector == Sector.id))
             .where(Participant.consultation == consultation)
             .group_by(Sector.name, Participant.side)
             .order_by(Sector.name.asc(nulls="LAST"), Participant.side)
             .tuples())
    return [(sector or str(_l("No sector")), label(SIDES, side), count)
            for sector, side, count in query]


PARTICIPATION_COLUMNS = [
    DatasetColumn("sector", _l("Sector")),
    DatasetColumn("side", _l("Side")),
    DatasetColumn("participants", _l("Participants"), kind=INTEGER),
]


# --- themes -------------------------------------------------------------------------------


def _theme_query(consultation: Consultation):
    return Theme.select().where(Theme.consultation == consultation)


def theme_rows(consultation: Consultation) -> list[list]:
    """The themes with the number of insights linked to each: one grouped query."""
    query = (Theme
             .select(Theme.id, Theme.name, Theme.description, Theme.position, Theme.active,
                     fn.COUNT(InsightTheme.id))
             .join(InsightTheme, JOIN.LEFT_OUTER, on=(InsightTheme.theme == Theme.id))
             .where(Theme.consultation == consultation)
             .group_by(Theme.id, Theme.name, Theme.description, Theme.position, Theme.active)
             .order_by(Theme.position, Theme.name, Theme.id)
             .tuples())
    return [[name, description, position, bool(active), count]
            for _id, name, description, position, active, count in query]


THEME_COLUMNS = [
    DatasetColumn("name", _l("Theme")),
    DatasetColumn("description", _l("Description")),
    DatasetColumn("position", _l("Position"), _l("The theme's place in the list."),
                  kind=INTEGER),
    DatasetColumn("active", _l("In use"),
                  _l("Whether the theme can be chosen for new insights."), kind=BOOLEAN),
    DatasetColumn("insights", _l("Insights"), _l("Insights linked to the theme."),
                  kind=INTEGER),
]


def core_datasets(consultation: Consultation) -> list[ExportDataset]:
    """The core's datasets of ``consultation``; reading nothing until asked."""

    def sessions(scope: ExportScope) -> list[list]:
        return session_rows(consultation, scope)

    def registrations(scope: ExportScope) -> Iterator[list]:
        return registration_rows(consultation, scope)

    def attendance(scope: ExportScope) -> list[list]:
        return attendance_rows(consultation, scope)

    def participation(scope: ExportScope) -> list[list]:
        return [list(row) for row in participation_counts(consultation)]

    def themes(scope: ExportScope) -> list[list]:
        return theme_rows(consultation)

    return [
        ExportDataset(
            key="sessions", label=_l("Sessions with fill levels"),
            description=_l("Every session with its time, place, capacity, how many people "
                           "are registered or on the waiting list, and how full it is."),
            columns=SESSION_COLUMNS, rows=sessions,
            count=lambda scope: _session_query(consultation, scope).count(), by_session=True),
        ExportDataset(
            key="registrations", label=_l("Registrations (personal data)"),
            description=_l("Every registration with the participant's name and contact "
                           "details. People whose data was erased are left out."),
            columns=REGISTRATION_COLUMNS, rows=registrations,
            count=lambda scope: registration_count(consultation, scope),
            sensitivity=PERSONAL, by_session=True),
        ExportDataset(
            key="attendance", label=_l("Attendance per session, sector and side"),
            description=_l("Per session, sector and side: confirmed registrations, and how "
                           "many came, did not come or were not recorded."),
            columns=ATTENDANCE_COLUMNS, rows=attendance, count=counted(attendance),
            by_session=True),
        ExportDataset(
            key="participation", label=_l("Participants per sector and side"),
            description=_l("How many people signed up, per sector and side."),
            columns=PARTICIPATION_COLUMNS, rows=participation, count=counted(participation)),
        ExportDataset(
            key="themes", label=_l("Themes"),
            description=_l("The consultation's themes and how many insights each has."),
            columns=THEME_COLUMNS, rows=themes,
            count=lambda scope: _theme_query(consultation).count()),
    ]
