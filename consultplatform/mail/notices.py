"""Mails to a participant about the consultation as a whole, not about one of its
sessions: a plugin's invitation to vote, its reminder, the "what we did with your
input" mail. The plugin brings the templates; this module renders them in the
participant's language and queues the mail in the caller's transaction.

These are participation mails (part of the consultation the person took part in),
not news: they need no news consent, and they go only to people not erased.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale

from consultplatform.db import db
from consultplatform.models import OutboxMail, Participant

KIND_MAX = 40
ONCE_KEY_MAX = 160


def queue_participant_mail(participant: Participant, kind: str, subject: Any, template: str,
                           *, once_key: str | None = None, **context: Any) -> bool:
    """Queue mail ``kind`` for ``participant``, rendered from ``<template>.txt`` and
    ``<template>.html`` in their language with ``context`` (plus ``participant``,
    ``site_name`` and ``cp_lang``); ``subject`` is a lazy string.

    ``once_key`` (``<plugin>:<what>:<id>``; the participant's id is added) makes the
    mail go once per person: a second call with the same key queues nothing, also
    when two requests or workers call at the same moment (a unique index, not a
    check). Returns whether a mail was queued; an erased person gets none.
    """
    if participant.erased_at is not None or not participant.email:
        return False
    if len(kind) > KIND_MAX:
        raise ValueError(f"mail kind {kind!r} is longer than {KIND_MAX} characters")
    key = f"{once_key}:{participant.id}" if once_key else None
    if key is not None:
        if len(key) > ONCE_KEY_MAX:
            raise ValueError(f"once_key {key!r} is longer than {ONCE_KEY_MAX} characters")
        if OutboxMail.select().where(OutboxMail.once_key == key).exists():
            return False
    with force_locale(participant.language):
        title = str(subject)
        values = {"site_name": current_app.config["SITE_NAME"], "cp_lang": participant.language,
                  "participant": participant, **context}
        text = render_template(f"{template}.txt", **values)
        html = render_template(f"{template}.html", subject=title, **values)
    row = {"kind": kind, "to_address": participant.email, "language": participant.language,
           "subject": title[:300], "text_body": text, "html_body": html, "once_key": key}
    query = OutboxMail.insert(row)
    if key is not None:
        # Another transaction may have queued the same key since the check above: the
        # unique index decides, and the row count says whether this call wrote it.
        query = query.on_conflict_ignore()
    return db.obj.execute(query).rowcount == 1
