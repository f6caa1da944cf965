"""The analysis page in /admin, per consultation and per arena: the sector x
theme matrix (table and heatmap), the leading themes, and per sector the top
ambitions and barriers. A fixed number of queries, whatever the data size."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, redirect, request, url_for
from flask_admin import expose
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _

from consultplatform.api import (
    Consultation,
    SecureView,
    Theme,
    current_consultation_id,
    current_language,
    is_admin,
    slugify,
    utcnow,
)
from consultplatform_expertarena.analysis import (
    Matrix,
    Scope,
    leading_themes,
    load_matrix,
    participation,
    top_by_sector,
)
from consultplatform_expertarena.arenas import FORMAT_KEY, arena_or_404, arena_query
from consultplatform_expertarena.heatmap import HeatmapText, render_heatmap, svg_to_png
from consultplatform_expertarena.models import ExpertarenaThemeProposal
from consultplatform_expertarena.settings import ArenaSettings, arena_settings

SPLIT = "categorie"
# ?waarde=aandeel: each cell as a share of its sector's insights, not a count.
VALUE, SHARE = "waarde", "aandeel"


def consultation_or_404(consultation_id: int) -> Consultation:
    consultation = Consultation.get_or_none(Consultation.id == consultation_id)
    if consultation is None or FORMAT_KEY not in (consultation.formats or []):
        abort(404)
    return consultation


def row_labels(matrix: Matrix) -> list[str]:
    names = {s.id: s.name for s in matrix.sectors}
    return [names[key] if key is not None else _("No sector") for key in matrix.row_keys()]


def ranked_columns(matrix: Matrix, settings: ArenaSettings) -> list[Theme]:
    """The themes in order of importance: sectors reached, then insights, then weight."""
    return [row.theme for row in leading_themes(matrix, settings.leading_threshold).ranking]


def heatmap_svg(matrix: Matrix, category: str | None, settings: ArenaSettings,
                language: str, place: str, *, share: bool = False,
                consultation: str = "") -> str:
    columns = ranked_columns(matrix, settings)
    grid = matrix.grid(category, columns, share=share)
    rows, names = row_labels(matrix), [t.name for t in columns]
    highest = max((v for row in grid for v in row), default=0)
    label = settings.category_label(category, language) if category else ""
    if share:
        what = (_("Share of each sector's insights about %(category)s per theme, %(place)s",
                  category=label, place=place) if category else
                _("Share of each sector's insights per theme, %(place)s", place=place))
    else:
        what = (_("Insights about %(category)s per sector and theme, %(place)s",
                  category=label, place=place)
                if category else _("Insights per sector and theme, %(place)s", place=place))
    if highest:
        r, c = next((r, c) for r, row in enumerate(grid) for c, v in enumerate(row)
                    if v == highest)
        detail = (_("The darker a cell, the larger the share. Largest: %(num)d%% of the "
                    "insights of %(sector)s are about %(theme)s.", num=highest,
                    theme=names[c], sector=rows[r]) if share else
                  ngettext("The darker a cell, the more insights. Most: %(num)d insight about "
                           "%(theme)s in %(sector)s.",
                           "The darker a cell, the more insights. Most: %(num)d insights about "
                           "%(theme)s in %(sector)s.", highest, theme=names[c], sector=rows[r]))
    else:
        detail = _("No insights have been recorded yet.")
    stamp = format_datetime(utcnow(), "d MMMM y HH:mm")  # naive UTC, shown in Amsterdam time
    text = HeatmapText(
        title=what, heading=what,
        description=detail + " " + _("The same numbers are in the table on the analysis page."),
        legend_low=_("fewer") if not share else _("smaller share"),
        legend_high=_("more") if not share else _("larger share"),
        source=_("Source: insights recorded in the Expertarenas of %(consultation)s; "
                 "columns in order of importance; as of %(when)s.",
                 consultation=consultation or place, when=stamp))
    return render_heatmap(rows, names, grid, text=text, suffix="%" if share else "")


class AnalysisView(SecureView):
    """Read by every staff role; nothing here writes."""

    @expose("/")
    def index(self):
        chosen = current_consultation_id()  # the consultation the staff member works on
        consultations = [c for c in Consultation.select().order_by(Consultation.created_at.desc())
                         if FORMAT_KEY in (c.formats or []) and chosen in (None, c.id)]
        if len(consultations) == 1:
            return redirect(url_for(".consultation", consultation_id=consultations[0].id))
        return self.render("expertarena/analysis_index.html", consultations=consultations)

    @expose("/c/<id:consultation_id>/")
    def consultation(self, consultation_id: int):
        consultation = consultation_or_404(consultation_id)
        return self._page(Scope(consultation))

    @expose("/arena/<id:session_id>/")
    def arena(self, session_id: int):
        session = arena_or_404(session_id)
        return self._page(Scope(session.consultation, session))

    @expose("/c/<id:consultation_id>/heatmap.svg")
    def consultation_heatmap(self, consultation_id: int):
        return self._heatmap(Scope(consultation_or_404(consultation_id)), "svg")

    @expose("/arena/<id:session_id>/heatmap.svg")
    def arena_heatmap(self, session_id: int):
        session = arena_or_404(session_id)
        return self._heatmap(Scope(session.consultation, session), "svg")

    @expose("/c/<id:consultation_id>/heatmap.png")
    def consultation_heatmap_png(self, consultation_id: int):
        return self._heatmap(Scope(consultation_or_404(consultation_id)), "png")

    @expose("/arena/<id:session_id>/heatmap.png")
    def arena_heatmap_png(self, session_id: int):
        session = arena_or_404(session_id)
        return self._heatmap(Scope(session.consultation, session), "png")

    def _heatmap(self, scope: Scope, kind: str) -> Response:
        settings, language = arena_settings(scope.consultation), current_language()
        category = request.args.get(SPLIT) or None
        if category is not None and not any(c.code == category for c in settings.categories):
            abort(404)
        svg = heatmap_svg(load_matrix(scope), category, settings, language, scope.title,
                          share=request.args.get(VALUE) == SHARE,
                          consultation=scope.consultation.title)
        if kind == "png":
            response = Response(svg_to_png(svg), mimetype="image/png")
        else:
            response = Response(svg, mimetype="image/svg+xml")
            response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
        if kind == "png" or request.args.get("download") == "1":
            name = f"heatmap-{slugify(scope.title) or 'expertarena'}"
            if category:
                name += f"-{slugify(category)}"
            response.headers["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
        return response

    def _page(self, scope: Scope):
        settings, language = arena_settings(scope.consultation), current_language()
        matrix = load_matrix(scope)
        leading = leading_themes(matrix, settings.leading_threshold)
        share = request.args.get(VALUE) == SHARE
        wanted = [c for c in (settings.ambition_category, settings.barrier_category) if c]
        top = top_by_sector(scope, wanted, settings.top_per_sector)
        arenas = [scope.session] if scope.session else list(arena_query(scope.consultation))
        proposals = []
        if is_admin():
            proposals = list(ExpertarenaThemeProposal.select(ExpertarenaThemeProposal, Theme)
                             .join(Theme)
                             .where((Theme.consultation == scope.consultation.id)
                                    & ExpertarenaThemeProposal.reviewed_at.is_null())
                             .order_by(Theme.name))
        split = request.args.get("per") == SPLIT
        def link(**changes: str | None) -> str:
            args = {"per": SPLIT if split else None, VALUE: SHARE if share else None, **changes}
            arguments: dict[str, Any] = {**(request.view_args or {}),
                                         **{k: v for k, v in args.items() if v}}
            return url_for(request.endpoint or "", **arguments)

        links = {"together": link(per=None), "split": link(per=SPLIT),
                 "counts": link(**{VALUE: None}), "share": link(**{VALUE: SHARE})}
        return self.render(
            "expertarena/analysis.html", scope=scope,
            place=scope.title,
            matrix=matrix, leading=leading, top=top,
            settings=settings, lang=language, arenas=arenas, split=split,
            participation=participation(scope), rows=list(zip(matrix.row_keys(),
                                                              row_labels(matrix), strict=True)),
            categories=[c for c in settings.categories
                        if c.code in matrix.categories() or not split],
            proposals=proposals, share=share, links=links,
            columns=[row.theme for row in leading.ranking],
            heatmap_endpoint=(".arena_heatmap" if scope.session else ".consultation_heatmap"),
            heatmap_args=({"session_id": scope.session.id} if scope.session
                          else {"consultation_id": scope.consultation.id}))
