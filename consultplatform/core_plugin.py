"""The core's own contributions, made through the same hooks as any plugin."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from peewee import JOIN, fn

from consultplatform.contributions import (
    INTEGER,
    LOCAL_DATETIME,
    DatasetColumn,
    ExportDataset,
    ExportScope,
    MemoSection,
    PersonalDataHolder,
    SessionFormat,
    TrajectoryStep,
)
from consultplatform.exporting import counted
from consultplatform.hookspecs import hookimpl
from consultplatform.models import (
    Consultation,
    ConsultationSession,
    Participant,
    Sector,
)
from consultplatform.models.choices import SIDES, label
from consultplatform.seat_counts import status_counts


@hookimpl
def cp_session_formats() -> list[SessionFormat]:
    return [SessionFormat(
        key="general",
        label=_l("General meeting"),
        description=_l("A plenary meeting: information, discussion and questions."),
    )]


def _session_rows(consultation: Consultation, scope: ExportScope) -> list[list]:
    """Sessions are few (dozens): one query for them, one for their counts."""
    query = (ConsultationSession.select()
             .where(ConsultationSession.consultation == consultation)
             .order_by(ConsultationSession.starts_at, ConsultationSession.id))
    if scope.session_ids is not None:
        query = query.where(ConsultationSession.id.in_(sorted(scope.session_ids)))
    sessions = list(query)
    counts = {(session_id, status): n
              for session_id, by_status in status_counts([s.id for s in sessions]).items()
              for status, n in by_status.items()}
    return [[session.id, session.title, session.format_key, session.starts_at,
             session.ends_at, session.location, session.capacity,
             counts.get((session.id, "confirmed"), 0),
             counts.get((session.id, "waitlisted"), 0)] for session in sessions]


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


@hookimpl
def cp_export_datasets(consultation: Consultation) -> list[ExportDataset]:
    def session_rows(scope: ExportScope) -> list[list]:
        return _session_rows(consultation, scope)

    def participation_rows(scope: ExportScope) -> list[list]:
        return [list(row) for row in participation_counts(consultation)]

    return [
        ExportDataset(
            key="sessions",
            label=_l("Sessions with registration counts"),
            description=_l("Every session with its time, place, capacity and how many "
                           "people are registered or on the waiting list."),
            columns=[
                DatasetColumn("id", _l("Session number"), kind=INTEGER),
                DatasetColumn("title", _l("Title")),
                DatasetColumn("format", _l("Format"), _l("The kind of session (its key).")),
                DatasetColumn("starts_at", _l("Starts"), kind=LOCAL_DATETIME),
                DatasetColumn("ends_at", _l("Ends"), kind=LOCAL_DATETIME),
                DatasetColumn("location", _l("Location")),
                DatasetColumn("capacity", _l("Capacity"), _l("Seats; empty: no limit."),
                              kind=INTEGER),
                DatasetColumn("confirmed", _l("Confirmed"), _l("Confirmed registrations."),
                              kind=INTEGER),
                DatasetColumn("waitlisted", _l("On the waiting list"), kind=INTEGER),
            ],
            rows=session_rows,
            count=counted(session_rows),
            by_session=True,
        ),
        ExportDataset(
            key="participation",
            label=_l("Participants per sector and side"),
            description=_l("How many people signed up, per sector and side."),
            columns=[
                DatasetColumn("sector", _l("Sector")),
                DatasetColumn("side", _l("Side")),
                DatasetColumn("participants", _l("Participants"), kind=INTEGER),
            ],
            rows=participation_rows,
            count=counted(participation_rows),
        ),
    ]


@hookimpl
def cp_memo_sections(consultation: Consultation) -> list[MemoSection]:
    rows = participation_counts(consultation)
    total = sum(count for _, _, count in rows)
    sessions = ConsultationSession.select().where(
        (ConsultationSession.consultation == consultation)
        & (ConsultationSession.status != "cancelled")).count()
    return [MemoSection(
        key="participation",
        title=_l("Who took part"),
        order=80,
        paragraphs=[" ".join([
            ngettext("%(num)d person took part", "%(num)d people took part", total),
            ngettext("in %(num)d session.", "in %(num)d sessions.", sessions),
        ])],
        table=[[str(_l("Sector")), str(_l("Side")), str(_l("Participants"))],
               *[list(row) for row in rows]],
    )]


@hookimpl(tryfirst=True)
def cp_demo_data(consultation: Consultation) -> dict[str, int]:
    """First of all plugins: theirs build on the sectors, themes and sessions made here."""
    from consultplatform.demo_people import load_core_demo

    return load_core_demo(consultation)


@hookimpl
def cp_trajectory_steps(consultation: Consultation) -> list[TrajectoryStep]:
    """The core's steps: set-up, invitation and sign-up, the draft agenda."""
    from consultplatform.core_steps import agenda_step, setup_step, signup_step

    return [setup_step(consultation), signup_step(consultation), agenda_step(consultation)]


@hookimpl
def cp_personal_data() -> list[PersonalDataHolder]:
    """The core's own: the participant, registrations, mails, insights naming them."""
    from consultplatform.privacy.core_data import core_holders

    return core_holders()
