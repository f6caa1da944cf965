"""Recording insights, continued: closing an arena, long arenas, control characters,
themes that change while a form is open."""

from __future__ import annotations

import logging

import pytest

from consultplatform.api import ConsultationSession, Insight, InsightTheme, Theme
from consultplatform.testing import csrf_from, login, make_staff
from consultplatform_expertarena.models import ExpertarenaThemeProposal

from . import helpers
from .test_capture import _edit, _page


def _close(client, session):
    token = csrf_from(_page(client, session))
    return client.post(f"/admin/expertarena/{session.id}/sluiten",
                       data={"csrf_token": token, "confirm": "1"})


def test_closing_fires_the_event_and_makes_insights_read_only(app, setting, caplog):
    client, session = setting["client"], setting["session"]
    insight = helpers.insight(session, setting["farm"], "ambities", [setting["labour"]])
    helpers.insight(session, setting["farm"], "barrieres", [setting["labour"]])
    form = helpers.new_insight_form(client, session)

    def events() -> list[str]:  # this plugin's cp_session_closed logs each call
        return [r.getMessage() for r in caplog.records if r.getMessage().endswith(" closed")]

    with caplog.at_level(logging.INFO, logger="consultplatform_expertarena"):
        assert _close(client, session).status_code == 303
        assert ConsultationSession.get_by_id(session.id).status == "closed"
        assert events() == [f"expertarena {session.id} closed"]
        assert _close(client, session).status_code == 303  # a second click: no second event
        assert len(events()) == 1
    # The moderator: read-only now; what they typed comes back with the reason (409).
    response = helpers.post_insight(client, session, form, text="Te laat getypt")
    assert response.status_code == 409
    assert 'value="Te laat getypt"' in response.get_data(as_text=True)
    assert _edit(client, session, insight, **{"edit-text": "Gewijzigd"}).status_code == 409
    token = csrf_from(_page(client, session))
    url = f"/admin/expertarena/{session.id}/inzicht/{insight.id}/verwijderen"
    assert client.post(url, data={"csrf_token": token, "confirm": "1"}).status_code == 409
    assert Insight.select().count() == 2
    # The summary: counts per category and per theme.
    page = _page(client, session)
    assert f"/admin/expertarena/{session.id}/inzichten" not in page  # no form any more
    summary = page[page.index('id="summary-title"'):page.index('id="inzichten"')]
    assert ">2<" in summary.replace(" ", "")  # two insights for Arbeidsmarkt
    # Administrators may still change them, and reopen the arena.
    admin = app.test_client()
    login(admin, make_staff("admin"))
    assert helpers.post_insight(admin, session, text="Nagekomen").status_code == 303
    token = csrf_from(_page(client, session))
    assert client.post(f"/admin/expertarena/{session.id}/heropenen",
                       data={"csrf_token": token, "confirm": "1"}).status_code == 403
    token = csrf_from(_page(admin, session))
    assert admin.post(f"/admin/expertarena/{session.id}/heropenen",
                      data={"csrf_token": token, "confirm": "1"}).status_code == 303
    assert ConsultationSession.get_by_id(session.id).status == "planned"


def test_others_cannot_close_an_arena(app, setting):
    session = setting["session"]
    for role in ("moderator", "viewer"):
        client = app.test_client()
        login(client, make_staff(role))
        assert _close(client, session).status_code == 403
    assert ConsultationSession.get_by_id(session.id).status == "planned"


def test_a_long_arena_lists_the_newest_and_can_show_all(setting):
    from consultplatform.api import db, utcnow

    client, session = setting["client"], setting["session"]
    now = utcnow()
    with db.atomic():
        Insight.insert_many([{
            "session": session.id, "sector": setting["farm"].id, "category": "ambities",
            "text": f"Inzicht nummer {n:03d}", "weight": 1, "quote": "", "actor": "",
            "created_at": now.replace(microsecond=n), "updated_at": now}
            for n in range(105)]).execute()
    page = _page(client, session)
    assert page.count('<li id="inzicht-') == 100
    assert "Inzicht nummer 104" in page and "Inzicht nummer 004" not in page
    assert "?alle=1" in page and "105" in page
    assert _page(client, session, alle="1").count('<li id="inzicht-') == 105
    # An old insight to change is shown in place even though it is not among the newest.
    oldest = Insight.get(Insight.text == "Inzicht nummer 000")
    assert 'value="Inzicht nummer 000"' in _page(client, session, bewerk=oldest.id)


def test_control_characters_are_refused(setting):
    client, session = setting["client"], setting["session"]
    for field in ("text", "quote", "new_theme"):
        response = helpers.post_insight(client, session, **{field: "Met\x00een nul\x1b"})
        assert response.status_code == 422, field
    assert Insight.select().count() == 0
    assert Theme.select().where(Theme.consultation == setting["consultation"]).count() == 2


def test_a_proposed_theme_matches_whatever_the_case_also_beyond_ascii(setting):
    client, session = setting["client"], setting["session"]
    existing = Theme.create(consultation=setting["consultation"], name="Économie", position=5)
    for name in ("Économie", "économie", "  ÉCONOMIE "):
        assert helpers.post_insight(client, session, new_theme=name).status_code == 303
    assert Theme.select().where(Theme.consultation == setting["consultation"]).count() == 3
    assert InsightTheme.select().where(
        InsightTheme.theme == existing.id).count() == 3
    assert ExpertarenaThemeProposal.select().count() == 0


def test_a_theme_gone_between_form_and_save_is_reported_not_stored(app, setting):
    """The form was checked against the themes of the moment; if one is merged away before
    the transaction, the save notices under its lock and stores nothing."""
    from flask_login import login_user

    from consultplatform_expertarena.capture import ChoicesChangedError, InsightForm
    from consultplatform_expertarena.capture import create_insight as save
    from consultplatform_expertarena.settings import arena_settings

    session, labour = setting["session"], setting["labour"]
    with app.test_request_context(method="POST", data={
            "text": "Later opgeslagen", "category": "ambities", "weight": "1",
            "themes": [str(labour.id)], "sector": str(setting["farm"].id)}):
        login_user(setting["moderator"])
        form = InsightForm(meta={"csrf": False})
        form.setup(arena_settings(setting["consultation"]), "nl", [labour],
                   [setting["farm"], setting["shop"]], [setting["farm"]])
        assert form.validate()
        labour.delete_instance()  # merged away by someone else
        with pytest.raises(ChoicesChangedError):
            save(session, form, admin=False)
    assert Insight.select().count() == 0
