"""A small validation world the tests share: a consultation with two sectors, a
session, people on both sides who took part, three agenda items; helpers to make
a round, open it, and cast ballots through the services."""

from __future__ import annotations

from consultplatform.api import AgendaItemInput, create_agenda_item
from consultplatform.testing import factories
from consultplatform_validation.ballots import BallotInput, cast_ballot
from consultplatform_validation.models import ValidationItem, ValidationVoter
from consultplatform_validation.rounds import RoundInput, create_round, open_round


def consultation_with_people(per_sector: int = 4, public: int = 3):
    """{consultation, sectors, session, people, items}: ``per_sector`` entrepreneurs
    in each of two sectors and ``public`` people on the government side, all seated."""
    parent = factories.consultation()
    farm = factories.sector(parent, "Landbouw")
    shop = factories.sector(parent, "Detailhandel")
    meeting = factories.session(parent, title="Expertarena")
    people = []
    for sector in (farm, shop):
        for n in range(per_sector):
            people.append(factories.participant(parent, sector=sector,
                                                email=f"{sector.name.lower()}{n}@example.org",
                                                name=f"{sector.name} {n}"))
    for n in range(public):
        people.append(factories.participant(parent, side="government", sector=None,
                                            email=f"gemeente{n}@example.org",
                                            name=f"Ambtenaar {n}", language="en"))
    for person in people:
        factories.registration(person, meeting)
    items = [create_agenda_item(parent.id, AgendaItemInput(title=title, text=f"{title}: tekst"))
             for title in ("Vakmensen opleiden", "Woningen voor werknemers", "Bereikbaarheid")]
    return {"consultation": parent, "farm": farm, "shop": shop, "session": meeting,
            "people": people, "items": items}


def open_round_for(app, world, **settings) -> dict:
    """A round on the world's agenda, opened (its invitations composed in a request
    context, as in a request): {round, items, voters}."""
    round_ = create_round(world["consultation"].id, RoundInput(title="Toetsing", **settings))
    with app.test_request_context():
        open_round(round_.id)
    items = list(ValidationItem.select().where(ValidationItem.round == round_.id)
                 .order_by(ValidationItem.position))
    voters = list(ValidationVoter.select().where(ValidationVoter.round == round_.id)
                  .order_by(ValidationVoter.id))
    return {"round": round_, "items": items, "voters": voters}


def vote(voter, item, verdict: str, reason: str = "omdat", channel: str = "online", **more):
    return cast_ballot(voter.id, BallotInput(item_id=item.id, verdict=verdict, reason=reason,
                                             **more), channel)
