"""The results of a round in /admin, on the consultation the staff member works on.

After closing: the results frozen then (``round.results``). Before: the turnout
only, unless the round shows interim results (then computed now, marked as
interim). Per item a table and a chart (inline SVG with its text alternative),
the flags as words, the reasons, suggested wordings and comments grouped per
verdict; the priorities ranked; the open answers. Downloads: the figures as CSV
(cells neutralised against formulas) and the charts as one SVG file. Every staff
role reads; nothing here writes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from flask import Response, abort
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consultplatform.api import (
    EXCEL_BOM,
    EXCEL_DELIMITER,
    SecureView,
    current_consultation_id,
    neutralise,
    slugify,
)
from consultplatform_validation.chart import chart_file, inline_chart, rows_of
from consultplatform_validation.labels import group_label
from consultplatform_validation.models import VERDICTS, ValidationRound
from consultplatform_validation.results import compute, turnout
from consultplatform_validation.views.results_common import (
    STATUS_LABELS,
    Labels,
    decimal_percent,
    local_time,
    may_edit,
    percent,
    verdict_labels,
    workspace_round,
)

FINAL, INTERIM, TURNOUT = "final", "interim", "turnout"


def shown_results(round_: ValidationRound) -> tuple[str, dict[str, Any]]:
    """(what is shown, the results): frozen after closing, computed now when interim
    results are on, else only the turnout (under "turnout")."""
    if round_.status == "closed" and round_.results:
        # Results frozen in an older form lack some keys: shown with what is known now.
        defaults: dict[str, Any] = {"items": [], "min_group": None, "consensus_share": None,
                                    "priorities": None, "open_answers": None}
        results = {**defaults, **round_.results}
        if "turnout" not in results:
            results["turnout"] = turnout(round_)
        return FINAL, results
    if round_.status == "open" and round_.show_interim:
        return INTERIM, compute(round_)
    return TURNOUT, {"turnout": turnout(round_)}


def item_charts(results: dict[str, Any], labels: Labels) -> dict[int, Any]:
    """{item id: its inline chart}."""
    names = dict(labels.verdicts)
    return {item["id"]: inline_chart(
        rows_of(item, _("All verdicts"), group_label), names, ident=f"chart-{item['id']}",
        title=_("Verdicts per group on “%(title)s”", title=item["title"]),
        details=f"table-{item['id']}", empty=_("no verdicts"))
        for item in results.get("items", [])}


def csv_lines(results: dict[str, Any], labels: Labels) -> Iterator[str]:
    """The figures per item and group for Dutch Excel, every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=EXCEL_DELIMITER, lineterminator="\r\n")

    def line(values: list[Any]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([neutralise("" if value is None else value) for value in values])
        return buffer.getvalue()

    names = labels.of
    yield EXCEL_BOM + line(
        [_("Item"), _("Title"), _("Group"), *(names(code) for code in VERDICTS),
         _("Verdicts"), *(_("%(verdict)s (%%)", verdict=names(code)) for code in VERDICTS),
         _("Agreement (%)"), _("Consensus"), _("Divergent")])
    yes, no = _("yes"), _("no")
    for item in results.get("items", []):
        rows = rows_of(item, _("All verdicts"), group_label)
        for n, (label, row) in enumerate(rows):
            yield line([item["position"], item["title"], label,
                        *(row["counts"][code] for code in VERDICTS), row["total"],
                        *(decimal_percent(row["shares"][code]) for code in VERDICTS),
                        decimal_percent(row["agreement"]),
                        (yes if item["consensus"] else no) if n == 0 else "",
                        (yes if item["divergent"] else no) if n == 0 else ""])
        if item["hidden"]:
            yield line([item["position"], item["title"],
                        _("Groups too small to show (in the overall figures only)"),
                        "", "", "", "", item["hidden"]])


def _downloadable(round_: ValidationRound) -> tuple[str, dict[str, Any]]:
    """The results to download; 409 while only the turnout may be shown."""
    state, results = shown_results(round_)
    if state == TURNOUT:
        abort(409, description=_("The results can be downloaded once the round has closed "
                                 "(or while it shows interim results)."))
    return state, results


def _file_name(round_: ValidationRound, suffix: str) -> str:
    return f"{slugify(round_.title) or 'toetsing'}-{round_.id}-{suffix}"


class ResultsView(SecureView):
    @expose("/")
    def index(self) -> Any:
        """The consultation's rounds, each with its results and decisions."""
        consultation_id = current_consultation_id()
        rounds = [] if consultation_id is None else list(
            ValidationRound.select().where(ValidationRound.consultation == consultation_id)
            .order_by(ValidationRound.created_at.desc(), ValidationRound.id.desc()))
        return self.render("validation/results_index.html", rounds=rounds,
                           chosen=consultation_id is not None, statuses=STATUS_LABELS)

    @expose("/<id:round_id>/")
    def round(self, round_id: int) -> Any:
        round_, consultation = workspace_round(round_id)
        state, results = shown_results(round_)
        labels = verdict_labels(consultation)
        return self.render("validation/results.html", round=round_, consultation=consultation,
                           state=state, results=results, labels=labels,
                           charts=item_charts(results, labels), group_label=group_label,
                           percent=percent, verdicts=VERDICTS, statuses=STATUS_LABELS,
                           may_edit=may_edit(), FINAL=FINAL, INTERIM=INTERIM,
                           closed_at=local_time(round_.closed_at))

    @expose("/<id:round_id>/results.csv")
    def download_csv(self, round_id: int) -> Any:
        round_, consultation = workspace_round(round_id)
        state, results = _downloadable(round_)
        body = "".join(csv_lines(results, verdict_labels(consultation)))
        return Response(body, mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="{_file_name(round_, state)}.csv"'})

    @expose("/<id:round_id>/chart.svg")
    def download_svg(self, round_id: int) -> Any:
        round_, consultation = workspace_round(round_id)
        state, results = _downloadable(round_)
        labels = verdict_labels(consultation)
        title = _("Validation “%(title)s”: verdicts per group", title=round_.title)
        if state == INTERIM:
            title = _("%(title)s (interim)", title=title)
        sections = [(f"{item['position']}. {item['title']}",
                     rows_of(item, _("All verdicts"), group_label))
                    for item in results.get("items", [])]
        body = chart_file(sections, dict(labels.verdicts), title=title,
                          empty=_("no verdicts"))
        return Response(body, mimetype="image/svg+xml", headers={
            "Content-Disposition": f'attachment; filename="{_file_name(round_, state)}.svg"',
            "Content-Security-Policy": "default-src 'none'"})


def results_views(category: Any) -> list[BaseView]:
    """The results and decisions pages (views/admin_views.py lists them)."""
    from consultplatform_validation.views.decisions import DecisionsView

    return [ResultsView(name=_l("Results and decisions"), endpoint="validation_results",
                        url="/admin/validation-results", category=category),
            DecisionsView(name=_l("Decisions"), endpoint="validation_decisions",
                          url="/admin/validation-decisions", category=category,
                          menu_class_name="d-none")]
