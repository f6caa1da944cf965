"""The plugin's services: plain functions that take ids and values (never forms),
own the transaction, the audit row and the events. Views, the CLI and other code
all call these."""

from __future__ import annotations

from consultplatform_myplugin.models import MypluginNote
from flask_babel import lazy_gettext as _l

from consultplatform.api import audit, emit_event, write_transaction


class NoteError(ValueError):
    """A note the service refuses; the message is for the user."""


def add_note(consultation_id: int, title: str) -> MypluginNote:
    title = " ".join(title.split())
    if not title or len(title) > 200:
        raise NoteError(str(_l("Give a title (at most %(max)d characters).", max=200)))
    with write_transaction():
        note = MypluginNote.create(consultation=consultation_id, title=title)
        audit.record("create", note, details={"fields": ["title"]})
        emit_event("myplugin.note_added", note=note.id)
    return note
