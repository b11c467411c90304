import pytest

from tests.security.world import build_world


@pytest.fixture
def world(app, db):
    """Two schools with students, their training records, certificates and exchange records."""
    return build_world(app, db)
