"""Insights, actions, agenda items and every insight's fate, through their services."""

from __future__ import annotations

import pytest

from consultplatform.models import (
    AgendaDecision,
    AgendaItemVersion,
    AuditLog,
    Insight,
    InsightAction,
    InsightTheme,
    Theme,
)
from consultplatform.services.actions import (
    ActionError,
    ActionInput,
    create_action,
    link_insights,
    unlink_insights,
    update_action,
)
from consultplatform.services.agenda import (
    AgendaError,
    AgendaItemInput,
    create_agenda_item,
    edit_agenda_item,
    record_decision,
)
from consultplatform.services.fates import fate_of, open_by_sector, unanswered_insights
from consultplatform.services.insights import (
    ChoicesChangedError,
    InsightInput,
    InsightInputError,
    SessionClosedError,
    delete_insight,
    record_insight,
    set_aside,
    update_insight,
)
from consultplatform.services.themes import merge_themes
from consultplatform.testing import factories
from tests.conftest import count_queries


@pytest.fixture
def setting(app):
    parent = factories.consultation()
    farm, shop = factories.sector(parent, "Landbouw"), factories.sector(parent, "Detailhandel")
    themes = [Theme.create(consultation=parent, name=n) for n in ("Arbeid", "Ruimte")]
    meeting = factories.session(parent)
    return {"parent": parent, "farm": farm, "shop": shop, "themes": themes, "meeting": meeting}


def test_record_edit_and_delete_an_insight(app, setting):
    meeting, labour = setting["meeting"], setting["themes"][0]
    proposed = []
    with app.test_request_context():
        saved = record_insight(meeting.id, InsightInput(
            text="Te weinig personeel", category="barrieres", sector_id=setting["farm"].id,
            actor="gemeente", weight=3, theme_ids=[labour.id], new_theme="Energie",
            submission_key="k" * 20), on_new_theme=proposed.append)
        again = record_insight(meeting.id, InsightInput(text="Anders", category="ambities",
                                                        submission_key="k" * 20))
        assert again.duplicate and again.insight.id == saved.insight.id
        assert [t.name for t in proposed] == ["Energie"]
        themes = {link.theme.name for link in saved.insight.theme_links}
        assert themes == {"Arbeid", "Energie"}
        update_insight(saved.insight.id, InsightInput(text="Personeel", category="barrieres",
                                                      sector_id=setting["shop"].id))
        changed = Insight.get_by_id(saved.insight.id)
        assert (changed.text, changed.sector_id) == ("Personeel", setting["shop"].id)
        assert InsightTheme.select().where(InsightTheme.insight == changed.id).count() == 0
        delete_insight(changed.id)
    assert Insight.select().count() == 0
    assert [e.action for e in AuditLog.select().order_by(AuditLog.id)] == [
        "propose", "create", "update", "delete"]


@pytest.mark.parametrize("change,field", [
    ({"text": " "}, "text"), ({"text": "x" * 2001}, "text"), ({"category": "onbekend"}, "category"),
    ({"actor": "iedereen"}, "actor"), ({"weight": 4}, "weight"), ({"quote": "q" * 1001}, "quote")])
def test_record_insight_refuses(app, setting, change, field):
    values = {"text": "Iets", "category": "ambities", **change}
    with app.test_request_context(), pytest.raises(InsightInputError) as refused:
        record_insight(setting["meeting"].id, InsightInput(**values))
    assert refused.value.field == field and Insight.select().count() == 0


def test_a_closed_session_takes_insights_from_administrators_only(app, setting):
    setting["meeting"].status = "closed"
    setting["meeting"].save()
    data = InsightInput(text="Laat", category="ambities")
    with app.test_request_context():
        with pytest.raises(SessionClosedError):
            record_insight(setting["meeting"].id, data)
        assert record_insight(setting["meeting"].id, data, allow_closed=True).insight.id


def test_a_theme_of_another_consultation_is_refused(app, setting):
    other = Theme.create(consultation=factories.consultation(), name="Elders")
    with app.test_request_context(), pytest.raises(ChoicesChangedError):
        record_insight(setting["meeting"].id, InsightInput(text="Iets", category="ambities",
                                                           theme_ids=[other.id]))


def _insight(meeting, sector, text="Inzicht"):
    return Insight.create(session=meeting, text=text, category="ambities", sector=sector)


def test_actions_link_insights_with_a_kind_and_give_them_a_fate(app, setting):
    parent, meeting = setting["parent"], setting["meeting"]
    a, b, c = (_insight(meeting, setting["farm"], t) for t in ("A", "B", "C"))
    with app.test_request_context():
        action = create_action(parent.id, ActionInput(title="  Banenloket  ", kind="proposal",
                                                      owner="together", horizon="medium"))
        assert action.title == "Banenloket"
        set_aside(b.id, "Buiten de invloed van de gemeente")
        assert link_insights(action.id, [a.id, b.id], kind="merges") == 2
        assert link_insights(action.id, [a.id], kind="answers") == 1  # the kind changes
        update_action(action.id, ActionInput(title="Banenloket", status="planned"))
    assert fate_of(a.id) == {"answered_by": [(action.id, "answers")], "set_aside": ""}
    assert fate_of(b.id)["set_aside"] == ""  # taken up again, so no longer set aside
    assert [i.id for i in unanswered_insights(parent.id)] == [c.id]
    with app.test_request_context():
        set_aside(c.id, "Dubbel")
        assert unanswered_insights(parent.id) == []
        assert unlink_insights(action.id, [a.id]) == 1
    assert [i.id for i in unanswered_insights(parent.id)] == [a.id]


