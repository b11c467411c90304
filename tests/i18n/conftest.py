import pytest

from tests.security.world import build_world


@pytest.fixture
def world(app, db):
    return build_world(app, db)
