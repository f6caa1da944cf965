"""The workshops' part of the demo: the case's working group replayed on the
Expertarena's demo insights (texts and rules in demo_case).

Two workshops (the template's sessions of format "workshop"): the first, on labour
market and housing, took place and is closed; the second is prepared and open, so
the demo's moderator can work on its board at once. About fifteen actions are
drafted through the board's own services (links, a merge, dots within the limits),
every insight is answered or set aside with a reason, and the draft agenda gets
five items under the five leading themes.

Runs from the command line (no request, no acting staff), through the board's
services; the core's demo loader pauses the audit log around it (fiction writes no
audit trail). Loading twice changes nothing.
"""

from __future__ import annotations

import secrets

from consultplatform.api import (
    ActionInput,
    AgendaItemInput,
    Consultation,
    ConsultationSession,
    Insight,
    InsightTheme,
    StaffUser,
    Theme,
    create_agenda_item,
    now_local,
)
from consultplatform_workshops import board_services
from consultplatform_workshops.demo_case import (
    ACTIONS,
    AGENDA,
    ASIDE_RULES,
    DEFAULTS,
    DOTS,
    GRID_NOTE,
    MEMBERS,
    MERGES,
    PICTURE_NOTE,
    RULES,
    WORKSHOPS,
    D,
)
from consultplatform_workshops.models import WorkshopsAction
from consultplatform_workshops.workshops import (
    FORMAT_KEY,
    WorkshopPlan,
    prepare_workshop,
    uses_workshops,
)

PICTURE, DEVELOPMENT = "belevingswereld", "ontwikkelingen"


def fate(themes: list[str], category: str, actor: str, text: str) -> tuple[str, str, str]:
    """("action", action key, "") or ("aside", reason code, note) for one insight."""
    lower = text.lower()
    for key, wanted, words in RULES:
        if set(wanted) & set(themes) and any(word in lower for word in words):
            return "action", key, ""
    for reason, words, note in ASIDE_RULES:
        if any(word in lower for word in words):
            return "aside", reason, note
    if set(themes) <= {D}:
        return "aside", "not_our_role", GRID_NOTE
    if category in (PICTURE, DEVELOPMENT) and not actor:
        if D in themes:
            return "aside", "not_our_role", GRID_NOTE
        return ("aside", "out_of_scope", "") if category == DEVELOPMENT else (
            "aside", "other", PICTURE_NOTE)
    for theme in themes:
        if theme in DEFAULTS:
            return "action", DEFAULTS[theme], ""
    return "aside", "other", PICTURE_NOTE


def _member(email: str, name: str) -> StaffUser:
    """A fictional staff member of the working group (made once)."""
    user = StaffUser.get_or_none(StaffUser.email == email)
    if user is None:
        user = StaffUser(email=email, name=name, role="moderator")
        user.set_password(secrets.token_urlsafe(16))
        user.save()
    return user


def _insights(consultation: Consultation) -> list[tuple[int, list[str], str, str, str]]:
    """(id, theme names in position order, category, actor, text) of every insight."""
    themes: dict[int, list[str]] = {}
    for insight_id, name in (InsightTheme.select(InsightTheme.insight, Theme.name).join(Theme)
                             .where(Theme.consultation == consultation.id)
                             .order_by(Theme.position, Theme.id).tuples()):
        themes.setdefault(insight_id, []).append(name)
    return [(ident, themes.get(ident, []), category, actor, text)
            for ident, category, actor, text in (
                Insight.select(Insight.id, Insight.category, Insight.actor, Insight.text)
                .join(ConsultationSession)
                .where(ConsultationSession.consultation == consultation.id)
                .order_by(Insight.id).tuples())]


def load(consultation: Consultation) -> dict[str, int] | None:
    if not uses_workshops(consultation):
        return None
    sessions = list(ConsultationSession.select().where(
        (ConsultationSession.consultation == consultation.id)
        & (ConsultationSession.format_key == FORMAT_KEY))
        .order_by(ConsultationSession.starts_at, ConsultationSession.id))
    if len(sessions) < len(WORKSHOPS) or WorkshopsAction.select().where(
            WorkshopsAction.session.in_([s.id for s in sessions])).exists():
        return None  # no workshops in the template, or loaded already
    facilitator = StaffUser.get_or_none(StaffUser.email == "moderator@example.org")
    members = [_member(email, name) for email, name in MEMBERS]
    themes = {t.name: t.id for t in Theme.select().where(Theme.consultation == consultation.id)}
    # Staff work in a workshop; nobody signs up for it (its registration is closed).
    closed_now = now_local().replace(second=0, microsecond=0)
    for session, (question, scope) in zip(sessions[:len(WORKSHOPS)], WORKSHOPS, strict=True):
        session.moderator = facilitator
        session.registration_closes_at = min(closed_now, session.starts_at)
        session.save(only=[ConsultationSession.moderator,
                           ConsultationSession.registration_closes_at])
        prepare_workshop(session.id, WorkshopPlan(
            question=question, theme_ids=[themes[name] for name in scope if name in themes],
            member_ids=[m.id for m in members]))

    chosen: dict[str, list[int]] = {key: [] for key in ACTIONS}
    aside: list[tuple[int, int, str, str]] = []  # (workshop, insight, reason, note)
    for ident, names, category, actor, text in _insights(consultation):
        what, key, note = fate(names, category, actor, text)
        if what == "action":
            chosen[key].append(ident)
        else:
            first = set(WORKSHOPS[0][1]) & set(names)
            aside.append((0 if first else 1, ident, key, note))

    ids: dict[str, int] = {}
    for key, (workshop, title, description, kind, owner, department, horizon) in ACTIONS.items():
        linked = chosen[key]
        if not linked:
            continue
        data = ActionInput(title=title, description=description, kind=kind, owner=owner,
                           department=department, horizon=horizon)
        session_id = sessions[workshop].id
        ids[key] = board_services.draft_action(session_id, data, linked[:2])
        if linked[2:]:
            board_services.link(session_id, ids[key], linked[2:])
    for target, source in MERGES:
        if target in ids and source in ids:
            board_services.merge(sessions[ACTIONS[target][0]].id, ids[target], ids.pop(source))
    for workshop, ident, reason, note in aside:
        board_services.set_insight_aside(sessions[workshop].id, ident, reason, note)

    voters = {m.email: m.id for m in [*members, *([facilitator] if facilitator else [])]}
    dots = 0
    for session, votes in zip(sessions[:len(DOTS)], DOTS, strict=True):
        for email, key, count in votes:
            if email in voters and key in ids:
                for _ in range(count):
                    board_services.add_dot(session.id, voters[email], ids[key])
                    dots += 1
    items = 0
    for position, (theme, title, text, keys) in enumerate(AGENDA):
        create_agenda_item(consultation.id, AgendaItemInput(
            title=title, text=text, theme_id=themes.get(theme), position=position,
            action_ids=[ids[key] for key in keys if key in ids]))
        items += 1
    ConsultationSession.update(status="closed").where(
        ConsultationSession.id == sessions[0].id).execute()
    return {"workshops": len(WORKSHOPS), "actions": len(ids), "set aside": len(aside),
            "dots": dots, "agenda items": items}
