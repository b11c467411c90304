"""Readiness, liveness and the verification-queue gauge, in one process (no gunicorn)."""

import re

from alembic import command

from eduplatform import create_app
from eduplatform.cli import alembic_config
from eduplatform.db import get_engine, make_engine, migration_connection
from tests.conftest import PASSWORD
from tests.security.world import build_world


def test_liveness_answers_without_the_database(app_config, tmp_path):
    app = create_app({**app_config, "DATABASE_URL": f"sqlite:///{tmp_path}/no/such/dir.db"})
    client = app.test_client()
    assert client.get("/healthz").status_code == 503
    live = client.get("/healthz/live")
    assert live.status_code == 200 and live.json == {"status": "ok"}
    get_engine(app).dispose()


def test_readiness_is_503_while_migrations_are_pending(app_config, tmp_path):
    url = f"sqlite:///{tmp_path}/behind.sqlite3"
    engine = make_engine(url)
    with migration_connection(engine) as connection:
        command.upgrade(alembic_config(connection), "0003")
    app = create_app({**app_config, "DATABASE_URL": url})
    behind = app.test_client().get("/healthz")
    assert behind.status_code == 503
    assert behind.json["database"] == "ok" and behind.json["schema"] == "behind"
    assert behind.json["revision"] == "0003"
    with migration_connection(engine) as connection:
        command.upgrade(alembic_config(connection), "heads")
    ready = app.test_client().get("/healthz")
    assert ready.status_code == 200 and ready.json["schema"] == "ok"
    get_engine(app).dispose()
    engine.dispose()


def test_the_migration_graph_read_from_the_scripts_is_alembics():
    """Readiness reads each script's revision and down_revision itself: Alembic's own reading
    of the same folder gives the same revisions and heads."""
    from alembic.script import ScriptDirectory

    from eduplatform.core.service import _migration_graph

    script = ScriptDirectory.from_config(alembic_config())
    known, heads = _migration_graph()
    assert known == {revision.revision for revision in script.walk_revisions()}
    assert heads == set(script.get_heads()) and len(known) > 20


def test_metrics_show_the_queue_of_unverified_completions(app, db, client):
    world = build_world(app, db)  # one record awaits review at each school
    client.post("/login", data={"login": world.admin.email, "password": PASSWORD})
    body = client.get("/metrics").get_data(as_text=True)
    assert re.search(r"^eduplatform_unverified_completions 2(\.0)?$", body, re.MULTILINE)
    assert "# HELP eduplatform_unverified_completions Logged units waiting" in body


def test_the_gauge_counts_only_records_in_a_queue(app, db, client):
    """A record of a student who moved to another school waits in no teacher's queue, so the
    gauge of records waiting for review leaves it out, like the queue's 'N left'."""
    world = build_world(app, db)
    student = db.get(type(world.a.student), world.a.student.id)
    student.organization_id = world.b.school.id
    db.add(student)
    db.commit()
    client.post("/login", data={"login": world.admin.email, "password": PASSWORD})
    body = client.get("/metrics").get_data(as_text=True)
    assert re.search(r"^eduplatform_unverified_completions 1(\.0)?$", body, re.MULTILINE)
