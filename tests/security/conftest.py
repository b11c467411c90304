import pytest

from tests.security.world import build_world


@pytest.fixture
def world(app, db):
    return build_world(app, db)


@pytest.fixture
def app_config(app_config):
    """Walking every route as every role must not trip the API's per-token rate limit."""
    return {**app_config, "RATELIMIT_API": "100000 per minute"}
