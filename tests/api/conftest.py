"""An EV program with two modules, two schools with classes, people of every role, exchange
records, and helpers to make API tokens and call the API with them."""

import io
from dataclasses import dataclass
from datetime import time, timedelta
from decimal import Decimal

import pytest
from PIL import Image
from werkzeug.security import generate_password_hash

from eduplatform.api import service as tokens
from eduplatform.clock import local_today
from eduplatform.curriculum.models import Module, ModuleVersion, Program, Unit, UnitPrerequisite
from eduplatform.db import new_session
from eduplatform.exchange.models import ExchangeActivity, Partnership
from eduplatform.people.models import Cohort, CohortTeacher, Enrollment, Organization, User
from eduplatform.sqltypes import utcnow
from eduplatform.training import service as training
from eduplatform.training.models import UnitCompletion

TODAY = local_today()  # the schools' date, as the app's


@dataclass
class World:
    school: Organization
    other_school: Organization
    university: Organization
    program: Program
    units: dict  # code -> Unit
    cohort: Cohort
    other_cohort: Cohort
    teacher: User
    other_teacher: User  # another school
    student: User
    classmate: User
    other_student: User  # another school
    author: User
    office: User
    admin: User
    partnership: Partnership
    activity: ExchangeActivity


@pytest.fixture(autouse=True)
def quick_password_hashes(monkeypatch):
    monkeypatch.setattr(
        "eduplatform.people.models.generate_password_hash",
        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1000"),
    )


def _module(db, program, owner, code, position, units):
    module = Module(code=code, program_id=program.id, owner_id=owner.id, position=position)
    db.add(module)
    db.flush()
    version = ModuleVersion(
        module_id=module.id,
        number=1,
        status="published",
        title={"id": f"Modul {code}", "en": f"Module {code}", "zh": f"模块 {code}"},
        summary={"id": f"Ringkasan {code}", "en": f"Summary of {code}"},
        published_at=utcnow(),
    )
    db.add(version)
    db.flush()
    made = {}
    for position_, (unit_code, title, safety_critical, requires) in enumerate(units):
        unit = Unit(
            version_id=version.id,
            code=unit_code,
            position=position_,
            title=title,
            outcomes=[{"id": "Hasil", "en": "Outcome"}],
            task={"id": f"Tugas {unit_code}", "en": f"Task {unit_code}"},
            criteria=[{"id": "Kriteria", "en": "Criterion"}],
            practice_hours=Decimal("2"),
            safety_critical=safety_critical,
        )
        db.add(unit)
        db.flush()
        made[unit_code] = unit
        for required in requires:
            db.add(UnitPrerequisite(unit_id=unit.id, requires_id=made[required].id))
    db.commit()
    return made


@pytest.fixture
def world(db, make_org, make_user):
    university = make_org("university", name="Xi'an Partner Automotive University")
    school = make_org("school", name="SMK Negeri 2 Surakarta")
    other_school = make_org("school", name="SMK Lain")
    program = Program(code="EV-MECH", title={"id": "Mekanik EV", "en": "EV mechanic"})
    db.add(program)
    db.commit()
    units = _module(
        db,
        program,
        university,
        "EV-101",
        1,
        [
            (
                "EV-101-U1",
                {"id": "Bahaya tegangan tinggi", "en": "High-voltage hazards", "zh": "高压危害"},
                False,
                [],
            ),
            (
                "EV-101-U2",
                {"id": "Prosedur bebas tegangan", "en": "De-energising"},
                False,
                ["EV-101-U1"],
            ),
        ],
    )
    units |= _module(
        db,
        program,
        university,
        "EV-102",
        2,
        [
            ("EV-102-U1", {"id": "Arsitektur baterai", "en": "Battery architecture"}, False, []),
            ("EV-102-U2", {"id": "Melepas modul baterai"}, True, ["EV-102-U1"]),
        ],
    )
    cohort = Cohort(
        school_id=school.id, name="XI TKRO 1", academic_year="2025/2026", program_id=program.id
    )
    other_cohort = Cohort(
        school_id=other_school.id,
        name="XI TKRO 2",
        academic_year="2025/2026",
        program_id=program.id,
    )
    db.add_all([cohort, other_cohort])
    db.commit()
    teacher = make_user("teacher", organization=school, full_name="Budi Santoso")
    other_teacher = make_user("teacher", organization=other_school)
    db.add_all(
        [
            CohortTeacher(cohort_id=cohort.id, teacher_id=teacher.id),
            CohortTeacher(cohort_id=other_cohort.id, teacher_id=other_teacher.id),
        ]
    )
    student = make_user("student", organization=school, full_name="Siti Rahayu")
    classmate = make_user("student", organization=school, full_name="Agus Pratama")
    other_student = make_user("student", organization=other_school, full_name="Rina Wati")
    for person, joined in ((student, cohort), (classmate, cohort), (other_student, other_cohort)):
        db.add(
            Enrollment(
                cohort_id=joined.id, student_id=person.id, enrolled_on=TODAY - timedelta(days=60)
            )
        )
    db.commit()
    partnership = Partnership(
        school_id=school.id,
        partner_id=university.id,
        kind="university",
        areas=["education"],
        status="active",
    )
    db.add(partnership)
    db.commit()
    activity = ExchangeActivity(
        partnership_id=partnership.id,
        kind="joint_workshop",
        title="Battery workshop",
        starts_on=TODAY - timedelta(days=2),
        ends_on=TODAY - timedelta(days=1),
        place="Surakarta",
    )
    db.add(activity)
    db.commit()
    return World(
        school=school,
        other_school=other_school,
        university=university,
        program=program,
        units=units,
        cohort=cohort,
        other_cohort=other_cohort,
        teacher=teacher,
        other_teacher=other_teacher,
        student=student,
        classmate=classmate,
        other_student=other_student,
        author=make_user("author", organization=university),
        office=make_user("office"),
        admin=make_user("admin"),
        partnership=partnership,
        activity=activity,
    )


