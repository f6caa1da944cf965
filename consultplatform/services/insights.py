"""Recording insights, for every session format: record, edit, delete, set aside.

A write locks the session row (the write lock on SQLite) so it cannot cross the
session being closed; once closed only ``allow_closed`` callers (administrators)
write. The one-time submission key makes the same form sent twice store one
insight. Every write has its audit row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from consultplatform import audit
from consultplatform.db import is_postgres, utcnow, write_transaction
from consultplatform.models import ConsultationSession, Insight, InsightTheme, Sector, Theme
from consultplatform.models.trajectory import QUOTE_MAX, TEXT_MAX
from consultplatform.seats import lock_session
from consultplatform.services.errors import FieldError, acting_staff_id
from consultplatform.services.themes import find_or_add_theme
from consultplatform.vocabulary import insight_vocabulary

T = TypeVar("T")


class SessionClosedError(Exception):
    """The session closed before the save; only administrators may still write."""


class ChoicesChangedError(Exception):
    """A chosen theme or sector disappeared (merged, deleted) while the form was open."""


class InsightGoneError(LookupError):
    """The insight was deleted in the meantime (a second click, another moderator)."""


class InsightInputError(FieldError):
    """A value the service refuses; ``field`` names it, the message is for the user."""


@dataclass(frozen=True)
class InsightInput:
    text: str
    category: str
    sector_id: int | None = None
    actor: str = ""
    weight: int = 1
    quote: str = ""
    theme_ids: Sequence[int] = field(default_factory=tuple)
    # A theme name to use or add (a moderator's proposal); see ``on_new_theme``.
    new_theme: str = ""
    submission_key: str | None = None


@dataclass(frozen=True)
class Saved:
    insight: Insight
    duplicate: bool = False  # the same form was already saved



def _checked(data: InsightInput, session: ConsultationSession) -> None:
    words = _l("Keep it to %(max)d characters.", max=TEXT_MAX)
    if not data.text.strip():
        raise InsightInputError("text", str(_l("Write down the insight.")))
    if len(data.text) > TEXT_MAX:
        raise InsightInputError("text", str(words))
    if len(data.quote) > QUOTE_MAX:
        raise InsightInputError("quote", str(_l("Keep it to %(max)d characters.", max=QUOTE_MAX)))
    vocabulary = insight_vocabulary(session.consultation)
    if data.category not in vocabulary.category_codes():
        raise InsightInputError("category", str(_l("Choose a category.")))
    if data.actor and data.actor not in vocabulary.actor_codes():
        raise InsightInputError("actor", str(_l("Choose one of the options shown.")))
    if data.weight not in (1, 2, 3):
        raise InsightInputError("weight", str(_l("Choose how strongly it came up.")))


def _chosen_themes(data: InsightInput, session: ConsultationSession,
                   on_new_theme: Callable[[Theme], None] | None) -> list[int]:
    """The chosen themes, checked again inside the transaction and, on PostgreSQL,
    held (FOR KEY SHARE) so a merge waits for this save instead of deadlocking with
    it; a proposed theme is added. Also checks the chosen sector still exists."""
    ids = sorted(set(data.theme_ids))
    if ids:
        query = Theme.select(Theme.id).where(Theme.id.in_(ids)
                                             & (Theme.consultation == session.consultation_id))
        if is_postgres():
            query = query.for_update("FOR KEY SHARE")
        if len(list(query)) != len(ids):
            raise ChoicesChangedError()
    if data.sector_id is not None:
        query = Sector.select(Sector.id).where((Sector.id == data.sector_id)
                                               & (Sector.consultation == session.consultation_id))
        if is_postgres():
            query = query.for_update("FOR KEY SHARE")
        if query.first() is None:
            raise ChoicesChangedError()
    if data.new_theme.strip():
        theme, created = find_or_add_theme(session.consultation_id, data.new_theme)
        if created:
            audit.record("propose", theme, details={"session": str(session.id)})
            if on_new_theme is not None:
                on_new_theme(theme)
        ids.append(theme.id)
    return sorted(set(ids))


def _values(data: InsightInput) -> dict:
    return {"text": data.text, "category": data.category, "sector": data.sector_id,
            "actor": data.actor, "weight": data.weight, "quote": data.quote}


def _locked_session(session_id: int, *, allow_closed: bool) -> ConsultationSession:
    locked = lock_session(session_id)
    if locked.status != "planned" and not allow_closed:
        raise SessionClosedError()
    return locked


def _once_more_on_conflict(save: Callable[[], T]) -> T:
    """Run ``save`` (a whole transaction); after a unique-key clash with a parallel
    request (the same form key, a theme proposed at the same moment) run it once
    more: the second round finds what the other request stored."""
    try:
        return save()
    except IntegrityError:
        return save()


def record_insight(session_id: int, data: InsightInput, *, allow_closed: bool = False,
                   on_new_theme: Callable[[Theme], None] | None = None) -> Saved:
    """Store a new insight of ``session_id``; once per submission key.

    ``on_new_theme(theme)`` runs inside the transaction when ``data.new_theme``
    added a theme (the Expertarena keeps its proposals for review that way)."""
    key = data.submission_key or None

    def save() -> Saved:
        with write_transaction():
            locked = _locked_session(session_id, allow_closed=allow_closed)
            if key:
                earlier = Insight.get_or_none(Insight.submission_key == key)
                if earlier is not None:
                    return Saved(earlier, duplicate=True)
            _checked(data, locked)
            themes = _chosen_themes(data, locked, on_new_theme)
            insight = Insight.create(session=session_id, created_by=acting_staff_id(),
                                     submission_key=key, **_values(data))
            _link_themes(insight, themes)
            audit.record("create", insight, details={"fields": sorted(_values(data))})
            return Saved(insight)

    return _once_more_on_conflict(save)


def update_insight(insight_id: int, data: InsightInput, *, allow_closed: bool = False,
                   on_new_theme: Callable[[Theme], None] | None = None) -> Insight:
    """Change an insight's values and themes (the submission key is not changed)."""

    def save() -> Insight:
        with write_transaction():
            locked = _locked_session(_session_of(insight_id), allow_closed=allow_closed)
            insight = _existing(insight_id)  # read again under the lock
            _checked(data, locked)
            themes = _chosen_themes(data, locked, on_new_theme)
            values = _values(data)
            changed = sorted(name for name, value in values.items()
                             if getattr(insight, "sector_id" if name == "sector" else name)
                             != value)
            for name, value in values.items():
                setattr(insight, name, value)
            insight.updated_at = utcnow()
            # Only the edited columns: set_aside() and link_insights() write the fate.
            insight.save(only=[Insight.text, Insight.category, Insight.sector, Insight.actor,
                               Insight.weight, Insight.quote, Insight.updated_at])
            before = sorted(link.theme_id for link in insight.theme_links)
            if before != themes:
                InsightTheme.delete().where(InsightTheme.insight == insight.id).execute()
                _link_themes(insight, themes)
                changed.append("themes")
            audit.record("update", insight, details={"fields": changed})
            return insight

    return _once_more_on_conflict(save)


