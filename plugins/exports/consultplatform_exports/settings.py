"""The plugin's settings (the admin's Plugins page): the licence of open data.

CC0 is the default because the Dutch government's open-data guidance (the
Rijksoverheid's open-data policy, data.overheid.nl) asks for data published without
conditions: CC0 or public domain, so anyone may reuse it without having to credit.
CC BY asks re-users to name the source (``attribution``; empty: the consultation's
organiser)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from wtforms import Form, RadioField, StringField
from wtforms.validators import InputRequired, Length

from consultplatform.api import Consultation, current_language, options, plugin_registry
from consultplatform_exports import NAME

CC0, CC_BY = "cc0", "cc-by"
# The licence deeds, in the reader's language.
LICENCES = {CC0: "https://creativecommons.org/publicdomain/zero/1.0/deed.{language}",
            CC_BY: "https://creativecommons.org/licenses/by/4.0/deed.{language}"}
LICENCE_LABELS = {CC0: _l("CC0 1.0: no rights reserved"), CC_BY: _l("CC BY 4.0: attribution")}


class ExportsSettings(Form):
    """Per install, and per consultation where it differs."""

    licence = RadioField(
        _l("Licence of open data"), default=CC0, validators=[InputRequired()],
        choices=options(LICENCE_LABELS.items()),
        description=_l("The licence of the datasets published on a consultation's public "
                       "page. The government's open-data guidance recommends CC0."))
    attribution = StringField(
        _l("Attribution under CC BY"), default="", validators=[Length(max=200)],
        description=_l("The name re-users credit. Empty: the consultation's organiser."))


@dataclass(frozen=True)
class Licence:
    key: str
    label: str
    url: str
    attribution: str  # empty under CC0


def licence_of(consultation: Consultation) -> Licence:
    """The licence ``consultation``'s open data is published under (a stored value no
    longer offered falls back to CC0)."""
    values = plugin_registry().settings(NAME, consultation)
    stored = values.get("licence")
    key = stored if isinstance(stored, str) and stored in LICENCES else CC0
    language = "nl" if current_language() == "nl" else "en"
    attribution = ""
    if key == CC_BY:
        attribution = str(values.get("attribution") or "").strip() or consultation.organiser
    return Licence(key, str(LICENCE_LABELS[key]), LICENCES[key].format(language=language), attribution)