@pytest.fixture
def token(app):
    """token(user, scope="read-write", **fields): a new API token for the user."""

    def make(user, scope="read-write", name="test", expires_on=None):
        with app.app_context(), new_session(app) as session:
            _row, raw = tokens.create_token(
                session,
                actor=user,
                user=session.get(User, user.id),
                name=name,
                scope=scope,
                expires_on=expires_on,
            )
        return raw

    return make


@pytest.fixture
def api(client, token):
    """api(method, path, user_or_token, **kwargs): a request with `Authorization: Bearer`."""
    made = {}

    def call(method, path, who=None, scope="read-write", **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if who is not None:
            if isinstance(who, str):
                raw = who
            else:
                raw = made.get((who.id, scope)) or made.setdefault(
                    (who.id, scope), token(who, scope)
                )
            headers["Authorization"] = f"Bearer {raw}"
        return client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    return call


@pytest.fixture
def logged(app, world):
    """logged(code, student=None, **fields): a completion logged through the service."""

    def make(code, student=None, **fields):
        values = {"performed_on": TODAY, "hours": "2", "note": "Did the task with my group."}
        values.update(fields)
        with app.test_request_context(), new_session(app) as session:
            student = session.get(User, (student or world.student).id)
            return training.log_completion(session, actor=student, unit=world.units[code], **values)

    return make


@pytest.fixture
def verified(app, world, logged):
    """verified(*codes, student=None): completions logged and approved, in order."""

    def make(*codes, student=None):
        done = []
        for code in codes:
            completion = logged(code, student=student)
            with app.test_request_context(), new_session(app) as session:
                completion = session.get(UnitCompletion, completion.id)
                teacher = session.get(
                    User,
                    (world.other_teacher if student is world.other_student else world.teacher).id,
                )
                training.approve_completion(
                    session, actor=teacher, completion=completion, criteria_met=[1]
                )
            done.append(completion)
        return done

    return make


def jpeg_bytes(size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 20)).save(buffer, "JPEG")
    return buffer.getvalue()


def problem(response):
    """The response's problem document, checked for its shape."""
    assert response.mimetype == "application/problem+json", response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"type", "title", "status", "detail", "errors"}
    assert body["status"] == response.status_code
    return body


@dataclass
class Placed:
    company_id: int
    placement_id: int  # the student's running placement at the company
    other_placement_id: int  # the other school's student's
    entry_id: int  # the student's journal entry of yesterday


@pytest.fixture
def placed(app, world):
    """An EV workshop where the student and the other school's student are on placement
    (running), and the student's journal entry of yesterday, all through the services."""
    from eduplatform.placements import companies, journal
    from eduplatform.placements import service as placements
    from eduplatform.placements.models import Placement, Supervisor

    def place(session, teacher, student, company, supervisor):
        placement = placements.create_placement(
            session, actor=teacher, student=session.get(User, student.id), company=company,
            supervisor=supervisor, teacher=teacher, starts_on=TODAY - timedelta(days=10),
            ends_on=TODAY + timedelta(days=80), dates_note="Across two academic years",
            unit_ids=[world.units["EV-101-U1"].id, world.units["EV-101-U2"].id],
        )  # fmt: skip
        placements.change_status(session, actor=teacher, placement=placement, action="start")
        return placement

    with app.test_request_context("/?lang=en"), new_session(app) as session:
        teacher = session.get(User, world.teacher.id)
        company = companies.create_company(
            session, actor=teacher, name="Bengkel EV Sejahtera", sector="dealer_workshop",
            city="Surakarta",
        )  # fmt: skip
        supervisor = companies.add_supervisor(
            session, actor=teacher, company=company, full_name="Pak Joko",
            position="Kepala bengkel", phone="+62 812 3456 7890",
        )  # fmt: skip
        mine = place(session, teacher, world.student, company, supervisor)
        other = place(
            session, session.get(User, world.other_teacher.id), world.other_student,
            company, session.get(Supervisor, supervisor.id),
        )  # fmt: skip
        entry = journal.write_entry(
            session, actor=session.get(User, world.student.id),
            placement=session.get(Placement, mine.id), day=TODAY - timedelta(days=1),
            kind="present", arrived_at=time(8, 0), left_at=time(16, 0),
            activities="Checked battery packs", unit_ids=[world.units["EV-101-U1"].id],
        )  # fmt: skip
        return Placed(company_id=company.id, placement_id=mine.id, other_placement_id=other.id,
                      entry_id=entry.id)  # fmt: skip
