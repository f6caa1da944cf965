"""Shared by the admin's model views: column formatters, the format choices, form labels."""

from __future__ import annotations

from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from consultplatform.admin.labels import LABELS
from consultplatform.plugins import registry
from consultplatform.timezone import localize


def format_choices(keep: list[str] | tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """Formats of enabled plugins, plus ``keep``: keys already chosen stay
    selectable while their plugin is off, so saving never drops them."""
    plugins = registry()
    choices = [(key, str(fmt.label)) for key, (_, fmt) in sorted(plugins.formats().items())]
    offered = {key for key, _ in choices}
    for key in keep or ():
        if key not in offered:
            choices.append((key, str(_l("%(format)s (plugin off)",
                                        format=plugins.format_label(key)))))
    return choices


def format_labels(view, context, model, name) -> str:
    """A list of format keys (a consultation's formats) by their labels."""
    plugins = registry()
    return ", ".join(plugins.format_label(key) for key in getattr(model, name) or ())


def yes_no(view, value, name=None) -> Markup:
    """Yes or no in words beside the icon (Flask-Admin's icon says "required: true"
    in a title only)."""
    icon = "fa-check-circle" if value else "fa-minus-circle"
    return Markup('<span class="fa {}" aria-hidden="true"></span> {}').format(
        icon, _("Yes") if value else _("No"))


def utc_datetime(view, value, name=None):
    return format_datetime(value, "d MMM y HH:mm")  # naive UTC, shown in Amsterdam time


def date_only(view, value, name=None):
    return format_date(value, "d MMM y")


def local_time(column: str):
    """Formatter for a session time: already Amsterdam wall-clock time."""
    def formatter(view, context, model, name):
        value = getattr(model, column)
        return format_datetime(localize(value), "d MMM y HH:mm") if value else ""
    return formatter


def labelled(columns: list[str], form_args: dict[str, dict]) -> dict[str, dict]:
    """``form_args`` with the translated label of each column (form labels are not
    taken from ``column_labels``)."""
    args = {name: dict(value) for name, value in form_args.items()}
    for name in columns:
        if name in LABELS:
            args.setdefault(name, {}).setdefault("label", LABELS[name])
    return args
