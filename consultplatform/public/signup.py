"""The public sign-up: form, submission, and the page that says what happened."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from consultplatform.eligibility import allowed_sectors
from consultplatform.extensions import limiter
from consultplatform.i18n import current_language
from consultplatform.ids import parse_id
from consultplatform.models import (
    Consultation,
    ConsultationQuestion,
    ConsultationSession,
    Sector,
    SessionQuestion,
)
from consultplatform.public.page_cache import cacheable, cached_page
from consultplatform.public.page_state import page_state
from consultplatform.public.signup_form import (
    NEWS_CONSENT,
    answers_by_session,
    build_form_class,
    consultation_answers,
    prepare,
    question_field_name,
    summary_labels,
    validate_questions,
    validate_sectors,
)
from consultplatform.services.signup import Applicant, SignUp, describe, may_register, sign_up

bp = Blueprint("signup", __name__)

RESULT_KEY = "signup_result"
# The one query argument the cached empty form may have.
FORM_ARGS = ("sessie",)


def signup_rate_limit() -> str:
    return current_app.config["SIGNUP_RATE_LIMIT"]


def _consultation(slug: str) -> Consultation:
    item = Consultation.get_or_none((Consultation.slug == slug)
                                    & (Consultation.status == "published"))
    if item is None:
        abort(404)
    return item


def _invite_token() -> str | None:
    token = request.values.get("uitnodiging", "")
    return token if 0 < len(token) <= 64 else None


def open_sessions(consultation: Consultation, invite_token: str | None) -> list[ConsultationSession]:
    candidates = (ConsultationSession.select()
                  .where(ConsultationSession.consultation == consultation)
                  .order_by(ConsultationSession.starts_at))
    return [s for s in candidates if may_register(s, invite_token)]


@bp.route("/c/<string(maxlength=80):slug>/aanmelden", methods=["GET", "POST"])
@limiter.limit(signup_rate_limit, methods=["POST"])
def form(slug: str):
    if request.method == "GET" and cacheable(FORM_ARGS):
        # The empty form (a session chosen through ?sessie=) is the same for every
        # visitor until the consultation, its sessions, sectors or questions, the
        # fill levels or the clock say otherwise: kept rendered, the visitor's own
        # CSRF token put in (not with an invitation: that shows what only invitees see).
        state = page_state(slug)
        if state is None:
            abort(404)
        # Kept for the sessions there are, not for whatever ?sessie= someone types. The
        # form shows no fill levels: a sign-up does not make it render again.
        wanted = request.args.get("sessie")
        sessions = [[session_id, going, open_] for session_id, _seats, going, open_ in state[1:]]
        if wanted is None or any(str(item[0]) == wanted for item in sessions):
            return cached_page([slug, state[0], sessions], lambda: _form(slug), FORM_ARGS)
    return _form(slug)


def _form(slug: str):
    consultation = _consultation(slug)
    invite_token = _invite_token()
    sessions = open_sessions(consultation, invite_token)
    if not sessions:
        return render_template("public/signup_closed.html", consultation=consultation), 404
    sectors = list(Sector.select().where(Sector.consultation == consultation)
                   .order_by(Sector.position, Sector.name))
    questions = list(SessionQuestion.select()
                     .where(SessionQuestion.session.in_([s.id for s in sessions]))
                     .order_by(SessionQuestion.session, SessionQuestion.position,
                               SessionQuestion.id))
    own_questions = list(ConsultationQuestion.select()
                         .where(ConsultationQuestion.consultation == consultation)
                         .order_by(ConsultationQuestion.position, ConsultationQuestion.id))
    language = current_language()
    form_class = build_form_class(sectors, sessions, questions, language, own_questions)
    form = prepare(form_class(), sectors, sessions)
    allowed = allowed_sectors(sessions)
    if request.method == "GET":
        wanted = request.args.get("sessie", "")
        if wanted.isascii() and wanted.isdigit():
            form.sessions.data = [int(wanted)]
    elif form.validate_on_submit() & validate_questions(form, questions, own_questions) \
            & validate_sectors(form, sessions, sectors, allowed):
        if form.website.data:
            # A bot filled in the hidden field: act as if it worked, store nothing.
            session[RESULT_KEY] = {"slug": slug, "lines": [], "honeypot": True}
            return redirect(url_for(".done", slug=slug), code=303)
        outcomes = sign_up(SignUp(
            consultation=consultation,
            applicant=Applicant(
                name=form.name.data.strip(), email=form.email.data,
                organisation=(form.organisation.data or "").strip(),
                sector_id=parse_id(form.sector.data),
                side=form.side.data, phone=(form.phone.data or "").strip(),
                language=language, news_opt_in=bool(form.news.data),
                news_consent_text=str(NEWS_CONSENT)),
            session_ids=form.sessions.data,
            answers=answers_by_session(form, questions),
            consultation_answers=consultation_answers(form, own_questions),
            invite_token=invite_token))
        # Only what the form said and what a newcomer would have got: the page is the
        # same whether or not the address was known (the mail tells the real outcome).
        titles = {s.id: s.title for s in sessions}
        sector_name = next((s.name for s in sectors if str(s.id) == form.sector.data), "")
        session[RESULT_KEY] = {"slug": slug, "sector": sector_name, "side": form.side.data,
                               "lines": [{"title": titles.get(o.session_id, ""),
                                          "result": o.public_result, "reason": o.public_reason}
                                         for o in outcomes]}
        return redirect(url_for(".done", slug=slug), code=303)
    status = 422 if request.method == "POST" else 200
    question_fields = {s.id: [form[question_field_name(q)] for q in questions
                              if q.session_id == s.id] for s in sessions}
    own_fields = [form[question_field_name(q)] for q in own_questions]
    required_questions = {question_field_name(q) for q in [*own_questions, *questions]
                          if q.required}
    audiences = {session_id: [s.name for s in sectors if s.id in ids]
                 for session_id, ids in allowed.items()}
    return render_template("public/signup.html", consultation=consultation, form=form,
                           sessions=sessions, question_fields=question_fields, audiences=audiences,
                           own_fields=own_fields, required_questions=required_questions,
                           summary_labels=summary_labels(sessions, questions, language),
                           invite_token=invite_token), status


@bp.get("/c/<string(maxlength=80):slug>/aangemeld")
def done(slug: str):
    consultation = _consultation(slug)
    result = session.pop(RESULT_KEY, None)
    if not result or result.get("slug") != slug:
        return redirect(url_for("public.consultation", slug=slug), code=303)
    lines = [{"title": line["title"],
              "text": describe(line["result"], line.get("reason"),
                               sector=result.get("sector", ""), side=result.get("side", ""))}
             for line in result["lines"]]
    return render_template("public/signup_done.html", consultation=consultation, lines=lines,
                           honeypot=result.get("honeypot", False))