def test_link_refuses_insights_of_another_consultation_and_unknown_kinds(app, setting):
    stranger = _insight(factories.session(factories.consultation()), None)
    with app.test_request_context():
        action = create_action(setting["parent"].id, ActionInput(title="Iets"))
        with pytest.raises(ActionError):
            link_insights(action.id, [stranger.id])
        with pytest.raises(ActionError):
            link_insights(action.id, [], kind="replaces")
        with pytest.raises(ActionError):
            create_action(setting["parent"].id, ActionInput(title="", kind="action"))
        with pytest.raises(ActionError):
            create_action(setting["parent"].id, ActionInput(title="X", owner="provincie"))
    assert InsightAction.select().count() == 0


@pytest.mark.parametrize("insights", [6, 60])
def test_open_insights_per_sector_in_bounded_statements(app, setting, insights):
    parent, meeting = setting["parent"], setting["meeting"]
    made = [_insight(meeting, setting["farm"] if n % 2 else setting["shop"]) for n in range(insights)]
    with app.test_request_context():
        action = create_action(parent.id, ActionInput(title="Iets"))
        link_insights(action.id, [i.id for i in made[: insights // 3]])
    with count_queries() as counted:
        counts = {row.sector_name: (row.open, row.total) for row in open_by_sector(parent.id)}
        open_ones = unanswered_insights(parent.id)
    assert counted.count == 2
    assert sum(total for _open, total in counts.values()) == insights
    assert sum(o for o, _total in counts.values()) == len(open_ones) == insights - insights // 3


def test_agenda_items_keep_versions_and_decisions(app, setting):
    parent, labour = setting["parent"], setting["themes"][0]
    with app.test_request_context():
        action = create_action(parent.id, ActionInput(title="Banenloket"))
        item = create_agenda_item(parent.id, AgendaItemInput(
            title="Arbeidsmarkt", text="Eerste tekst", theme_id=labour.id, action_ids=[action.id]))
        edit_agenda_item(item.id, AgendaItemInput(title="Arbeidsmarkt", text="Na validatie",
                                                  theme_id=labour.id, action_ids=[action.id],
                                                  note="Ondernemers vroegen om meer"))
        edit_agenda_item(item.id, AgendaItemInput(title="Arbeidsmarkt", text="Na validatie",
                                                  theme_id=labour.id, position=2))
        with pytest.raises(AgendaError):
            record_decision(item.id, "amended")  # a reason is needed
        record_decision(item.id, "amended", "Tekst aangescherpt")
    versions = [(v.version, v.text) for v in AgendaItemVersion.select().order_by(
        AgendaItemVersion.version)]
    assert versions == [(1, "Eerste tekst"), (2, "Na validatie")]
    decisions = [(d.decision, d.version) for d in AgendaDecision.select().order_by(AgendaDecision.id)]
    assert decisions == [("proposed", 1), ("amended", 2)]
    item = type(item).get_by_id(item.id)
    assert (item.decision, item.position, item.action_links.count()) == ("amended", 2, 0)


def test_agenda_items_refuse_what_is_not_theirs(app, setting):
    other_theme = Theme.create(consultation=factories.consultation(), name="Elders")
    with app.test_request_context():
        with pytest.raises(AgendaError):
            create_agenda_item(setting["parent"].id, AgendaItemInput(title="X",
                                                                     theme_id=other_theme.id))
        with pytest.raises(AgendaError):
            create_agenda_item(setting["parent"].id, AgendaItemInput(title=" "))
        with pytest.raises(AgendaError):
            record_decision(999_999, "adopted")


def test_merging_themes_moves_insights_and_agenda_items(app, setting):
    keep, drop = setting["themes"]
    one = _insight(setting["meeting"], setting["farm"])
    both = _insight(setting["meeting"], setting["farm"])
    InsightTheme.create(insight=one, theme=drop)
    InsightTheme.create(insight=both, theme=drop)
    InsightTheme.create(insight=both, theme=keep)
    with app.test_request_context():
        item = create_agenda_item(setting["parent"].id, AgendaItemInput(title="X",
                                                                        theme_id=drop.id))
        moved = merge_themes(drop, keep)
    assert moved["core.insights"] == 2 and moved["core.agenda_items"] == 1
    assert sorted(link.insight_id for link in InsightTheme.select()) == [one.id, both.id]
    assert type(item).get_by_id(item.id).theme_id == keep.id


def test_an_insight_gone_in_the_meantime_is_said_so(app, setting):
    from consultplatform.services.insights import InsightGoneError

    insight = _insight(setting["meeting"], setting["farm"])
    with app.test_request_context():
        delete_insight(insight.id)
        with pytest.raises(InsightGoneError):
            delete_insight(insight.id)
        with pytest.raises(InsightGoneError):
            update_insight(insight.id, InsightInput(text="Nog", category="ambities"))
        with pytest.raises(InsightGoneError):
            set_aside(insight.id, "Weg")


def test_editing_keeps_the_fate_another_request_gave(app, setting):
    """The edit writes its own columns only: a setting aside in between stays."""
    insight = _insight(setting["meeting"], setting["farm"])
    with app.test_request_context():
        set_aside(insight.id, "Buiten bereik")
        update_insight(insight.id, InsightInput(text="Herschreven", category="ambities"))
    stored = Insight.get_by_id(insight.id)
    assert (stored.text, stored.set_aside_reason) == ("Herschreven", "Buiten bereik")
