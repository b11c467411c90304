"""Fixtures: an app on a migrated test database (SQLite, or PostgreSQL when
EDUPLATFORM_TEST_DATABASE_URL is set), emptied after every test; factories; login helpers."""

import itertools
import os
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import text
from sqlmodel import Session, SQLModel

from eduplatform import clock, create_app
from eduplatform.db import get_engine, make_engine, migration_connection
from eduplatform.people.models import Organization, SchoolMembership, User
from tests.smtp import start_server

PASSWORD = "correct horse battery staple"
SCHOOL_ZONE = ZoneInfo(clock.DEFAULT_TIMEZONE)
# A run that starts this late in the schools' evening is moved back to the same evening's
# LATEST_START minus one hour: every run gets at least two hours within one school day.
LATEST_START = time(22)


def school_day_shift(now):
    """How far the suite's clock is turned back so that the whole run falls on one school day.

    Fixtures compute "today" in Jakarta once, when their module is imported; the app asks the
    clock at every request. A run that crossed Jakarta's midnight (17:00 UTC) had the two
    disagree by a day, and every test comparing them failed. Zero unless the run starts after
    LATEST_START; then the run's clock starts at 21:00 of that evening and keeps ticking."""
    local = now.astimezone(SCHOOL_ZONE)
    if local.time() < LATEST_START:
        return timedelta(0)
    moved = datetime.combine(local.date(), LATEST_START, SCHOOL_ZONE) - timedelta(hours=1)
    return local - moved


def pytest_configure(config):
    """Turn the clock back (time-machine: every datetime, date and time function of this
    process, in each pytest-xdist worker) when the run starts late in the schools' evening.
    Monotonic clocks, the database's clock and other processes (Chromium, Node.js, a gunicorn
    the suite starts) keep the real time: they read no dates the tests compare."""
    shift = school_day_shift(datetime.now(UTC))
    if shift:
        traveller = time_machine.travel(-shift, tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


_counter = itertools.count(1)


def _test_database_url(tmp_path_factory):
    url = os.environ.get("EDUPLATFORM_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and url.startswith("postgresql"):
        url = _worker_database(url, worker)
    return url


def _worker_database(url, worker):
    """Under pytest-xdist each worker gets a PostgreSQL database of its own (`test_gw0`, ...),
    created on the suite's server when missing."""
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = make_engine(base.set(database="postgres").render_as_string(False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A database migrated to head once per test run, through the real migrations."""
    from alembic import command

    from eduplatform.cli import alembic_config

    url = _test_database_url(tmp_path_factory)
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    with migration_connection(engine) as connection:
        command.upgrade(alembic_config(connection), "heads")
    engine.dispose()
    return url


# Every sequence of the schema back to 1, as after a fresh migration (ids of a test's rows do
# not depend on the tests before it).
RESTART_SEQUENCES = text(
    "SELECT setval(oid, 1, false) FROM pg_class "
    "WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace"
)


def _empty_tables(engine):
    """Every row out, children first. On PostgreSQL a DELETE per table and the sequences set
    back, not TRUNCATE: truncating the 63 tables replaces each one's files, about a second
    after every test on a slow machine (DELETE of the few rows a test wrote: 50 ms)."""
    tables = [t for t in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as connection:
        for table in tables:
            connection.execute(table.delete())
        if engine.dialect.name == "postgresql":
            connection.execute(RESTART_SEQUENCES)


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free loopback port for the whole run."""
    controller = start_server()
    yield controller
    controller.stop()


@pytest.fixture
def mailbox(smtp_server):
    """What the test's app sent through the real SMTP server: `.messages`, `.last(address)`."""
    smtp_server.handler.clear()
    return smtp_server.handler


@pytest.fixture
def app_config(database_url, tmp_path, smtp_server):
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "BASE_URL": "http://localhost",  # the test client's own address
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "SIGNING_KEY_DIR": str(tmp_path / "signing_keys"),
        "RATELIMIT_STORAGE_URL": "memory://",
        "MAIL_HOST": smtp_server.hostname,
        "MAIL_PORT": smtp_server.port,
        "MAIL_SECURITY": "none",
        "MAIL_SENDER": "eduplatform <no-reply@eduplatform.test>",
    }


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    yield app
    engine = get_engine(app)
    _empty_tables(engine)
    engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


FORGED_HOST = "evil.example"


@pytest.fixture
def forged_client(app):
    """A test client whose every request says `Host: evil.example` (its cookies follow it)."""
    from flask.testing import FlaskClient

    class ForgedHostClient(FlaskClient):
        def open(self, *args, **kwargs):
            kwargs.setdefault("base_url", f"http://{FORGED_HOST}")
            return super().open(*args, **kwargs)

    return ForgedHostClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """A session for arranging and inspecting data directly.

    It runs in autocommit mode, so it never holds a lock or a stale snapshot while the test
    client's requests write; no app context stays pushed, so each request gets its own `g`.
    """
    engine = get_engine(app).execution_options(isolation_level="AUTOCOMMIT")
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def make_org(db):
    def make(kind="school", **fields):
        n = next(_counter)
        defaults = {"name": f"Org {n}", "city": "Surakarta", "country": "ID"}
        if kind == "school":
            defaults.update(name=f"SMK Test {n}", npsn=f"{90000000 + n:08d}")
        elif kind == "university":
            defaults.update(name=f"University {n}", city="Xi'an", country="CN")
        org = Organization(kind=kind, **{**defaults, **fields})
        db.add(org)
        db.commit()
        return org

    return make


@pytest.fixture
def make_user(db, make_org):
    """make_user(role, organization=None, **fields): a user with password PASSWORD."""
    home = {}

    def default_org(role):
        kind = {
            "student": "school",
            "teacher": "school",
            "office": "office",
            "admin": "office",
            "author": "university",
        }[role]
        if kind not in home:
            home[kind] = make_org(kind)
        return home[kind]

    def make(role="student", organization=None, password=PASSWORD, **fields):
        n = next(_counter)
        organization = organization or default_org(role)
        defaults = {"email": f"{role}{n}@example.org", "full_name": f"{role.title()} {n}"}
        if role == "student":
            defaults["nisn"] = f"{8000000000 + n:010d}"
        user = User(role=role, organization_id=organization.id, **{**defaults, **fields})
        if password:
            user.set_password(password)
        db.add(user)
        db.commit()
        if role == "teacher":  # a teacher belongs to their school (see people.memberships)
            db.add(SchoolMembership(user_id=user.id, school_id=organization.id, since=date.today()))
            db.commit()
        return user

    return make


def csrf_token(response):
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    return match.group(1) if match else None


@pytest.fixture
def login(client, make_user):
    """login(role_or_user) signs the test client in and returns the user."""

    def sign_in(who="student", password=PASSWORD, **fields):
        user = make_user(who, **fields) if isinstance(who, str) else who
        response = client.post(
            "/login", data={"login": user.email or user.nisn, "password": password}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return sign_in
