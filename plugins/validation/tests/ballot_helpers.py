"""Helpers of the ballot's and the room's tests: the personal link's page, a verdict
posted as a browser would, and an item put to the vote as the presenter would."""

from __future__ import annotations

from consultplatform.testing import csrf_from
from consultplatform_validation.models import ValidationItem, ValidationRound


def ballot_url(voter) -> str:
    return f"/toetsing/{voter.token}"


def open_ballot(client, voter) -> str:
    """GET the personal link (sets the room cookie); returns its CSRF token."""
    response = client.get(ballot_url(voter))
    assert response.status_code == 200, response.status_code
    return csrf_from(response.get_data(as_text=True))


def verdict(client, voter, item, value: str, reason: str = "", csrf: str | None = None,
            **more: str):
    """POST one item's form of the personal link."""
    token = csrf if csrf is not None else open_ballot(client, voter)
    data = {"csrf_token": token, "verdict": value, "reason": reason,
            "comment": more.get("comment", ""), "suggestion": more.get("suggestion", "")}
    return client.post(f"{ballot_url(voter)}/{item.id}", data=data)


def put_to_vote(round_: ValidationRound, item: ValidationItem | None) -> None:
    """What the presenter does: this item voting, every other one waiting (or none)."""
    (ValidationItem.update(state="waiting").where(ValidationItem.round == round_.id)
     .execute())
    if item is None:
        ValidationRound.update(current_position=None).where(
            ValidationRound.id == round_.id).execute()
        return
    ValidationItem.update(state="voting").where(ValidationItem.id == item.id).execute()
    ValidationRound.update(current_position=item.position).where(
        ValidationRound.id == round_.id).execute()
