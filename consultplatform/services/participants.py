"""A participant's own details and news consent, changed through their mail link."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from consultplatform import audit
from consultplatform.db import utcnow, write_transaction
from consultplatform.models import Participant
from consultplatform.models.choices import LANGUAGES
from consultplatform.services.errors import FieldError
from consultplatform.services.signup import consent_version


class DetailsError(FieldError):
    """A value the service refuses; ``field`` names it, the message is for the user."""


@dataclass(frozen=True)
class OwnDetails:
    name: str
    organisation: str = ""
    phone: str = ""
    language: str = "nl"
    news_opt_in: bool = False
    # The consent text the person agreed to (its version is stored with the consent).
    news_consent_text: str = ""


def update_own_details(participant_id: int, details: OwnDetails) -> Participant:
    """Store what the person corrected; a change of the news consent records when
    and to which text. The audit row names the fields, not their values."""
    name = details.name.strip()
    if not name or len(name) > 120:
        raise DetailsError("name", str(_l("Give your name (at most 120 characters).")))
    if details.language not in dict(LANGUAGES):
        raise DetailsError("language", str(_l("Choose one of the options shown.")))
    with write_transaction():
        participant = Participant.get_by_id(participant_id)
        values = {"name": name, "organisation": details.organisation.strip(),
                  "phone": details.phone.strip(), "language": details.language}
        changed = sorted(key for key, value in values.items()
                         if getattr(participant, key) != value)
        for key, value in values.items():
            setattr(participant, key, value)
        if _set_news_consent(participant, details.news_opt_in, details.news_consent_text):
            changed.append("news_opt_in")
        participant.save()
        if changed:
            audit.record("update_own", participant, details={"fields": changed},
                         with_origin=False)
    return participant


def withdraw_news_consent(participant_id: int) -> None:
    """The person withdraws their news consent; when is recorded (AVG art. 7(3))."""
    with write_transaction():
        participant = Participant.get_by_id(participant_id)
        if not _set_news_consent(participant, False):
            return
        participant.save(only=[Participant.news_opt_in, Participant.news_consent_version,
                               Participant.news_consent_at])
        audit.record("update_own", participant, details={"fields": ["news_opt_in"]},
                     with_origin=False)


def _set_news_consent(participant: Participant, opt_in: bool, text: str = "") -> bool:
    """Record a change of the news consent: to which text (its version) and when.
    Returns whether it changed."""
    if bool(opt_in) == participant.news_opt_in:
        return False
    participant.news_opt_in = bool(opt_in)
    participant.news_consent_version = consent_version(text) if opt_in else ""
    participant.news_consent_at = utcnow()
    return True
