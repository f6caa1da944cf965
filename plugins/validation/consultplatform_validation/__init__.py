"""The validation plugin: the people who took part test the draft agenda, online with
a personal link and on their phones in the meeting (a presenter screen walks
through the items), with results per sector and side; staff record the decisions
through the core, and everyone hears what was done with their input.

This module holds only the hook implementations (see docs/plugins.md for each hook).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from consultplatform.api import EventSpec, MigrationSource, hookimpl
from consultplatform_validation.models import MODELS
from consultplatform_validation.rounds import ROUND_CLOSED, ROUND_OPENED
from consultplatform_validation.settings import NAME, ValidationSettings

if TYPE_CHECKING:
    import wtforms
    from flask import Blueprint
    from flask_admin import BaseView

    from consultplatform.api import (
        BaseModel,
        Consultation,
        ContentWatch,
        ExportDataset,
        MemoSection,
        PersonalDataHolder,
        PublicBlock,
        TrajectoryStep,
    )

# The demo's round votes on the workshops' draft agenda (see cp_demo_data).
DEMO_STAGE = 70


@hookimpl
def cp_models() -> list[type[BaseModel]]:
    return list(MODELS)


@hookimpl
def cp_migrations() -> MigrationSource:
    return MigrationSource(NAME, "consultplatform_validation.migrations")


@hookimpl
def cp_admin_views() -> list[BaseView]:
    from consultplatform_validation.views.admin_views import admin_views

    return admin_views(category=_l("Validation"))


@hookimpl
def cp_blueprints() -> list[Blueprint]:
    """The ballot (personal link), the room's short address, the public "what we
    did with your input" page, and the plugin's templates and static files."""
    from consultplatform_validation.views.blueprints import blueprints

    return blueprints()


@hookimpl
def cp_settings_form() -> type[wtforms.Form]:
    return ValidationSettings


@hookimpl
def cp_register_events() -> list[EventSpec]:
    return [
        EventSpec(ROUND_OPENED, description=_l("A validation round opened; its voters were "
                                               "invited."),
                  fields=("round_id", "consultation_id", "voters")),
        EventSpec(ROUND_CLOSED, description=_l("A validation round closed; its results are "
                                               "frozen."),
                  fields=("round_id", "consultation_id", "ballots")),
    ]


@hookimpl
def cp_export_datasets(consultation: Consultation) -> list[ExportDataset]:
    from consultplatform_validation.outputs_datasets import export_datasets

    return export_datasets(consultation)


@hookimpl
def cp_memo_sections(consultation: Consultation) -> list[MemoSection]:
    from consultplatform_validation.outputs_memo import memo_sections

    return memo_sections(consultation)


@hookimpl
def cp_trajectory_steps(consultation: Consultation) -> list[TrajectoryStep]:
    from consultplatform_validation.dashboard import validation_steps

    return validation_steps(consultation)


@hookimpl
def cp_personal_data() -> list[PersonalDataHolder]:
    from consultplatform_validation.personal_data import holders

    return holders()


@hookimpl
def cp_public_blocks(consultation: Consultation) -> list[PublicBlock]:
    from consultplatform_validation.public_page import public_blocks

    return public_blocks(consultation)


@hookimpl
def cp_content_revisions() -> list[ContentWatch]:
    from consultplatform_validation.public_page import content_watches

    return content_watches()


@hookimpl
def cp_demo_data(consultation: Consultation) -> dict[str, int] | None:
    from consultplatform_validation.demo import load

    return load(consultation)


# The worker's periodic task is registered when the package is imported (docs/plugins.md,
# "Background tasks"): the worker imports every plugin package before it starts.
from consultplatform_validation import tasks as _tasks  # noqa: E402, F401
