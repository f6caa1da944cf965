"""The meeting room: the round behind the short address (/stem/<code>), the item the
presenter has put to the vote, and the personal link mailed again to a voter who
opens the room's address on a device that does not know them yet."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from peewee import fn

from consultplatform.api import Participant, queue_participant_mail, utcnow, write_transaction
from consultplatform_validation.mails import SubjectWithTitle, ballot_url
from consultplatform_validation.models import (
    ROOM_CODE_LENGTH,
    ValidationItem,
    ValidationRound,
    ValidationVoter,
)

LINK_SUBJECT = _l("Your personal link to vote: %(title)s")
EMAIL_MAX = 254


def round_by_code(code: str) -> ValidationRound | None:
    """The round of a room code, in any case; None for anything else."""
    code = code.strip().upper()
    if not code.isascii() or not code.isalnum() or len(code) > 2 * ROOM_CODE_LENGTH:
        return None
    return ValidationRound.get_or_none(ValidationRound.room_code == code)


def voting_item(round_: ValidationRound) -> ValidationItem | None:
    """The item the presenter has put to the vote, or None between items."""
    if round_.current_position is None:
        return None
    return ValidationItem.get_or_none((ValidationItem.round == round_.id)
                                      & (ValidationItem.position == round_.current_position)
                                      & (ValidationItem.state == "voting"))


def send_link_again(round_id: int, email: str) -> bool:
    """Mail the voter with this address their personal link again, at most once a
    quarter of an hour (nobody can flood their inbox with it). Returns whether a mail
    was queued; the page never says it."""
    email = email.strip().lower()
    if not email or len(email) > EMAIL_MAX:
        return False
    voter = (ValidationVoter.select(ValidationVoter, Participant)
             .join(Participant)
             .where((ValidationVoter.round == round_id)
                    & ValidationVoter.erased_at.is_null()
                    & ValidationVoter.token.is_null(False)
                    & (fn.LOWER(Participant.email) == email))
             .first())
    if voter is None:
        return False
    round_ = ValidationRound.get_by_id(round_id)
    with write_transaction():
        return queue_participant_mail(
            voter.participant, "validation_link", SubjectWithTitle(LINK_SUBJECT, round_.title),
            "validation/mail/link", round=round_, link=ballot_url(voter),
            # At most one a quarter of an hour per person, however often it is asked.
            once_key=f"validation:link:{round_id}:{_quarter()}")


def _quarter() -> str:
    now = utcnow()
    return f"{now:%Y%m%d%H}{now.minute // 15}"
