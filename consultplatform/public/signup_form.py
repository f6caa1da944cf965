"""The sign-up form, built per consultation: its sectors, its open sessions, its own
questions (asked once) and the questions of those sessions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    Regexp,
    StopValidation,
)

from consultplatform.eligibility import RESTRICTED_SIDE, may_take_a_seat
from consultplatform.forms import CheckboxesField, SafeForm, options, strip
from consultplatform.ids import parse_id
from consultplatform.models import (
    ConsultationQuestion,
    ConsultationSession,
    Sector,
    SessionQuestion,
)
from consultplatform.models.choices import SIDES
from consultplatform.models.questions import SignUpQuestion

NEWS_CONSENT = _l("Yes, I would like to receive news about this consultation and what is done "
                  "with its results by e-mail. I can withdraw this at any time.")


class AtLeastOne:
    """At least one box ticked. Unlike DataRequired it sets no ``required``
    attribute, which on every box of a group would tell screen readers that
    each box must be ticked."""

    def __init__(self, message) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        if not field.data:
            raise StopValidation(str(self.message))


class BaseSignUpForm(SafeForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)],
                       filters=[strip], render_kw={"autocomplete": "name"})
    email = EmailField(_l("E-mail address"),
                       validators=[DataRequired(), Length(max=254), Email()],
                       filters=[strip], render_kw={"autocomplete": "email"})
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)],
                               filters=[strip], render_kw={"autocomplete": "organization"})
    sector = SelectField(_l("Sector"), validators=[InputRequired()])
    side = RadioField(_l("I take part as"), choices=options(SIDES), validators=[InputRequired()])
    phone = TelField(_l("Phone number (optional)"),
                     validators=[Optional(), Length(max=40),
                                 Regexp(r"^[0-9 +()\-]{6,40}$",
                                        message=_l("Use digits, spaces and + ( ) - only."))],
                     filters=[strip], render_kw={"autocomplete": "tel"})
    sessions = CheckboxesField(_l("Sessions"), coerce=int, validators=[AtLeastOne(
        _l("Choose at least one session."))])
    privacy = BooleanField(_l("I have read the privacy statement."),
                           validators=[DataRequired(message=_l(
                               "Please confirm that you have read the privacy statement."))])
    news = BooleanField(NEWS_CONSENT, default=False)
    # A field people never see; bots fill it in.
    website = StringField(_l("Leave this field empty"), validators=[Optional()],
                          render_kw={"autocomplete": "off", "tabindex": "-1"})


def question_field_name(question: SignUpQuestion) -> str:
    """``q_<id>`` for a session's question, ``cq_<id>`` for the consultation's own."""
    return f"cq_{question.id}" if isinstance(question, ConsultationQuestion) \
        else f"q_{question.id}"


def build_form_class(sectors: list[Sector], sessions: list[ConsultationSession],
                     questions: list[SessionQuestion], language: str,
                     consultation_questions: Sequence[ConsultationQuestion] = ()
                     ) -> type[BaseSignUpForm]:
    """A form class with this consultation's choices and one field per question."""
    attrs: dict[str, Any] = {}
    for question in [*consultation_questions, *questions]:
        attrs[question_field_name(question)] = _question_field(question, language)
    form_class = type("SignUpForm", (BaseSignUpForm,), attrs)
    return form_class


def _question_field(question: SignUpQuestion, language: str) -> Any:
    label = question.label(language)
    # Required-ness is checked in validate_questions, not by a static validator (a
    # session's question is only required when its session is chosen).
    kwargs = {"validators": [Optional()]}
    if question.kind == "short_text":
        return StringField(label, validators=[Optional(), Length(max=300)])
    if question.kind == "long_text":
        return TextAreaField(label, validators=[Optional(), Length(max=3000)])
    if question.kind == "single":
        return RadioField(label, choices=options((str(i), text) for i, text in
                                                 enumerate(question.options(language))),
                          **kwargs)
    if question.kind == "multiple":
        return CheckboxesField(label, choices=options((str(i), text) for i, text in
                                                      enumerate(question.options(language))),
                               **kwargs)
    # yes_no
    return RadioField(label, choices=options([("yes", _l("Yes")), ("no", _l("No"))]), **kwargs)


