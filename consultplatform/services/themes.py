"""Themes: merging (the core's references, then every plugin's, then the old theme
goes) and finding or adding one by name."""

from __future__ import annotations

import logging

from flask_babel import gettext as _

from consultplatform import audit
from consultplatform.db import is_postgres, write_transaction
from consultplatform.models import AgendaItem, InsightTheme, Theme
from consultplatform.palette import next_theme_colour
from consultplatform.plugins import registry

log = logging.getLogger(__name__)


class ThemeMergeError(ValueError):
    """A merge that cannot be done; the message is for the user."""


def merge_themes(source: Theme, target: Theme) -> dict[str, int]:
    """Merge ``source`` into ``target`` in one transaction, with its audit row.

    The core moves its own references (insights' themes, agenda items); every
    plugin, switched on or off, moves its references through the
    ``cp_merge_themes`` hook; then ``source`` is deleted. A reference no plugin
    moved makes the delete fail (``IntegrityError``) and the whole merge roll
    back, so nothing is lost. Returns ``{"plugin.what": count}``.
    """
    if source.id == target.id:
        raise ThemeMergeError(_("A theme cannot be merged into itself."))
    if source.consultation_id != target.consultation_id:
        raise ThemeMergeError(_("Only themes of the same consultation can be merged."))
    moved: dict[str, int] = {}
    with write_transaction():
        # Both themes locked (in id order) and read again: a second click, or another
        # administrator merging at the same moment, finds the source gone.
        query = Theme.select().where(Theme.id.in_(sorted({source.id, target.id})))
        if is_postgres():
            query = query.order_by(Theme.id).for_update()
        if len(list(query)) != 2:
            raise ThemeMergeError(_("One of these themes no longer exists; it may have been "
                                    "merged already."))
        moved.update(_move_core_references(source, target))
        for plugin_name, counts in registry().results("cp_merge_themes", only_enabled=False,
                                                      source=source, target=target):
            for key, value in (counts or {}).items():
                if isinstance(value, int):
                    moved[f"{plugin_name}.{key}"] = value
                else:
                    log.warning("plugin %s: cp_merge_themes count %s is not a number",
                                plugin_name, key)
        label = audit.object_label(source)
        source.delete_instance()
        audit.record("merge", target, details={"merged": str(source.id), "label": label,
                                               "moved": moved})
    return moved


def _move_core_references(source: Theme, target: Theme) -> dict[str, int]:
    """Every insight of ``source`` gets ``target`` (one that had both keeps one link),
    and the agenda items under ``source`` go under ``target``."""
    has_target = InsightTheme.select(InsightTheme.insight).where(InsightTheme.theme == target.id)
    doubled = (InsightTheme.delete()
               .where((InsightTheme.theme == source.id) & InsightTheme.insight.in_(has_target))
               .execute())
    moved = InsightTheme.update(theme=target.id).where(InsightTheme.theme == source.id).execute()
    items = AgendaItem.update(theme=target.id).where(AgendaItem.theme == source.id).execute()
    return {"core.insights": doubled + moved, "core.agenda_items": items}


def find_or_add_theme(consultation_id: int, name: str) -> tuple[Theme, bool]:
    """The consultation's theme of that name (exactly, else ignoring case), or a new
    one at the end of the list; ``(theme, created)``. Runs inside the caller's
    transaction (a parallel add of the same name is the caller's retry).

    Case is compared in Python (``casefold``): SQLite's LOWER() folds ASCII only."""
    name = " ".join(name.split())
    themes = list(Theme.select().where(Theme.consultation == consultation_id))
    for same in (lambda t: t.name == name, lambda t: t.name.casefold() == name.casefold()):
        existing = next((theme for theme in themes if same(theme)), None)
        if existing is not None:
            return existing, False
    theme = Theme.create(consultation=consultation_id, name=name,
                         colour=next_theme_colour(t.colour for t in themes),
                         position=max((t.position for t in themes), default=0) + 1)
    return theme, True
