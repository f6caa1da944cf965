"""The demo replays the case (issue 14, point 6): two workshops on the demo's
insights, the case's three outcomes, a draft agenda of five items under the five
leading themes, every insight answered or set aside, dots within the limits."""

from __future__ import annotations

from peewee import fn

from consultplatform.api import (
    Action,
    AgendaItem,
    AgendaItemAction,
    AuditLog,
    Consultation,
    ConsultationSession,
    Insight,
    InsightAction,
    Theme,
    load_demo,
    unanswered_insights,
)
from consultplatform.api import plugin_registry as registry
from consultplatform_workshops.demo import load
from consultplatform_workshops.models import WorkshopsAction, WorkshopsDot
from consultplatform_workshops.settings import workshop_settings

LEADING = ["Arbeidsmarkt", "Huisvesting", "Bereikbaarheid", "Positionering", "Samenwerking"]


def test_the_demo_replays_the_case(app):
    with app.app_context():
        report = load_demo(registry())
        demo = Consultation.get()
        assert "workshop" in demo.formats
        assert report["workshops.workshops"] == 2 and report["workshops.agenda items"] == 5
        workshops = list(ConsultationSession.select().where(
            ConsultationSession.format_key == "workshop").order_by(ConsultationSession.starts_at))
        assert [w.status for w in workshops] == ["closed", "planned"]
        assert all(w.moderator_id is not None for w in workshops)
        assert not any(w.is_open_for_registration for w in workshops)  # staff only

        items = list(AgendaItem.select(AgendaItem, Theme).join(Theme)
                     .where(AgendaItem.consultation == demo).order_by(AgendaItem.position))
        assert [item.theme.name for item in items] == LEADING
        assert all(item.action_links.count() >= 2 for item in items)

        live = Action.select().where(Action.status != "merged")
        assert 14 <= live.count() <= 16
        assert report["workshops.actions"] == live.count()
        regiegroep = Action.get(Action.title.contains("Regiegroep CEO"))
        assert regiegroep.kind == "governance"
        bodies = Action.get(Action.title.contains("sectorale overlegorganen"))
        assert bodies.kind == "proposal" and "ten hoogste vijf" in bodies.description
        assert "Regio Zwolle" in bodies.title
        themes_into_agenda = Action.get(Action.title.contains("vijf sectoroverstijgende"))
        assert themes_into_agenda.kind == "proposal"
        on_agenda = {row.action_id for row in AgendaItemAction.select()}
        assert {regiegroep.id, bodies.id, themes_into_agenda.id} <= on_agenda
        assert {a.id for a in live} == on_agenda  # every live action on the agenda
        # Every action answers at least one insight; a merge left its links typed.
        assert all(a.insight_links.count() for a in live)
        merged = Action.get(Action.status == "merged")
        assert merged.merged_into_id is not None
        assert InsightAction.select().where((InsightAction.action == merged.merged_into_id)
                                            & (InsightAction.kind == "merges")).exists()

        # No insight is open; every one set aside has a reason of the settings' list.
        assert unanswered_insights(demo.id) == []
        assert Insight.select().count() == 105
        reasons = {c.code for c in workshop_settings(demo).reasons}
        aside = list(Insight.select().where(Insight.set_aside_reason != ""))
        assert aside and {i.set_aside_reason for i in aside} <= reasons
        assert all(i.set_aside_note for i in aside if i.set_aside_reason == "other")
        assert len({i.set_aside_reason for i in aside}) == 4

        limits = workshop_settings(demo)
        per_person = (WorkshopsDot.select(WorkshopsDot.session, WorkshopsDot.voter,
                                          fn.SUM(WorkshopsDot.dots))
                      .group_by(WorkshopsDot.session, WorkshopsDot.voter).tuples())
        assert per_person and all(total <= limits.dots_per_person for *_, total in per_person)
        assert all(1 <= dot.dots <= limits.dots_per_action for dot in WorkshopsDot.select())
        boards = {(row.session_id, row.action_id) for row in WorkshopsAction.select()}
        assert all((dot.session_id, dot.action_id) in boards for dot in WorkshopsDot.select())
        assert AuditLog.select().count() == 0  # fiction writes no audit trail

        # Loading again changes nothing.
        counts = (Action.select().count(), WorkshopsDot.select().count(),
                  AgendaItem.select().count())
        assert load(demo) is None
        assert counts == (Action.select().count(), WorkshopsDot.select().count(),
                          AgendaItem.select().count())


def test_without_the_workshop_format_the_demo_adds_nothing(app):
    with app.app_context():
        load_demo(registry())
        demo = Consultation.get()
        demo.formats = [f for f in demo.formats if f != "workshop"]
        assert load(demo) is None
