"""Fixtures the capture tests share."""

from __future__ import annotations

import pytest

from consultplatform.testing import factories, login, make_staff

from . import helpers


@pytest.fixture
def setting(app):
    parent = helpers.consultation()
    farm = factories.sector(parent, "Landbouw")
    shop = factories.sector(parent, "Detailhandel")
    labour, housing = helpers.themes(parent, "Arbeidsmarkt", "Huisvesting")
    moderator = make_staff("moderator")
    session = helpers.arena(parent, moderator=moderator, sectors=(farm,))
    client = app.test_client()
    login(client, moderator)
    return {"consultation": parent, "farm": farm, "shop": shop, "labour": labour,
            "housing": housing, "moderator": moderator, "session": session, "client": client}

