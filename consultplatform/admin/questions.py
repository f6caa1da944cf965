"""A session's sign-up questions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    TextAreaField,
)

from consultplatform.admin.columns import labelled
from consultplatform.admin.filters import OptionFilter, RecordFilter
from consultplatform.admin.model_view import CoreModelView
from consultplatform.models import (
    ConsultationSession,
    SessionQuestion,
    choices,
)

# The choices' help, for a session's and a consultation's questions alike.
CHOICES_HELP = {
    "choices_nl": {"description": _l("Choice questions: one option per line.")},
    "choices_en": {"description": _l("Optional: the same options in English, one per line, "
                                     "in the same order.")},
}


class SignUpQuestionView(CoreModelView):
    """What the views of sign-up questions share (models.questions.SignUpQuestion)."""

    column_searchable_list = ["label_nl", "label_en"]
    column_choices = {**CoreModelView.column_choices, "kind": choices.QUESTION_KINDS}
    form_overrides = {"choices_nl": TextAreaField, "choices_en": TextAreaField}
    form_widget_args = {"choices_nl": {"rows": 6}, "choices_en": {"rows": 6}}


class QuestionView(SignUpQuestionView):
    """Questions on a session's sign-up form; administrators write, staff read."""
    session_field = SessionQuestion.session

    list_prefetch = (ConsultationSession,)
    column_list = ["session", "position", "kind", "label_nl", "required"]
    column_details_list = ["session", "position", "kind", "label_nl", "label_en", "choices_nl",
                           "choices_en", "required"]
    column_default_sort = [("session", False), ("position", False)]
    column_filters = [
        RecordFilter(SessionQuestion.session, _l("Session number")),
        ConsultationSession.title,
        OptionFilter(SessionQuestion.kind, _l("Question type"), options=choices.QUESTION_KINDS),
        "required",
    ]
    form_columns = ["session", "position", "kind", "label_nl", "label_en", "choices_nl",
                    "choices_en", "required"]
    form_args = labelled(form_columns, CHOICES_HELP)
