"""Builders and request helpers for the Expertarena tests: real rows, real requests."""

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
from consultplatform.testing import csrf_from, factories
from consultplatform.testing.html import FormParser
from consultplatform_expertarena.models import ExpertarenaArenaModerator, ExpertarenaArenaSector

FORMATS = ["general", "expertarena"]


def consultation(**kwargs) -> Consultation:
    return factories.consultation(formats=FORMATS, **kwargs)


def arena(parent: Consultation, moderator: StaffUser | None = None,
          sectors: tuple[Sector, ...] = (), co_moderators: tuple[StaffUser, ...] = (),
          **kwargs) -> ConsultationSession:
    """An arena session; with several sectors they are ticked on the arena itself."""
    session = factories.session(parent, format_key="expertarena", moderator=moderator,
                                sector=sectors[0] if len(sectors) == 1 else None, **kwargs)
    if len(sectors) > 1:
        for position, sector in enumerate(sectors):
            ExpertarenaArenaSector.create(session=session, sector=sector, position=position)
    for user in co_moderators:
        ExpertarenaArenaModerator.create(session=session, staff=user)
    return session


def themes(parent: Consultation, *names: str) -> list[Theme]:
    return [Theme.create(consultation=parent, name=name, position=i)
            for i, name in enumerate(names)]


def insight(session: ConsultationSession, sector: Sector | None, category: str,
            linked: list[Theme] = (), weight: int = 1, text: str = "Een inzicht",
            quote: str = "") -> Insight:
    row = Insight.create(session=session, sector=sector, category=category,
                                    weight=weight, text=text, quote=quote)
    for theme in linked:
        InsightTheme.create(insight=row, theme=theme)
    return row


def capture_url(session: ConsultationSession) -> str:
    return f"/admin/expertarena/{session.id}/"


def new_insight_form(client, session: ConsultationSession) -> dict[str, str]:
    """The fields of the capture page's new-insight form as the browser would send them."""
    page = client.get(capture_url(session))
    assert page.status_code == 200, page.status_code
    parser = FormParser()
    parser.feed(page.get_data(as_text=True))
    form = next(f for f in parser.forms if f["attrs"].get("action", "").endswith("/inzichten"))
    data: dict[str, str] = {}
    for field in form["fields"]:
        data.setdefault(field["name"], field["value"])
    assert data["csrf_token"] and data["submission_key"]
    return data


def post_insight(client, session: ConsultationSession, form: dict | None = None, **values):
    data = dict(form if form is not None else new_insight_form(client, session))
    for key, value in {"text": "Een inzicht", "category": "ambities", "weight": "1"}.items():
        if not data.get(key):
            data[key] = value
    data.update({key: value for key, value in values.items() if value is not None})
    return client.post(f"/admin/expertarena/{session.id}/inzichten", data=data)


def token(client, session: ConsultationSession) -> str:
    return csrf_from(client.get(capture_url(session)).get_data(as_text=True))
