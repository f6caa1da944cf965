"""The workshops plugin: municipal staff turn the insights into actions on a shared
board, set aside what they will not take up (with a reason), prioritise with dots,
and build the draft agenda, whose items show their provenance down to the sectors.

The results are the core's nouns (actions, links, agenda items); this module holds
only the hook implementations (see docs/plugins.md for each hook).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from consultplatform.api import MigrationSource, SessionFormat, hookimpl
from consultplatform_workshops.models import MODELS
from consultplatform_workshops.settings import NAME, WorkshopsSettings
from consultplatform_workshops.workshops import FORMAT_KEY

# The demo's workshops work on the Expertarenas' insights (see cp_demo_data).
DEMO_STAGE = 60

if TYPE_CHECKING:
    import wtforms
    from flask import Blueprint
    from flask_admin import BaseView

    from consultplatform.api import (
        ActionVocabulary,
        BaseModel,
        Consultation,
        ExportDataset,
        MemoSection,
        PersonalDataHolder,
        TrajectoryStep,
    )


@hookimpl
def cp_session_formats() -> list[SessionFormat]:
    return [SessionFormat(
        key=FORMAT_KEY, label=_l("Workshop"),
        description=_l("Municipal and education staff turn the insights into actions and a "
                       "draft agenda on a shared board; the session's moderator facilitates."),
        staff_endpoint="workshops_board.board")]


@hookimpl
def cp_models() -> list[type[BaseModel]]:
    return list(MODELS)


@hookimpl
def cp_migrations() -> MigrationSource:
    return MigrationSource(NAME, "consultplatform_workshops.migrations")


@hookimpl
def cp_admin_views() -> list[BaseView]:
    from consultplatform_workshops.views.agenda import AgendaView
    from consultplatform_workshops.views.board import BoardView
    from consultplatform_workshops.views.coverage import CoverageView
    from consultplatform_workshops.views.workshops import WorkshopsView

    category = _l("Workshops")
    return [
        WorkshopsView(name=_l("Workshops"), endpoint="workshops_list",
                      url="/admin/workshops", category=category),
        BoardView(name=_l("Board"), endpoint="workshops_board", url="/admin/workshop-board",
                  category=category, menu_class_name="d-none"),
        AgendaView(name=_l("Draft agenda"), endpoint="workshops_agenda",
                   url="/admin/draft-agenda", category=category),
        CoverageView(name=_l("Coverage"), endpoint="workshops_coverage",
                     url="/admin/coverage", category=category),
    ]


@hookimpl
def cp_blueprints() -> list[Blueprint]:
    """The plugin's templates and the board's static files (no pages of its own)."""
    from consultplatform_workshops.views.board_assets import bp

    return [bp]


@hookimpl
def cp_settings_form() -> type[wtforms.Form]:
    return WorkshopsSettings


@hookimpl
def cp_action_vocabulary(consultation: Consultation) -> ActionVocabulary:
    """The action kinds, owners and horizons are this plugin's settings."""
    from consultplatform_workshops.settings import workshop_settings

    return workshop_settings(consultation).vocabulary()


@hookimpl
def cp_export_datasets(consultation: Consultation) -> list[ExportDataset]:
    from consultplatform_workshops.outputs import export_datasets

    return export_datasets(consultation)


@hookimpl
def cp_memo_sections(consultation: Consultation) -> list[MemoSection]:
    from consultplatform_workshops.outputs import memo_sections

    return memo_sections(consultation)


@hookimpl
def cp_trajectory_steps(consultation: Consultation) -> list[TrajectoryStep]:
    from consultplatform_workshops.dashboard import workshops_steps

    return workshops_steps(consultation)


@hookimpl
def cp_personal_data() -> list[PersonalDataHolder]:
    """None: the board's members and voters are staff accounts, not participants."""
    return []


@hookimpl(trylast=True)
def cp_demo_data(consultation: Consultation) -> dict[str, int] | None:
    """Last: the workshops work on the other plugins' demo insights."""
    from consultplatform_workshops.demo import load

    return load(consultation)
