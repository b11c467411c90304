"""A small EV program (a safety module and a battery module), a school with a class, people."""

import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from eduplatform.curriculum.models import Module, ModuleVersion, Program, Unit, UnitPrerequisite
from eduplatform.db import new_session
from eduplatform.people.models import Cohort, CohortTeacher, Enrollment, Organization, User
from eduplatform.sqltypes import utcnow
from eduplatform.training import service
from eduplatform.training.models import UnitCompletion

TODAY = datetime.now(ZoneInfo("Asia/Jakarta")).date()  # the schools' today, as the service


@dataclass
class Training:
    university: Organization
    school: Organization
    other_school: Organization
    program: Program
    safety: Module  # EV-101: U1, then U2 (requires U1)
    battery: Module  # EV-102: U1, then U2 (requires U1, safety-critical)
    units: dict  # code -> Unit
    cohort: Cohort
    teacher: User
    other_teacher: User  # same school, not a teacher of the cohort
    foreign_teacher: User  # another school
    student: User
    classmate: User
    office: User
    admin: User
    extra: dict = field(default_factory=dict)


@pytest.fixture
def add_module(db):
    """add_module(program, code, units=[(code, {title}, safety_critical, [prereq codes])])."""

    def make(program, code, units, *, owner=None, number=1, status="published", position=0):
        module = Module(code=code, program_id=program.id, owner_id=owner and owner.id,
                        position=position)  # fmt: skip
        db.add(module)
        db.flush()
        version = ModuleVersion(
            module_id=module.id,
            number=number,
            status=status,
            title={"id": f"Modul {code}", "en": f"Module {code}", "zh": f"模块 {code}"},
            summary={"id": f"Ringkasan {code}", "en": f"Summary of {code}"},
            published_at=utcnow() if status == "published" else None,
        )
        db.add(version)
        db.flush()
        made = {}
        for position_, (unit_code, title, safety_critical, _requires) in enumerate(units):
            unit = Unit(
                version_id=version.id,
                code=unit_code,
                position=position_,
                title=title,
                task={"id": f"Tugas {unit_code}", "en": f"Task {unit_code}"},
                criteria=[{"id": "Kriteria", "en": "Criterion"}],
                practice_hours=Decimal("2"),
                safety_critical=safety_critical,
            )
            db.add(unit)
            db.flush()
            made[unit_code] = unit
        for unit_code, _title, _safety, requires in units:
            for required in requires:
                db.add(UnitPrerequisite(unit_id=made[unit_code].id, requires_id=made[required].id))
        db.commit()
        return module, version, made

    return make


@pytest.fixture
def enrol(db):
    def make(student, cohort, enrolled_on=None):
        enrollment = Enrollment(
            cohort_id=cohort.id, student_id=student.id,
            enrolled_on=enrolled_on or TODAY - timedelta(days=60),
        )  # fmt: skip
        db.add(enrollment)
        db.commit()
        return enrollment

    return make


@pytest.fixture
def training(db, make_org, make_user, add_module, enrol):
    university = make_org("university", name="Xi'an Partner Automotive University")
    school = make_org("school", name="SMK Negeri 2 Surakarta")
    other_school = make_org("school", name="SMK Lain")
    program = Program(code="EV-MECH", title={"id": "Mekanik EV", "en": "EV mechanic"})
    db.add(program)
    db.commit()
    safety, _v1, safety_units = add_module(
        program, "EV-101",
        [("EV-101-U1", {"id": "Bahaya tegangan tinggi", "en": "High-voltage hazards",
                        "zh": "高压危害"}, False, []),
         ("EV-101-U2", {"id": "Prosedur bebas tegangan", "en": "De-energising"}, False,
          ["EV-101-U1"])],
        owner=university, position=1,
    )  # fmt: skip
    battery, _v2, battery_units = add_module(
        program, "EV-102",
        [("EV-102-U1", {"id": "Arsitektur baterai", "en": "Battery architecture"}, False, []),
         ("EV-102-U2", {"id": "Melepas modul baterai", "en": "Removing a battery module"}, True,
          ["EV-102-U1"])],
        owner=university, position=2,
    )  # fmt: skip
    cohort = Cohort(school_id=school.id, name="XI TKRO 1", academic_year="2025/2026",
                    program_id=program.id)  # fmt: skip
    db.add(cohort)
    db.commit()
    teacher = make_user("teacher", organization=school, full_name="Budi Santoso")
    db.add(CohortTeacher(cohort_id=cohort.id, teacher_id=teacher.id))
    db.commit()
    student = make_user("student", organization=school, full_name="Siti Rahayu",
                        birth_date=date(TODAY.year - 16, 1, 1))  # fmt: skip
    classmate = make_user("student", organization=school, full_name="Agus Pratama")
    enrol(student, cohort)
    enrol(classmate, cohort)
    return Training(
        university=university,
        school=school,
        other_school=other_school,
        program=program,
        safety=safety,
        battery=battery,
        units={**safety_units, **battery_units},
        cohort=cohort,
        teacher=teacher,
        other_teacher=make_user("teacher", organization=school, full_name="Dewi Lestari"),
        foreign_teacher=make_user("teacher", organization=other_school),
        student=student,
        classmate=classmate,
        office=make_user("office"),
        admin=make_user("admin"),
    )


@pytest.fixture
def log(app, session, training):
    """log(code, student=None, **fields): the student logs a unit through the service."""

    def make(code, student=None, **fields):
        values = {"performed_on": TODAY, "hours": "2", "note": "Did the task with my group."}
        values.update(fields)
        with app.test_request_context("/?lang=en"):
            return service.log_completion(
                session, actor=student or training.student, unit=training.units[code], **values
            )

    return make


@pytest.fixture
def verified(app, session, training, log):
    """verified(*codes, student=None): log and approve units in order."""

    def make(*codes, student=None):
        done = []
        for code in codes:
            completion = log(code, student=student)
            with app.test_request_context("/?lang=en"):
                service.approve_completion(
                    session, actor=training.teacher, completion=completion, criteria_met=[1]
                )
            done.append(completion)
        return done

    return make


def jpeg_bytes(size=(64, 48), colour=(200, 80, 20), exif=None):
    buffer = io.BytesIO()
    image = Image.new("RGB", size, colour)
    if exif is not None:
        image.save(buffer, "JPEG", exif=exif)
    else:
        image.save(buffer, "JPEG")
    return buffer.getvalue()


def completions_count(db):
    from sqlmodel import func, select

    return db.exec(select(func.count()).select_from(UnitCompletion)).one()


@pytest.fixture
def session(app):
    """A transactional session, as a request has: what the services are called with here.

    (The shared `db` fixture runs in autocommit mode, for arranging and inspecting.)
    """
    with new_session(app) as session:
        yield session


@pytest.fixture
def app_context(app):
    """Services translate messages and find the upload folder through the app; tests of the
    services push a context (web tests must not: requests would share its `g`)."""
    with app.test_request_context("/?lang=en"):
        yield


@pytest.fixture(autouse=True)
def quick_password_hashes(monkeypatch):
    """These tests make many accounts: hash their passwords cheaply (logins still check them)."""
    from werkzeug.security import generate_password_hash

    monkeypatch.setattr(
        "eduplatform.people.models.generate_password_hash",
        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1000"),
    )
