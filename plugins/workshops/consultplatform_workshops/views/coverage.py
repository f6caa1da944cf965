"""The coverage view in /admin, on the consultation the staff member works on:
what became of every insight per theme x sector (answered, set aside, still open),
the set-aside reasons, the open insights (cut at a limit, narrowed by a cell's
link), and per owner x theme how many actions. Read by every staff role; nothing
here writes. A fixed number of statements (coverage.py)."""

from __future__ import annotations

from typing import Any

from flask import abort, request
from flask_admin import expose
from flask_babel import gettext as _

from consultplatform.api import SecureView, action_vocabulary, current_language, parse_id
from consultplatform_workshops.coverage import (
    ALL,
    NO_THEME,
    OPEN_LIMIT,
    load_coverage,
    open_insights,
)
from consultplatform_workshops.leading import ranked_themes
from consultplatform_workshops.settings import workshop_settings
from consultplatform_workshops.views.agenda import chosen_consultation

# ?sector=none: the insights without a sector.
NONE = "none"


class CoverageView(SecureView):
    @expose("/")
    def index(self) -> Any:
        consultation = chosen_consultation()
        if consultation is None:
            return self.render("workshops/coverage.html", consultation=None)
        themes = ranked_themes(consultation.id)
        coverage = load_coverage(consultation.id)
        theme_id, sector_id, no_sector = self._filters({t.id for t in themes},
                                                       {key for key, _name in coverage.sectors})
        listed = open_insights(consultation.id, theme_id=theme_id, sector_id=sector_id,
                               no_sector=no_sector)
        vocabulary = action_vocabulary(consultation)
        settings, lang = workshop_settings(consultation), current_language()
        owners = [(c.code, c.label(lang)) for c in vocabulary.owners]
        known = {code for code, _label in owners}
        owners += sorted({(code, code) for code, _key in coverage.owners if code not in known})
        names = {t.id: t.name for t in themes}
        filtered = []
        if theme_id is not None:
            filtered.append(names.get(theme_id) or _("Without theme"))
        if sector_id is not None or no_sector:
            filtered.append(dict(coverage.sectors).get(sector_id) or _("No sector"))
        return self.render(
            "workshops/coverage.html", consultation=consultation, coverage=coverage,
            themes=themes, listed=listed, limit=OPEN_LIMIT, owners=owners, ALL=ALL,
            NO_THEME=NO_THEME, reasons=sorted(coverage.reasons.items(),
                                              key=lambda pair: (-pair[1], pair[0])),
            reason_label=lambda code: settings.reason_label(code, lang), filtered=filtered,
            no_sector=NONE)

    @staticmethod
    def _filters(theme_ids: set[int], sector_ids: set[int | None]
                 ) -> tuple[int | None, int | None, bool]:
        """The open list's narrowing from ?theme= and ?sector=; what cannot be one: 400."""
        theme_id = sector_id = None
        no_sector = False
        raw_theme, raw_sector = request.args.get("theme"), request.args.get("sector")
        if raw_theme:
            theme_id = parse_id(raw_theme) if raw_theme != "0" else NO_THEME
            if theme_id is None or (theme_id != NO_THEME and theme_id not in theme_ids):
                abort(400, description=_("Choose a theme of this consultation (use the links "
                                         "in the table)."))
        if raw_sector == NONE:
            no_sector = True
        elif raw_sector:
            sector_id = parse_id(raw_sector)
            if sector_id is None or sector_id not in sector_ids:
                abort(400, description=_("Choose a sector of this consultation (use the links "
                                         "in the table)."))
        return theme_id, sector_id, no_sector
