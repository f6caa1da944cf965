"""The myplugin plugin (made from plugins/_template): notes per consultation.

This module holds only the hook implementations; see docs/plugins.md for each hook.
Everything from the core comes from ``consultplatform.api``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from consultplatform.api import EventSpec, MigrationSource, hookimpl

if TYPE_CHECKING:
    from flask import Blueprint
    from flask_admin import BaseView

    from consultplatform.api import BaseModel

NAME = "myplugin"
NOTE_ADDED = f"{NAME}.note_added"


@hookimpl
def cp_models() -> list[type[BaseModel]]:
    from consultplatform_myplugin.models import MypluginNote

    return [MypluginNote]


@hookimpl
def cp_migrations() -> MigrationSource:
    return MigrationSource(NAME, "consultplatform_myplugin.migrations")


@hookimpl
def cp_admin_views() -> list[BaseView]:
    from consultplatform_myplugin.admin import NoteView
    from consultplatform_myplugin.models import MypluginNote

    return [NoteView(MypluginNote, name=_l("Notes"), endpoint=f"{NAME}_note",
                     category=_l("My plugin"))]


@hookimpl
def cp_blueprints() -> list[Blueprint]:
    from consultplatform_myplugin.views import bp

    return [bp]


@hookimpl
def cp_register_events() -> list[EventSpec]:
    return [EventSpec(NOTE_ADDED, description="A note was added.", fields=("note",))]
