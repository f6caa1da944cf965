"""The Expertarena plugin: moderated dialogue sessions with entrepreneurs of one
or more sectors, insights recorded live by the moderator, themes, the sector x
theme matrix and the leading themes.

Everything reaches the core through hooks; this module holds only the hook
implementations (see docs/plugins.md for each hook).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from consultplatform.api import (
    ContentWatch,
    MigrationSource,
    PersonalDataHolder,
    SessionFormat,
    SessionFormPart,
    TemplateError,
    hookimpl,
)
from consultplatform_expertarena.arenas import FORMAT_KEY
from consultplatform_expertarena.models import MODELS
from consultplatform_expertarena.settings import NAME, ExpertarenaSettings

if TYPE_CHECKING:
    import wtforms
    from flask import Blueprint
    from flask_admin import BaseView

    from consultplatform.api import (
        BaseModel,
        Consultation,
        ConsultationSession,
        ExportDataset,
        MemoSection,
        StaffUser,
        TemplateKeys,
        TrajectoryStep,
        Vocabulary,
    )

log = logging.getLogger(__name__)


@hookimpl
def cp_session_formats() -> list[SessionFormat]:
    return [SessionFormat(
        key=FORMAT_KEY, label=_l("Expertarena"),
        description=_l("A moderated open dialogue between entrepreneurs of one or more sectors "
                       "and government and education; the moderator records the insights."),
        staff_endpoint="expertarena_arenas.capture",
        public_endpoint="expertarena.arena_page")]


@hookimpl
def cp_personal_data() -> list[PersonalDataHolder]:
    """No table of people of its own: the arenas a person took part in."""
    from consultplatform_expertarena.personal_data import holder

    return [holder()]


@hookimpl
def cp_session_form_parts() -> list[SessionFormPart]:
    """The arena's sectors and co-moderators on the session form itself."""
    from consultplatform_expertarena.session_form import session_form_part

    return [session_form_part()]


@hookimpl
def cp_session_sectors(sessions: list[ConsultationSession]) -> dict[int, list[int]] | None:
    """An arena takes entrepreneurs of its sectors only (the ticked ones, or else the
    session's own sector); an arena without a sector is open to all."""
    from consultplatform_expertarena.arenas import arena_sectors

    arenas = [s for s in sessions if s.format_key == FORMAT_KEY]
    if not arenas:
        return None
    return {session_id: [sector.id for sector in sectors]
            for session_id, sectors in arena_sectors(arenas).items() if sectors}


@hookimpl
def cp_moderated_sessions(staff: StaffUser) -> list[int]:
    """The arenas ``staff`` moderates beside the session's own moderator."""
    from consultplatform_expertarena.models import ExpertarenaArenaModerator

    return [row.session_id for row in ExpertarenaArenaModerator
            .select(ExpertarenaArenaModerator.session)
            .where(ExpertarenaArenaModerator.staff == staff.id)]


@hookimpl
def cp_content_revisions() -> list[ContentWatch]:
    """An arena's sectors decide whom the sign-up form offers it to, and which sectors
    its analysis shows: the cached form and figures follow every change."""
    return [ContentWatch("expertarena_arena_sector", public=True, session_column="session_id")]


@hookimpl
def cp_models() -> list[type[BaseModel]]:
    return list(MODELS)


@hookimpl
def cp_migrations() -> MigrationSource:
    return MigrationSource(NAME, "consultplatform_expertarena.migrations")


@hookimpl
def cp_admin_views() -> list[BaseView]:
    from consultplatform.api import Insight
    from consultplatform_expertarena.models import ExpertarenaThemeProposal
    from consultplatform_expertarena.views.analysis import AnalysisView
    from consultplatform_expertarena.views.arenas import ArenasView
    from consultplatform_expertarena.views.lists import InsightListView, ProposalView

    category = _l("Expertarena")
    return [
        ArenasView(name=_l("Arenas"), endpoint="expertarena_arenas", url="/admin/expertarena",
                   category=category),
        AnalysisView(name=_l("Analysis"), endpoint="expertarena_analysis",
                     url="/admin/expertarena-analyse", category=category),
        InsightListView(Insight, name=_l("Insights"), endpoint="expertarena_insight",
                        category=category),
        ProposalView(ExpertarenaThemeProposal, name=_l("Proposed themes"),
                     endpoint="expertarena_proposal", category=category),
    ]


@hookimpl
def cp_blueprints() -> list[Blueprint]:
    from consultplatform_expertarena.public import bp

    return [bp]


@hookimpl
def cp_settings_form() -> type[wtforms.Form]:
    return ExpertarenaSettings


@hookimpl
def cp_export_datasets(consultation: Consultation) -> list[ExportDataset]:
    from consultplatform_expertarena.outputs import export_datasets

    return export_datasets(consultation)


@hookimpl
def cp_template_export(consultation: Consultation, keys: TemplateKeys) -> dict[str, Any] | None:
    """The sectors ticked for each arena, by template keys (moderators are people of
    this installation: a copy gets its own)."""
    from consultplatform_expertarena.models import ExpertarenaArenaSector

    ticked: dict[str, list[str]] = {}
    for link in (ExpertarenaArenaSector.select()
                 .where(ExpertarenaArenaSector.session.in_(list(keys.sessions) or [0]))
                 .order_by(ExpertarenaArenaSector.position)):
        if link.sector_id in keys.sectors:
            ticked.setdefault(keys.sessions[link.session_id], []).append(
                keys.sectors[link.sector_id])
    return {"arena_sectors": ticked} if ticked else None


@hookimpl
def cp_template_import(consultation: Consultation, parts: dict[str, Any],
                       keys: TemplateKeys) -> None:
    from consultplatform_expertarena.models import ExpertarenaArenaSector

    ticked = (parts.get(NAME) or {}).get("arena_sectors", {})
    if not isinstance(ticked, dict):
        raise TemplateError("file", str(_l("The Expertarena part of the template is not as "
                                           "it should be.")))
    for session_key, sector_keys in ticked.items():
        if session_key not in keys.session_ids or not isinstance(sector_keys, list) \
                or any(key not in keys.sector_ids for key in sector_keys):
            raise TemplateError("file", str(_l("The Expertarena part of the template refers "
                                               "to a session or sector it does not have.")))
        for position, sector_key in enumerate(sector_keys):
            ExpertarenaArenaSector.create(session=keys.session_ids[session_key],
                                          sector=keys.sector_ids[sector_key], position=position)


@hookimpl
def cp_trajectory_steps(consultation: Consultation) -> list[TrajectoryStep]:
    from consultplatform_expertarena.dashboard import arenas_step

    if FORMAT_KEY not in (consultation.formats or []):
        return []
    return [arenas_step(consultation)]


@hookimpl
def cp_memo_sections(consultation: Consultation) -> list[MemoSection]:
    from consultplatform_expertarena.outputs import memo_sections

    return memo_sections(consultation)


@hookimpl
def cp_demo_data(consultation: Consultation) -> dict[str, int] | None:
    from consultplatform_expertarena.demo import load

    return load(consultation)


@hookimpl
def cp_insight_vocabulary(consultation: Consultation) -> Vocabulary:
    """The insight categories and who-should-act lists are this plugin's settings
    (per install, and per consultation where they differ)."""
    from consultplatform_expertarena.settings import arena_settings

    return arena_settings(consultation).vocabulary()


@hookimpl
def cp_session_closed(session: ConsultationSession) -> None:
    if session.format_key == FORMAT_KEY:
        log.info("expertarena %s closed", session.id)
