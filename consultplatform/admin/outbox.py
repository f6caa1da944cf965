"""The mail outbox in the admin: read-only for administrators, with a retry action."""

from __future__ import annotations

from typing import Any

from flask import flash, request
from flask_admin.actions import action
from flask_admin.contrib.peewee.filters import FilterEqual
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup, escape

from consultplatform import audit
from consultplatform.admin.base import SecureModelView
from consultplatform.admin.labels import LABELS
from consultplatform.admin.model_view import CoreModelView
from consultplatform.auth.roles import is_staff
from consultplatform.db import db
from consultplatform.logging_setup import redact
from consultplatform.models import OutboxMail, Registration, choices
from consultplatform.services.signup import deliver_soon
from consultplatform.workspace import sessions_of

OUTBOX_LABELS = {
    **LABELS,
    "kind": _l("Kind of mail"),
    "to_address": _l("Recipient"),
    "subject": _l("Subject"),
    "attempts": _l("Attempts"),
    "last_error": _l("Last error"),
    "next_attempt_at": _l("Next attempt"),
    "sent_at": _l("Sent"),
    "text_body": _l("Text"),
}


def _plain_text(view, context, model, name) -> Markup:
    """The text body, escaped, line breaks kept, links with tokens masked."""
    return Markup('<div class="cp-pre-wrap">{}</div>').format(
        escape(redact(getattr(model, name) or "")))


class OutboxMailView(CoreModelView):
    read_roles = ("admin",)
    # Nobody creates, edits or deletes mails here; ``action_roles`` may run the retry action.
    write_roles = ()
    action_roles: tuple[str, ...] = ("admin",)
    action_disallowed_list = ["delete"]
    column_list = ["created_at", "kind", "to_address", "language", "subject", "status", "attempts",
                   "last_error", "next_attempt_at", "sent_at"]
    # Not the HTML body or the calendar file: the text body says the same, escaped.
    column_details_list = [*column_list, "text_body"]
    column_filters = [FilterEqual(OutboxMail.status, _l("Status"), options=choices.MAIL_STATUSES),
                      "kind"]
    column_searchable_list = ["to_address", "subject"]
    column_labels = OUTBOX_LABELS
    column_choices = {"status": choices.MAIL_STATUSES, "language": choices.LANGUAGES}
    column_formatters_detail = {"text_body": _plain_text}

    def consultation_condition(self, consultation_id: int) -> Any:
        """The mails about registrations of the consultation (a mail about no
        registration, such as a staff account's unlock link, is under "all")."""
        return OutboxMail.registration.in_(
            Registration.select(Registration.id)
            .where(Registration.session.in_(sessions_of(consultation_id))))

    def _may_run_actions(self) -> bool:
        return is_staff() and current_user.role in self.action_roles

    def is_action_allowed(self, name: str) -> bool:
        if name == "retry":
            return self._may_run_actions()
        return super().is_action_allowed(name)

    def _handle_view(self, name: str, **kwargs: Any):
        # The base treats every action as a write (write_roles, empty here): let the
        # action roles through to the action view only, with the same access and
        # request checks; delete stays refused (can_delete is false).
        if name != "action_view" or not self._may_run_actions():
            return super()._handle_view(name, **kwargs)
        denied = super(SecureModelView, self)._handle_view(name, **kwargs)
        if denied is not None:
            return denied
        if request.method == "POST":
            self._check_action()
        return None

    @action("retry", _l("Send again"), _l("Queue the selected mails for sending again?"))
    def action_retry(self, ids: list[str]) -> None:
        from consultplatform.mail.delivery import retry

        idents = sorted({self._parse_pk(raw) for raw in ids})
        with db.atomic():
            count = retry(idents)
            audit.record("retry", None, object_type=self.model.__name__,
                         details={"ids": [str(i) for i in idents], "queued": count})
        if count:
            deliver_soon()
        flash(ngettext("%(num)d mail queued for sending again.",
                       "%(num)d mails queued for sending again.", count), "success")
        if count < len(idents):
            flash(_("Mails that were sent or are being sent were left as they are."), "info")
