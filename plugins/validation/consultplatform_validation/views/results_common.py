"""What the results and decisions pages share: the round behind the id (in the
consultation the staff member works on, else 404), who may change things, and the
labels and numbers the tables, the chart and the CSV file show (a group's label:
``labels.group_label``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort
from flask_babel import format_decimal
from flask_babel import gettext as _

from consultplatform.api import (
    DATETIME,
    Consultation,
    current_consultation_id,
    current_language,
    in_amsterdam,
)
from consultplatform_validation.models import VERDICTS, ValidationRound
from consultplatform_validation.settings import validation_settings
from consultplatform_validation.views.rounds_forms import STATUS_LABELS, may_edit

# Administrators and moderators (in the consultations they work in) record decisions
# and send the mail, as they change rounds (``rounds_forms.may_edit``); viewers read.
__all__ = ["STATUS_LABELS", "may_edit"]

def workspace_round(round_id: int) -> tuple[ValidationRound, Consultation]:
    """The round and its consultation, when it belongs to the consultation chosen in
    the switcher; 404 otherwise (another consultation's round is not there)."""
    consultation_id = current_consultation_id()
    round_ = ValidationRound.get_or_none(ValidationRound.id == round_id)
    if consultation_id is None:
        abort(404, description=_("Validation rounds are shown per consultation. Choose the "
                                 "consultation in the switcher at the top of the page."))
    if round_ is None or round_.consultation_id != consultation_id:
        abort(404, description=_("This validation round does not exist."))
    consultation = Consultation.get_by_id(consultation_id)
    return round_, consultation


def local_time(value: dt.datetime | None) -> str:
    """A stored (UTC) moment as Amsterdam wall-clock time, "05-12-2026 14:30"."""
    if value is None:
        return ""
    return in_amsterdam(value, DATETIME).strftime("%d-%m-%Y %H:%M")


def percent(value: float | None) -> str:
    """A share as a whole percentage ("43%"); a dash when there is none."""
    if value is None:
        return "–"
    return f"{round(value * 100)}%"


def decimal_percent(value: float | None) -> str:
    """A share as a percentage with one decimal, in the page's language ("42,9")."""
    if value is None:
        return ""
    return format_decimal(round(value * 100, 1), format="0.0")


@dataclass(frozen=True)
class Labels:
    """The verdicts' labels in the page's language, in their order."""

    verdicts: list[tuple[str, str]]

    @property
    def of(self) -> Callable[[str], str]:
        names = dict(self.verdicts)
        return lambda code: names.get(code, code)


def verdict_labels(consultation: Consultation) -> Labels:
    settings, lang = validation_settings(consultation), current_language()
    return Labels([(code, settings.verdict_label(code, lang)) for code in VERDICTS])


def field_attrs(field: Any, base: str = "form-control") -> dict[str, Any]:
    """A form field's attributes: its class, its help and error texts as its
    description, marked invalid when refused (False leaves an attribute out)."""
    ids = [f"{field.id}-{kind}" for kind, present in (("help", field.description),
                                                       ("error", field.errors)) if present]
    attrs: dict[str, Any] = {"class_": base + (" is-invalid" if field.errors else ""),
                             "aria_describedby": " ".join(ids) or False,
                             "aria_invalid": "true" if field.errors else False}
    if field.type == "TextAreaField":
        attrs["rows"] = 3
    return attrs
