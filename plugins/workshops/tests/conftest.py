"""Fixtures the workshops' tests share: a consultation with two sectors, two themes,
two arenas with insights, a workshop with its facilitator and a member."""

from __future__ import annotations

import pytest

from consultplatform.testing import factories, login, make_staff
from consultplatform_workshops.models import WorkshopsMember

from . import helpers


@pytest.fixture
def setting(app):
    parent = helpers.consultation()
    farm = factories.sector(parent, "Landbouw")
    shop = factories.sector(parent, "Detailhandel")
    labour, housing = helpers.themes(parent, "Arbeidsmarkt", "Huisvesting")
    farm_arena = helpers.arena(parent, farm, title="Arena landbouw")
    shop_arena = helpers.arena(parent, shop, title="Arena detailhandel")
    insights = [
        helpers.insight(farm_arena, farm, "barrieres", [labour], 3, "Te weinig vakmensen"),
        helpers.insight(farm_arena, farm, "ambities", [housing], 2, "Woningen voor arbeidsmigranten"),
        helpers.insight(shop_arena, shop, "barrieres", [labour], 1, "Stages sluiten niet aan"),
        helpers.insight(shop_arena, shop, "barrieres", [labour, housing], 2, "Geen kamers"),
    ]
    facilitator = make_staff("moderator")
    member = make_staff("viewer")
    workshop = helpers.workshop(parent, facilitator)
    WorkshopsMember.create(session=workshop, staff=member)
    client = app.test_client()
    login(client, facilitator)
    return {"consultation": parent, "farm": farm, "shop": shop, "labour": labour,
            "housing": housing, "arenas": [farm_arena, shop_arena], "insights": insights,
            "facilitator": facilitator, "member": member, "workshop": workshop,
            "client": client}
