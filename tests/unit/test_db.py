import threading

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel, select

from eduplatform.cli import alembic_config
from eduplatform.db import get_engine, make_engine, new_session
from eduplatform.people.models import Organization


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/p.db")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    engine.dispose()


def test_postgresql_urls_use_psycopg_3():
    engine = make_engine("postgresql://user@127.0.0.1/db")
    assert engine.dialect.driver == "psycopg"


def test_migrations_create_exactly_the_models_tables(app):
    with get_engine(app).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_downgrade_to_base_and_upgrade_again(app_config, tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/roundtrip.db")
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "heads")
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
        tables = connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type='table' AND name != 'alembic_version'"
        ).all()
        assert tables == []
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "heads")
    engine.dispose()


def test_concurrent_writers_never_see_database_is_locked(app, make_org):
    """Twenty threads each add a school in their own write transaction."""
    errors = []

    def write(n):
        try:
            with app.app_context(), new_session(app) as session:
                session.add(
                    Organization(kind="school", name=f"Concurrent {n}", npsn=f"{70000000 + n:08d}")
                )
                count = session.exec(select(Organization)).all()  # read inside the write
                assert count
                session.commit()
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context(), new_session(app) as session:
        names = session.exec(select(Organization.name)).all()
    assert sum(name.startswith("Concurrent") for name in names) == 20


def test_foreign_keys_are_enforced(db):
    from eduplatform.people.models import User

    db.add(
        User(email="orphan@example.org", full_name="Orphan", role="teacher", organization_id=999999)
    )
    with pytest.raises(Exception, match="(?i)foreign key"):
        db.commit()
    db.rollback()
    assert db.exec(text('SELECT count(*) FROM "user"')).scalar() == 0
