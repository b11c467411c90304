import threading

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel, select

from eduplatform.cli import alembic_config
from eduplatform.db import get_engine, make_engine, migration_connection, new_session
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
    with migration_connection(engine) as connection:
        command.upgrade(alembic_config(connection), "heads")
    with migration_connection(engine) as connection:
        command.downgrade(alembic_config(connection), "base")
        tables = connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type='table' AND name != 'alembic_version'"
        ).all()
        assert tables == []
    with migration_connection(engine) as connection:
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


def test_a_downgrade_and_upgrade_on_sqlite_keep_rows_that_refer_to_rebuilt_tables(tmp_path):
    """Batch migrations rebuild `user` on SQLite; the rows that refer to it must survive.

    With foreign keys on, dropping the old copy ran ON DELETE CASCADE (sessions, enrolments,
    certificates) and SET NULL (the audit log's actors) on every referring row."""
    engine = make_engine(f"sqlite:///{tmp_path}/keep.db")
    with migration_connection(engine) as connection:
        command.upgrade(alembic_config(connection), "0008")
        stamp = "2026-01-05 08:00:00.000000"
        connection.exec_driver_sql(
            "INSERT INTO organization (id, kind, name, npsn, city, country, address, contact,"
            " active, created_at) VALUES (1, 'school', 'SMK Satu', '99990001', 'Surakarta',"
            " 'ID', '', '', 1, ?)",
            (stamp,),
        )
        connection.exec_driver_sql(
            "INSERT INTO user (id, email, full_name, role, organization_id, active, created_at)"
            " VALUES (1, 't@example.org', 'Budi', 'teacher', 1, 1, ?)",
            (stamp,),
        )
        connection.exec_driver_sql(
            "INSERT INTO user_session (id, user_id, token_hash, created_at) VALUES (1, 1, 'h', ?)",
            (stamp,),
        )
        connection.exec_driver_sql(
            "INSERT INTO audit_event (id, created_at, actor_id, action, details)"
            " VALUES (1, ?, 1, 'auth.login', '{}')",
            (stamp,),
        )
    for target in ("heads", "0008", "heads"):
        with migration_connection(engine) as connection:
            step = command.upgrade if target == "heads" else command.downgrade
            step(alembic_config(connection), target)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM user_session").scalar() == 1
        actor = connection.exec_driver_sql("SELECT actor_id FROM audit_event").scalar()
        assert actor == 1
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
