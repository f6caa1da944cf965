"""Builders for the workshops' tests: real rows, made the way the product makes them."""

from __future__ import annotations

from consultplatform.api import (
    Consultation,
    ConsultationSession,
    Insight,
    InsightTheme,
    Sector,
    StaffUser,
    Theme,
)
from consultplatform.testing import factories

FORMATS = ["general", "expertarena", "workshop"]


def consultation(**kwargs) -> Consultation:
    return factories.consultation(formats=FORMATS, **kwargs)


def workshop(parent: Consultation, facilitator: StaffUser | None = None,
             **kwargs) -> ConsultationSession:
    """A workshop session (its board's row is made on first use)."""
    return factories.session(parent, format_key="workshop", moderator=facilitator,
                             title=kwargs.pop("title", "Werkplaats arbeidsmarkt"), **kwargs)


def arena(parent: Consultation, sector: Sector | None = None, **kwargs) -> ConsultationSession:
    return factories.session(parent, format_key="expertarena", sector=sector, **kwargs)


def themes(parent: Consultation, *names: str) -> list[Theme]:
    return [Theme.create(consultation=parent, name=name, position=i)
            for i, name in enumerate(names)]


def insight(session: ConsultationSession, sector: Sector | None, category: str = "barrieres",
            linked: tuple[Theme, ...] | list[Theme] = (), weight: int = 1,
            text: str = "Een inzicht", actor: str = "") -> Insight:
    row = Insight.create(session=session, sector=sector, category=category, weight=weight,
                         text=text, actor=actor)
    for theme in linked:
        InsightTheme.create(insight=row, theme=theme)
    return row


def many_insights(session: ConsultationSession, sector: Sector | None, themes_: list[Theme],
                  count: int) -> None:
    """``count`` insights spread over the themes, written in batches (for the sizes)."""
    start = Insight.select().count()
    rows = [{"session": session.id, "sector": sector.id if sector else None,
             "category": "barrieres", "text": f"Inzicht {start + n}", "weight": 1 + n % 3}
            for n in range(count)]
    for first in range(0, len(rows), 500):
        Insight.insert_many(rows[first:first + 500]).execute()
    made = [row.id for row in Insight.select(Insight.id).where(Insight.session == session.id)
            .order_by(Insight.id.desc()).limit(count)]
    links = [{"insight": ident, "theme": themes_[n % len(themes_)].id}
             for n, ident in enumerate(made)]
    for first in range(0, len(links), 500):
        InsightTheme.insert_many(links[first:first + 500]).execute()
