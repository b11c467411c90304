"""Servers for the reliability tests: `eduplatform serve` with 3 workers on a database of the
backend the suite runs on (SQLite, or PostgreSQL when EDUPLATFORM_TEST_DATABASE_URL names one;
EDUPLATFORM_RELIABILITY_BACKENDS=sqlite,postgresql runs both) and Redis for rate limits."""

import os

import pytest

from tests.reliability.server import (
    Server,
    drop_database,
    empty_tables,
    prepare_database,
    served_database_url,
)


def load_backends():
    chosen = os.environ.get("EDUPLATFORM_RELIABILITY_BACKENDS")
    if chosen:
        return [name.strip() for name in chosen.split(",") if name.strip()]
    suite = os.environ.get("EDUPLATFORM_TEST_DATABASE_URL", "")
    return ["postgresql" if suite.startswith("postgresql") else "sqlite"]


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", load_backends(), scope="module")


@pytest.fixture(scope="module")
def served(backend, tmp_path_factory):
    """(server, engine): the app under gunicorn with 3 workers, and its database."""
    workdir = tmp_path_factory.mktemp(f"served-{backend}")
    engine = prepare_database(served_database_url(backend, workdir, "load"))
    server = Server(database_url=engine.url.render_as_string(False), workdir=workdir)
    try:
        yield server.start(), engine
    finally:
        server.stop()
        drop_database(engine)


@pytest.fixture
def fresh(served):
    """The served app with empty tables before the test."""
    server, engine = served
    empty_tables(engine)
    return server, engine


def pytest_collection_modifyitems(config, items):
    # One xdist worker runs them all: they share the Redis database of the served apps.
    for item in items:
        if "/reliability/" in str(item.fspath):
            item.add_marker(pytest.mark.xdist_group("reliability"))
