"""The plugin's own tests, on the real database, with the fixtures of
consultplatform.testing (app, client, admin_client, factories,
assert_flat_statements, count_queries)."""

from __future__ import annotations

import pytest
from consultplatform_myplugin.models import MypluginNote
from consultplatform_myplugin.services import NoteError, add_note

from consultplatform.api import AuditLog, plugin_registry
from consultplatform.testing import assert_flat_statements, factories


def test_the_plugin_is_loaded_with_its_admin_view(app, admin_client):
    assert "myplugin" in plugin_registry(app).names()
    page = admin_client.get("/admin/plugins/").get_data(as_text=True)
    assert "myplugin" in page
    assert admin_client.get("/admin/myplugin_note/").status_code == 200


def test_add_note_stores_audits_and_refuses_an_empty_title(app):
    parent = factories.consultation()
    with app.test_request_context():
        note = add_note(parent.id, "  Eerste   notitie ")
        with pytest.raises(NoteError):
            add_note(parent.id, "   ")
    assert MypluginNote.get_by_id(note.id).title == "Eerste notitie"
    assert AuditLog.get(AuditLog.action == "create").object_type == "MypluginNote"
    assert MypluginNote.select().count() == 1


def test_the_public_page_runs_as_many_statements_for_few_notes_as_for_many(app, client):
    parent = factories.consultation()
    MypluginNote.create(consultation=parent, title="Notitie")

    def thirty_more() -> None:
        for n in range(30):
            MypluginNote.create(consultation=parent, title=f"Notitie {n}")

    assert_flat_statements(client, f"/myplugin/{parent.id}", thirty_more)


def test_a_draft_consultation_is_not_shown(app, client):
    draft = factories.consultation(status="draft")
    assert client.get(f"/myplugin/{draft.id}").status_code == 404
