"""The arena's sectors and extra moderators on the admin's session form (through
``cp_session_form_parts``), where the arena itself is set up."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from consultplatform.api import (
    CheckboxListField,
    ConsultationSession,
    SessionFormPart,
    options,
)
from consultplatform_expertarena.arenas import (
    FORMAT_KEY,
    arena_sectors,
    co_moderator_ids,
    moderator_candidates,
    sectors_of,
)
from consultplatform_expertarena.services import save_arena_setup

SECTORS, MODERATORS = "expertarena_sectors", "expertarena_moderators"


def session_form_part() -> SessionFormPart:
    return SessionFormPart(
        format_key=FORMAT_KEY,
        fields={
            SECTORS: CheckboxListField(_l("Sectors of the arena"), coerce=int, description=_l(
                "Expertarenas only: the sectors whose entrepreneurs take part. Tick one or "
                "more; with none ticked, the sector above counts.")),
            MODERATORS: CheckboxListField(_l("Co-moderators"), coerce=int, description=_l(
                "Expertarenas only: staff who moderate with the moderator above and may "
                "record insights.")),
        },
        prepare=_prepare, save=_save, check=_check)


def _prepare(form: Any, consultation_id: int | None, session: ConsultationSession | None) -> None:
    sectors = sectors_of(consultation_id) if consultation_id else []
    form[SECTORS].choices = options((s.id, s.name) for s in sectors)
    form[MODERATORS].choices = options((u.id, u.name) for u in moderator_candidates())
    if session is not None and not form.is_submitted():
        ticked = {s.id for s in arena_sectors([session])[session.id]}
        form[SECTORS].data = [s.id for s in sectors if s.id in ticked]
        form[MODERATORS].data = sorted(co_moderator_ids(session.id))


def _check(data: Mapping[str, Any]) -> dict[str, str]:
    if not data.get(SECTORS) and data.get("sector") is None:
        return {SECTORS: str(_l("An arena has at least one sector: tick it here or choose "
                                "the sector above."))}
    return {}


def _save(session_id: int, data: Mapping[str, Any]) -> None:
    save_arena_setup(session_id, data.get(SECTORS) or [], data.get(MODERATORS) or [])
