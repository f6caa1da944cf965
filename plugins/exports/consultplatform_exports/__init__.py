"""The exports plugin: every export dataset of every enabled plugin (the core's
included) as files.

This module holds only the hook implementations; see docs/plugins.md for each hook
and the plugin's README for the formats, the rules on who may export what and the
open-data block. Everything from the core comes from ``consultplatform.api``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from consultplatform.api import ContentWatch, Exporter, MigrationSource, hookimpl

if TYPE_CHECKING:
    import wtforms
    from flask import Blueprint
    from flask_admin import BaseView

    from consultplatform.api import BaseModel, Consultation, PublicBlock

NAME = "exports"


@hookimpl
def cp_models() -> list[type[BaseModel]]:
    from consultplatform_exports.models import MODELS

    return list(MODELS)


@hookimpl
def cp_migrations() -> MigrationSource:
    return MigrationSource(NAME, "consultplatform_exports.migrations")


@hookimpl
def cp_exporters() -> list[Exporter]:
    from consultplatform_exports.formats import FORMATS

    return list(FORMATS)


@hookimpl
def cp_admin_views() -> list[BaseView]:
    from consultplatform_exports.views.page import ExportView

    return [ExportView(name=_l("Export"), endpoint="exports_page", url="/admin/export")]


@hookimpl
def cp_blueprints() -> list[Blueprint]:
    from consultplatform_exports.public import bp

    return [bp]


@hookimpl
def cp_demo_data(consultation: Consultation) -> dict[str, int]:
    from consultplatform_exports.publishing import publish_demo

    return {"open datasets": publish_demo(consultation)}


@hookimpl
def cp_settings_form() -> type[wtforms.Form]:
    from consultplatform_exports.settings import ExportsSettings

    return ExportsSettings


@hookimpl
def cp_content_revisions() -> list[ContentWatch]:
    # What is published shows on the consultation's (cached) public page.
    return [ContentWatch("exports_publication", public=True)]


@hookimpl
def cp_public_blocks(consultation: Consultation) -> list[PublicBlock]:
    from consultplatform_exports.public import public_block

    return public_block(consultation)


# The worker's tasks are registered when the package is imported (docs/plugins.md,
# "Background tasks"): the worker imports every plugin package before it starts.
from consultplatform_exports import tasks as _tasks  # noqa: E402, F401
