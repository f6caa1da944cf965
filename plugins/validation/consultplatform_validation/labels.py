"""The words for a results group (pages, the CSV file, the export dataset, the memo):
its side ("entrepreneurs", "public side", "both sides") and its sector ("Landbouw",
"No sector", "Other sectors")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

SIDE_LABELS = {"entrepreneur": _l("entrepreneurs"), "public": _l("public side"),
               "mixed": _l("both sides")}


def side_name(group: Mapping[str, Any]) -> str:
    return str(SIDE_LABELS.get(group["side"], group["side"]))


def sector_name(group: Mapping[str, Any]) -> str:
    if group.get("merged"):
        return _("Other sectors")
    if group.get("sector") is None:
        return _("No sector")
    return str(group["sector"])


def group_label(group: Mapping[str, Any]) -> str:
    """"Landbouw (entrepreneurs)", "Other sectors (public side)", "No sector (...)"."""
    return f"{sector_name(group)} ({side_name(group)})"
