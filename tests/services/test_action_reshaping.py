"""Actions merged, split and saved from an older version, through the core's services:
every insight link survives with its type, and nobody's save overwrites another's."""

from __future__ import annotations

import pytest

from consultplatform.models import Action, AgendaItemAction, AuditLog, Insight, InsightAction
from consultplatform.services.actions import (
    ActionError,
    ActionInput,
    StaleActionError,
    create_action,
    link_insights,
    update_action,
)
from consultplatform.services.agenda import AgendaItemInput, create_agenda_item
from consultplatform.services.reshaping import SplitPart, merge_actions, split_action
from consultplatform.testing import factories


@pytest.fixture
def world(app):
    parent = factories.consultation()
    meeting = factories.session(parent)
    insights = [Insight.create(session=meeting, text=f"Inzicht {n}", category="barrieres")
                for n in range(4)]
    return {"parent": parent, "ids": [i.id for i in insights]}


def _links(action_id: int) -> list[tuple[int, str]]:
    return sorted(InsightAction.select(InsightAction.insight, InsightAction.kind)
                  .where(InsightAction.action == action_id).tuples())


def test_a_save_from_an_older_version_is_refused_with_the_current_one(app, world):
    with app.test_request_context():
        action = create_action(world["parent"].id, ActionInput(title="Loket"), world["ids"][:1])
        assert action.version == 1
        saved = update_action(action.id, ActionInput(title="Loket regio"), expected_version=1)
        assert saved.version == 2
        with pytest.raises(StaleActionError) as stale:
            update_action(action.id, ActionInput(title="Mijn loket"), expected_version=1)
        assert stale.value.field == "version"
        assert (stale.value.current.title, stale.value.current.version) == ("Loket regio", 2)
        assert Action.get_by_id(action.id).title == "Loket regio"
        link_insights(action.id, world["ids"][1:2])  # a link is a change too
        assert Action.get_by_id(action.id).version == 3


def test_merge_joins_the_links_and_the_agenda_places(app, world):
    one, two, three, _four = world["ids"]
    parent = world["parent"].id
    with app.test_request_context():
        target = create_action(parent, ActionInput(title="Loket"), [one, two])
        source = create_action(parent, ActionInput(title="Stages"), [two, three])
        item = create_agenda_item(parent, AgendaItemInput(title="Arbeid",
                                                          action_ids=[source.id]))
        merge_actions(target.id, source.id, target_version=1, source_version=1)
        assert _links(target.id) == [(one, "answers"), (two, "answers"), (three, "merges")]
        assert _links(source.id) == []
        gone = Action.get_by_id(source.id)
        assert (gone.status, gone.merged_into_id) == ("merged", target.id)
        assert [p.action_id for p in AgendaItemAction.select().where(
            AgendaItemAction.item == item.id)] == [target.id]
        assert AuditLog.select().where(AuditLog.action == "merge").count() == 1
        with pytest.raises(ActionError):
            merge_actions(target.id, source.id)  # a merged action merges no more
        with pytest.raises(ActionError):
            update_action(source.id, ActionInput(title="Terug"))
        with pytest.raises(ActionError):
            merge_actions(target.id, target.id)


def test_split_chooses_links_per_part_and_drops_none(app, world):
    one, two, three, _four = world["ids"]
    parent = world["parent"].id
    with app.test_request_context():
        action = create_action(parent, ActionInput(title="Arbeid en wonen",
                                                   department="EZ"), [one, two, three])
        with pytest.raises(ActionError) as refused:
            split_action(action.id, [SplitPart("Arbeid", [one]), SplitPart("Wonen", [two])])
        assert refused.value.field == "parts"  # three would be dropped silently
        with pytest.raises(ActionError):
            split_action(action.id, [SplitPart("Alles", [one, two, three])])  # one part
        with pytest.raises(StaleActionError):
            split_action(action.id, [SplitPart("A", [one]), SplitPart("B", [two, three])],
                         expected_version=7)
        first, second = split_action(action.id, [SplitPart("Arbeid", [one, two]),
                                                 SplitPart("Wonen", [two, three])])
        assert first.id == action.id and first.title == "Arbeid"
        assert _links(first.id) == [(one, "answers"), (two, "splits")]
        assert _links(second.id) == [(two, "splits"), (three, "answers")]
        assert (second.department, second.kind) == ("EZ", "action")
