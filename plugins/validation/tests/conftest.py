"""Fixtures the validation's tests share."""

from __future__ import annotations

import pytest

from . import world as worlds


@pytest.fixture
def world(app):
    return worlds.consultation_with_people()


@pytest.fixture
def opened(app, world):
    return {**world, **worlds.open_round_for(app, world)}


@pytest.fixture
def in_request(app):
    """For tests that call the services directly, as a view would (no test client in
    the same test: a pushed context would be shared with its requests)."""
    with app.test_request_context():
        yield
