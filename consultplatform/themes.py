"""Merging themes: every plugin moves its references, then the old theme goes."""

from __future__ import annotations

import logging

from flask_babel import gettext as _

from consultplatform import audit
from consultplatform.db import is_postgres, write_transaction
from consultplatform.models import Theme
from consultplatform.plugins import registry

log = logging.getLogger(__name__)


class ThemeMergeError(ValueError):
    """A merge that cannot be done; the message is for the user."""


def merge_themes(source: Theme, target: Theme) -> dict[str, int]:
    """Merge ``source`` into ``target`` in one transaction, with its audit row.

    Every plugin, switched on or off, moves its references through the
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
