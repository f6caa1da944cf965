"""The core's own contributions, made through the same hooks as any plugin."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from consultplatform.contributions import (
    ExportDataset,
    MemoSection,
    PersonalDataHolder,
    SessionFormat,
    TrajectoryStep,
)
from consultplatform.core_datasets import core_datasets, participation_counts
from consultplatform.hookspecs import hookimpl
from consultplatform.models import Consultation, ConsultationSession


@hookimpl
def cp_session_formats() -> list[SessionFormat]:
    return [SessionFormat(
        key="general",
        label=_l("General meeting"),
        description=_l("A plenary meeting: information, discussion and questions."),
    )]


@hookimpl
def cp_export_datasets(consultation: Consultation) -> list[ExportDataset]:
    return core_datasets(consultation)


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
