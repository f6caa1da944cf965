"""The demo consultation is made from its template file (issue 11, point 4): what
``make run`` shows is what the wizard offers as a starting point."""

from __future__ import annotations

import datetime as dt
import json

from consultplatform.demo import DEMO_SLUG, LIVE_ARENA_DAY, load_demo
from consultplatform.models import AuditLog, Consultation, ConsultationSession, Sector, Theme
from consultplatform.plugins import registry
from consultplatform.services.consultation_templates import DEMO_TEMPLATE
from consultplatform.timezone import now_local


def test_the_demo_has_the_structure_of_its_template_file(app):
    template = json.loads(DEMO_TEMPLATE.read_text(encoding="utf-8"))
    with app.app_context():
        load_demo(registry())
        demo = Consultation.get(Consultation.slug == DEMO_SLUG)
        sectors = [s.name for s in Sector.select().where(Sector.consultation == demo)
                   .order_by(Sector.position)]
        themes = [t.name for t in Theme.select().where(Theme.consultation == demo)
                  .order_by(Theme.position)]
        sessions = list(ConsultationSession.select().where(
            ConsultationSession.consultation == demo).order_by(ConsultationSession.id))
        audit_rows = AuditLog.select().count()
    assert sectors == [s["name"] for s in template["sectors"]]
    assert themes == [t["name"] for t in template["themes"]]
    assert [s.title for s in sessions] == [s["title"] for s in template["sessions"]]
    assert demo.status == "published" and demo.formats == template["consultation"]["formats"]
    first_day = now_local().date() - dt.timedelta(days=LIVE_ARENA_DAY)
    assert demo.starts_on == first_day
    assert audit_rows == 0  # fiction writes no audit trail
    by_title = {s.title: s for s in sessions}
    # Dates follow the template's days; the general meetings lie ahead.
    start = next(s for s in template["sessions"] if s["title"] == "Startbijeenkomst")
    assert by_title["Startbijeenkomst"].starts_at.date() == first_day + dt.timedelta(
        days=start["day"])
    assert by_title["Startbijeenkomst"].starts_at.date() > now_local().date()
    assert by_title["Startbijeenkomst"].moderator_id is not None
    assert [q.label_nl for q in by_title["Startbijeenkomst"].questions.order_by("position")] == [
        q["label_nl"] for q in start["questions"]]


def test_six_arenas_took_place_and_the_seventh_is_going_on_now(app):
    with app.app_context():
        load_demo(registry())
        arenas = list(ConsultationSession.select().where(
            ConsultationSession.format_key == "expertarena").order_by(
            ConsultationSession.starts_at))
        now = now_local().replace(tzinfo=None)
        assert [a.status for a in arenas] == ["closed"] * 6 + ["planned"]
        assert all(a.moderator_id is not None for a in arenas)
        live = arenas[-1]
        assert live.starts_at <= now <= live.ends_at
        assert all(a.ends_at < now for a in arenas[:-1])
        assert all(a.insights.count() == 15 for a in arenas)
