"""The validation's mails, each in the voter's language through the core's
participation mail (``queue_participant_mail``): the invitation with the personal
link, the reminder before closing, and "what we did with your input"."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consultplatform.api import Participant, public_url, queue_participant_mail
from consultplatform_validation.models import ValidationRound, ValidationVoter

INVITATION_SUBJECT = _l("Your verdict on the draft agenda: %(title)s")
REMINDER_SUBJECT = _l("Reminder: give your verdict on the draft agenda: %(title)s")


def ballot_url(voter: ValidationVoter) -> str:
    """The personal link (no account: the token is the key; never logged)."""
    return public_url(f"/toetsing/{voter.token}")


def queue_invitation(round_: ValidationRound, voter: ValidationVoter,
                     participant: Participant, items: int) -> bool:
    """The invitation, once per person and round (in the caller's transaction)."""
    return queue_participant_mail(
        participant, "validation_invitation",
        SubjectWithTitle(INVITATION_SUBJECT, round_.title), "validation/mail/invitation",
        once_key=f"validation:invite:{round_.id}", round=round_, link=ballot_url(voter),
        items=items)


class SubjectWithTitle:
    """A lazy subject with the round's title filled in, rendered in the mail's language."""

    def __init__(self, text, title: str) -> None:
        self.text, self.title = text, title

    def __str__(self) -> str:
        return str(self.text) % {"title": self.title}
