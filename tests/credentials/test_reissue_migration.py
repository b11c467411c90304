"""Migration 0014 re-issues existing certificates' credentials: every certificate gets a status
entry at a distinct position, every holder a random subject id, and the NISN salt goes."""

import importlib.util
from pathlib import Path

from alembic import command
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import inspect, text
from sqlmodel import Session

from eduplatform.cli import alembic_config
from eduplatform.curriculum.models import Module, ModuleVersion, Program
from eduplatform.db import make_engine, migration_connection
from eduplatform.people.models import Organization, User
from eduplatform.training.models import Certificate

MIGRATIONS = Path(__file__).parents[2] / "migrations" / "versions"


def _certificates(engine):
    """Two students, three certificates, written at the head revision."""
    with Session(engine) as session:
        school = Organization(kind="school", name="SMK Migrasi", npsn="99990001")
        program = Program(code="EV-MECH", title={"en": "EV mechanic"})
        session.add_all([school, program])
        session.flush()
        students = [User(full_name=f"Student {n}", role="student", organization_id=school.id,
                         nisn=f"99990000{n:02d}") for n in (1, 2)]  # fmt: skip
        session.add_all(students)
        session.flush()
        for number, code in enumerate(("EV-101", "EV-102", "EV-103")):
            module = Module(code=code, program_id=program.id, position=number)
            session.add(module)
            session.flush()
            version = ModuleVersion(module_id=module.id, number=1, status="published",
                                    title={"en": code}, summary={"en": code})  # fmt: skip
            session.add(version)
            session.flush()
            student = students[0] if number < 2 else students[1]
            session.add(Certificate(code=f"CODE{number}ABCDE"[:10], student_id=student.id,
                                    version_id=version.id, school_id=school.id))  # fmt: skip
        session.commit()


def _run(connection, step):
    """Run migration 0014's upgrade() or downgrade() on `connection`."""
    (path,) = MIGRATIONS.glob("*_0014_credentials.py")
    spec = importlib.util.spec_from_file_location("migration_0014", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    context = MigrationContext.configure(connection, opts={"render_as_batch": True})
    with Operations.context(context):
        getattr(migration, step)()


def test_the_migration_gives_every_certificate_its_status_and_every_holder_an_id(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/reissue.db")
    with migration_connection(engine) as connection:
        command.upgrade(alembic_config(connection), "heads")
    _certificates(engine)
    # Back to before 0014 and up again through 0014 alone (a downgrade of later migrations
    # that rebuild `user` on SQLite would cascade to every row that references a user).
    with migration_connection(engine) as connection:
        _run(connection, "downgrade")
        columns = {c["name"] for c in inspect(connection).get_columns("certificate")}
        assert "identity_salt" in columns
        assert not inspect(connection).has_table("credential_status")
    with migration_connection(engine) as connection:
        _run(connection, "upgrade")
        columns = {c["name"] for c in inspect(connection).get_columns("certificate")}
        assert "identity_salt" not in columns
        statuses = connection.execute(
            text("SELECT certificate_id, list_id, list_index FROM credential_status")
        ).all()
        holders = connection.execute(
            text("SELECT student_id, subject_id FROM credential_holder")
        ).all()
    assert sorted(s[0] for s in statuses) == [1, 2, 3]
    assert {s[1] for s in statuses} == {1} and len({s[2] for s in statuses}) == 3
    assert sorted(h[0] for h in holders) == [1, 2]
    for _student, subject in holders:
        assert (
            subject.startswith("urn:uuid:") and "9999" not in subject.removeprefix("urn:uuid:")[:4]
        )
    engine.dispose()