def summary_labels(sessions: list[ConsultationSession], questions: list[SessionQuestion],
                   language: str) -> dict[str, str]:
    """How the error summary names a session's question: with its session, as the
    summary lists the problems of the whole form (``Session: question``)."""
    titles = {s.id: s.title for s in sessions}
    return {question_field_name(q): str(_l("%(session)s: %(question)s",
                                           session=titles.get(q.session_id, ""),
                                           question=q.label(language)))
            for q in questions}


def prepare(form: BaseSignUpForm, sectors: list[Sector],
            sessions: list[ConsultationSession]) -> BaseSignUpForm:
    form.sector.choices = options([("", _l("Choose your sector"))]
                                  + [(str(s.id), s.name) for s in sectors]
                                  + [("none", _l("None of these"))])
    form.sessions.choices = options((s.id, s.title) for s in sessions)
    return form


def validate_questions(form: BaseSignUpForm, questions: list[SessionQuestion],
                       consultation_questions: Sequence[ConsultationQuestion] = ()) -> bool:
    """Required questions of the consultation, and of the chosen sessions, must be
    answered."""
    chosen = set(form.sessions.data or [])
    ok = True
    asked = [*consultation_questions, *(q for q in questions if q.session_id in chosen)]
    for question in asked:
        if not question.required:
            continue
        field = form[question_field_name(question)]
        if _empty(field.data):
            field.errors = [*field.errors, str(_l("Please answer this question."))]
            ok = False
    return ok


def _empty(value: Any) -> bool:
    return value in (None, "", [], "None")


def answers_by_session(form: BaseSignUpForm,
                       questions: list[SessionQuestion]) -> dict[int, dict[str, Any]]:
    chosen = set(form.sessions.data or [])
    result: dict[int, dict[str, Any]] = {}
    for question in questions:
        if question.session_id not in chosen:
            continue
        value = form[question_field_name(question)].data
        if _empty(value):
            continue
        result.setdefault(question.session_id, {})[str(question.id)] = value
    return result


def consultation_answers(form: BaseSignUpForm,
                         questions: Sequence[ConsultationQuestion]) -> dict[str, Any]:
    """{question id: answer} of the consultation's questions that were answered."""
    found = {str(q.id): form[question_field_name(q)].data for q in questions}
    return {key: value for key, value in found.items() if not _empty(value)}


def validate_sectors(form: BaseSignUpForm, sessions: list[ConsultationSession],
                     sectors: list[Sector], allowed: dict[int, frozenset[int]]) -> bool:
    """An entrepreneur chooses only sessions for their sector; the message names the
    sessions that are (the public side may join any session)."""
    chosen = set(form.sessions.data or [])
    if form.side.data != RESTRICTED_SIDE or not chosen & set(allowed):
        return True
    sector_id = parse_id(form.sector.data)  # "none" (and anything else): no sector
    fits = [s for s in sessions if may_take_a_seat(allowed.get(s.id), sector_id, RESTRICTED_SIDE)]
    names = {s.id: s.name for s in sectors}
    ok = True
    for meeting in sessions:
        if meeting.id not in chosen or meeting in fits:
            continue
        ok = False
        whose = ", ".join(names[i] for i in names if i in allowed[meeting.id])
        form.sessions.errors = [*form.sessions.errors, str(_l(
            "%(title)s is for entrepreneurs of %(sectors)s.", title=meeting.title,
            sectors=whose))]
    if not ok:
        form.sessions.errors.append(
            str(_l("Sessions for your sector: %(titles)s.", titles=", ".join(s.title for s in fits)))
            if fits else str(_l("There is no open session for your sector at the moment.")))
    return ok
