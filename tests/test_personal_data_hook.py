"""The personal-data hook (issue 12, point 2): every model with a participant or
registration foreign key is declared by a holder, or this test fails; the test
plugin's holder is exported and erased with the rest."""

from __future__ import annotations

from peewee import ForeignKeyField, TextField

from consultplatform.db import BaseModel
from consultplatform.models import Participant
from consultplatform.privacy.erasure import erase_participant
from consultplatform.privacy.export import personal_data
from consultplatform.privacy.holders import all_holders, every_model, undeclared
from consultplatform.testing import factories
from tests.plugin_fullhooks.models import FullhooksContact


def test_every_model_with_a_participant_key_is_declared(app):
    with app.app_context():
        holders = [holder for _plugin, holder in all_holders()]
        models = every_model()
    assert FullhooksContact in models
    assert undeclared(models, holders) == []


def test_a_model_nobody_declares_is_found(app):
    class StrayNotes(BaseModel):
        participant = ForeignKeyField(Participant)
        note = TextField()

    with app.app_context():
        holders = [holder for _plugin, holder in all_holders()]
        assert undeclared([*every_model(), StrayNotes], holders) == ["StrayNotes"]


def test_hook_cp_personal_data(app):
    parent = factories.consultation()
    person = factories.participant(parent, name="Pim Proef")
    FullhooksContact.create(participant=person, note="Belt liever 's avonds")
    with app.test_request_context():
        data = personal_data(person.id)
        parts = {part["key"]: part for part in data["parts"]}
        assert parts["fullhooks.contacts"]["rows"][0]["note"] == "Belt liever 's avonds"
        assert parts["fullhooks.contacts"]["plugin"] == "fullhooks"
        erased = erase_participant(person.id, "letter")
    assert erased.rows["fullhooks.contacts"] == 1
    assert FullhooksContact.select().count() == 0
    assert Participant.get_by_id(person.id).name == ""
