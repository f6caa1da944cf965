"""Flask-Admin's own wording in plain Dutch and English.

Flask-Admin translates its strings (buttons, flashes, filter operations, the pager)
through its own Flask-Babel domain "admin", with a Dutch catalogue that is stilted or
wrong ("artikelen", "Record", "Met geselecteerd"). The core ships its own catalogue for
that domain (``translations/<lang>/LC_MESSAGES/admin.po``, kept by ``make catalog``
and compiled by ``make translations``) and lays it over Flask-Admin's: Flask-Babel merges
the directories of a domain in order, the last one winning.

Beside it, the few things Flask-Admin says outside its catalogue: the search field's
placeholder (``search_placeholder``) and the page-size menu (``admin/model/layout.html``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from flask import Flask
from flask_admin import babel as admin_babel
from flask_admin import translations as admin_translations
from flask_babel import gettext as _
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader
from markupsafe import Markup

# Columns in one language whatever the page's ("title_en"): marked as such (WCAG 3.1.2).
LANGUAGE_SUFFIXES = {"_nl": "nl", "_en": "en"}
# Flask-Admin's own templates under this prefix, for an override that extends the
# template it replaces ("flask_admin/admin/model/list.html").
STOCK_PREFIX = "flask_admin"


def use_own_wording(app: Flask) -> None:
    """Our "admin" catalogue over Flask-Admin's (see the module docstring), and
    Flask-Admin's Bootstrap 4 templates reachable under ``STOCK_PREFIX``."""
    stock = admin_translations.__path__[0]
    ours = os.path.join(app.root_path, "translations")
    domain = admin_babel.domain
    if domain._translation_directories != [stock, ours]:
        domain._translation_directories = [stock, ours]
        domain.cache.clear()
    templates = os.path.join(os.path.dirname(admin_translations.__path__[0]), "templates",
                             "bootstrap4")
    loader = app.jinja_loader
    assert loader is not None  # set in create_app
    app.jinja_loader = ChoiceLoader([loader, PrefixLoader(
        {STOCK_PREFIX: FileSystemLoader(templates)})])


def search_placeholder(labels: Iterable[Any]) -> str | None:
    """'Search by title, location': the searchable columns' labels, lower case."""
    names = [_lower_first(str(label)) for label in labels if str(label)]
    if not names:
        return None
    return _("Search by %(columns)s", columns=", ".join(names))


def _lower_first(text: str) -> str:
    # "E-mail address" -> "e-mail address"; an abbreviation ("URL") stays as it is.
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def in_language(name: str, value: Any) -> Any:
    """The value of a column in one language (``title_en``) marked with that language."""
    lang = next((code for suffix, code in LANGUAGE_SUFFIXES.items() if name.endswith(suffix)),
                None)
    if lang is None or value is None or value == "":
        return value
    return Markup('<span lang="{}">{}</span>').format(lang, value)