def delete_insight(insight_id: int, *, allow_closed: bool = False) -> None:
    with write_transaction():
        _locked_session(_session_of(insight_id), allow_closed=allow_closed)
        insight = _existing(insight_id)
        audit.record("delete", None, object_type="Insight",
                     details={"id": str(insight.id), "session": str(insight.session_id)})
        insight.delete_instance()


def set_aside(insight_id: int, reason: str, note: str = "") -> Insight:
    """Give an insight no action takes up its fate: set aside, with the reason (a
    code of the workshops' list of reasons, or a text) and a note beside it.

    An empty reason takes the setting aside back (the insight is open again)."""
    reason = " ".join(reason.split())
    note = note.strip()
    for field_name, value in (("reason", reason), ("note", note)):
        if len(value) > QUOTE_MAX:
            raise InsightInputError(field_name, str(_l("Keep it to %(max)d characters.",
                                                       max=QUOTE_MAX)))
    with write_transaction():
        insight = _existing(insight_id)
        insight.set_aside_reason = reason
        insight.set_aside_note = note if reason else ""
        insight.set_aside_at = utcnow() if reason else None
        insight.set_aside_by = acting_staff_id() if reason else None
        insight.save(only=[Insight.set_aside_reason, Insight.set_aside_note,
                           Insight.set_aside_at, Insight.set_aside_by])
        audit.record("set_aside" if reason else "reopen", insight,
                     details={"fields": ["set_aside_reason", "set_aside_note"]})
    return insight


def _session_of(insight_id: int) -> int:
    row = Insight.select(Insight.session).where(Insight.id == insight_id).first()
    if row is None:
        raise InsightGoneError(insight_id)
    return row.session_id


def _existing(insight_id: int) -> Insight:
    insight = Insight.get_or_none(Insight.id == insight_id)
    if insight is None:
        raise InsightGoneError(insight_id)
    return insight


def _link_themes(insight: Insight, theme_ids: list[int]) -> None:
    if theme_ids:
        InsightTheme.insert_many(
            [{"insight": insight.id, "theme": theme} for theme in theme_ids]).execute()
