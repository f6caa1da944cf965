"""What the registration list and details show beside the row's own columns: the
place on the waiting list and the answers to the session's questions (the answers to
a consultation's questions, on the participant, are shown the same way)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from peewee import Select, fn

from consultplatform.db import db
from consultplatform.i18n import current_language
from consultplatform.models import Registration, SessionQuestion
from consultplatform.models.questions import SignUpQuestion


def queue_positions(registration_ids: list[int]) -> dict[int, int]:
    """{registration id: place on its session's waiting list (1 = next)} for the given
    registrations only, in one statement. The database numbers the waiting lists of
    their sessions (the order promotion uses: queue rank, then id, read from the
    index on session, status, queue rank and id) and returns the rows asked for, not
    the whole list. Always one statement, also for no ids, so a page's count of
    statements does not depend on what it shows."""
    wanted = sorted(set(registration_ids))
    sessions = Registration.select(Registration.session).where(Registration.id.in_(wanted))
    position = fn.ROW_NUMBER().over(partition_by=[Registration.session],
                                    order_by=[Registration.queue_rank, Registration.id])
    ranked = (Registration.select(Registration.id, position.alias("position"))
              .where((Registration.status == "waitlisted")
                     & Registration.session.in_(sessions))
              .alias("ranked"))
    query = (Select([ranked], [ranked.c.id, ranked.c.position])
             .where(ranked.c.id.in_(wanted)).bind(db))
    return dict(query.tuples())


def answers_markup(registration: Registration) -> Markup:
    """The answers to the session's questions, as the staff member reads them."""
    questions = SessionQuestion.select().where(
        SessionQuestion.session == registration.session_id).order_by(SessionQuestion.position,
                                                                   SessionQuestion.id)
    return answers_list(registration.answers, questions)


def answers_list(answers: dict[str, Any] | None, questions: Iterable[SignUpQuestion]) -> Markup:
    """Answers ({question id: value}) in the questions' order: each question, then the
    chosen options' labels or the text given. Answers to questions deleted since are
    left out."""
    given = answers or {}
    language = current_language()
    items = []
    for question in questions:
        if str(question.id) not in given:
            continue
        value = given[str(question.id)]
        if question.kind in ("single", "multiple"):
            options = question.options(language)
            picked = value if isinstance(value, list) else [value]
            shown = ", ".join(options[int(i)] for i in picked
                              if str(i).isdigit() and int(i) < len(options))
        elif question.kind == "yes_no":
            shown = str(_l("Yes")) if value == "yes" else str(_l("No"))
        else:
            shown = str(value)
        items.append(Markup("<dt>{}</dt><dd>{}</dd>").format(question.label(language), shown))
    return Markup("<dl>{}</dl>").format(Markup("").join(items)) if items else Markup("")
