"""A consultation's sign-up questions: asked once per person, whatever sessions they
choose (a session's own questions are in ``questions.py``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consultplatform.admin.columns import labelled
from consultplatform.admin.consultation_scope import ConsultationScopedView
from consultplatform.admin.filters import OptionFilter
from consultplatform.admin.questions import CHOICES_HELP, SignUpQuestionView
from consultplatform.models import Consultation, ConsultationQuestion, choices

FORM_COLUMNS = ["consultation", "position", "kind", "label_nl", "label_en", "choices_nl",
                "choices_en", "required"]


class ConsultationQuestionView(ConsultationScopedView, SignUpQuestionView):
    """Questions on a consultation's sign-up form; administrators write, staff read.
    The answers are kept on the participant, once per person."""

    consultation_field = ConsultationQuestion.consultation
    list_prefetch = (Consultation,)
    column_list = ["consultation", "position", "kind", "label_nl", "required"]
    column_details_list = FORM_COLUMNS
    column_default_sort = [("consultation", False), ("position", False)]
    column_filters = [
        Consultation.title,
        OptionFilter(ConsultationQuestion.kind, _l("Question type"),
                     options=choices.QUESTION_KINDS),
        "required",
    ]
    form_columns = FORM_COLUMNS
    form_args = labelled(FORM_COLUMNS, {
        **CHOICES_HELP,
        "consultation": {"description": _l(
            "Asked once of everyone who signs up for this consultation, however many "
            "sessions they choose. A question for one session only belongs under the "
            "sign-up questions of sessions.")},
        "position": {"description": _l(
            "Questions are shown in this order (lowest first), before the questions of "
            "the sessions.")},
        "kind": {"description": _l(
            "Short or long text, one choice, several choices, or yes/no.")},
        "label_nl": {"description": _l("The question as people read it in Dutch.")},
        "label_en": {"description": _l(
            "Optional: the question in English; without it English readers see the Dutch.")},
        "required": {"description": _l(
            "A required question must be answered before the form can be sent.")},
    })
