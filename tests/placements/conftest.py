"""A school with a class following a small EV module, its teacher and student, another school,
the office, an admin, and an EV workshop with its supervisor."""

from dataclasses import dataclass
from datetime import timedelta

import pytest

from eduplatform.curriculum.models import Program
from eduplatform.db import new_session
from eduplatform.people.models import Cohort, CohortTeacher, Organization, User
from eduplatform.placements import companies, service
from eduplatform.placements.models import Placement, Supervisor
from tests.training.conftest import TODAY, add_module, enrol  # noqa: F401 - fixtures


def academic_year(today=TODAY):
    first = today.year if today.month >= 7 else today.year - 1
    return f"{first}/{first + 1}"


@dataclass
class World:
    school: Organization
    other_school: Organization
    cohort: Cohort
    teacher: User
    student: User
    classmate: User
    other_teacher: User
    other_student: User
    office: User
    admin: User
    units: dict
    company: Organization
    supervisor: Supervisor


@pytest.fixture
def pkl(app, db, make_org, make_user, add_module, enrol):  # noqa: F811
    university = make_org("university", name="Partner University")
    school = make_org("school", name="SMK Negeri 2 Surakarta")
    other_school = make_org("school", name="SMK Lain")
    program = Program(code="EV-MECH", title={"id": "Mekanik EV", "en": "EV mechanic"})
    db.add(program)
    db.commit()
    _module, _version, units = add_module(
        program, "EV-201",
        [("EV-201-U1", {"id": "Pemeriksaan baterai", "en": "Battery inspection"}, False, []),
         ("EV-201-U2", {"id": "Pengisian daya", "en": "Charging"}, False, []),
         ("EV-201-U3", {"id": "Diagnosis", "en": "Diagnosis"}, False, [])],
        owner=university, position=1,
    )  # fmt: skip
    cohort = Cohort(school_id=school.id, name="XII TKRO 1", academic_year=academic_year(),
                    program_id=program.id)  # fmt: skip
    other_cohort = Cohort(school_id=other_school.id, name="XII TKRO 9",
                          academic_year=academic_year(), program_id=program.id)  # fmt: skip
    db.add_all([cohort, other_cohort])
    db.commit()
    teacher = make_user("teacher", organization=school, full_name="Pak Budi")
    student = make_user("student", organization=school, full_name="Siti Rahma")
    classmate = make_user("student", organization=school, full_name="Agus")
    other_teacher = make_user("teacher", organization=other_school, full_name="Bu Lain")
    other_student = make_user("student", organization=other_school, full_name="Dewi Lain")
    db.add(CohortTeacher(cohort_id=cohort.id, teacher_id=teacher.id))
    db.commit()
    for s in (student, classmate):
        enrol(s, cohort, enrolled_on=TODAY - timedelta(days=200))
    enrol(other_student, other_cohort, enrolled_on=TODAY - timedelta(days=200))
    office = make_user("office")
    admin = make_user("admin")
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        actor = session.get(User, teacher.id)
        company = companies.create_company(
            session, actor=actor, name="Bengkel EV Sejahtera", sector="dealer_workshop",
            city="Surakarta",
        )  # fmt: skip
        supervisor = companies.add_supervisor(
            session, actor=actor, company=company, full_name="Pak Joko", position="Kepala bengkel",
            phone="+62 812 3456 7890", email="joko@bengkel.example",
        )  # fmt: skip
    return World(
        school=school, other_school=other_school, cohort=cohort, teacher=teacher, student=student,
        classmate=classmate, other_teacher=other_teacher, other_student=other_student,
        office=office, admin=admin, units=units, company=company, supervisor=supervisor,
    )  # fmt: skip


@pytest.fixture
def make_placement(app, pkl):
    """make_placement(student=None, start=True, **fields): a placement through the service."""

    def make(student=None, start=True, **fields):
        student = student or pkl.student
        values = {
            "starts_on": TODAY - timedelta(days=14),
            "ends_on": TODAY + timedelta(days=60),
            "unit_ids": [u.id for u in pkl.units.values()],
            **fields,
        }
        with app.test_request_context("/?lang=en"), new_session(app) as session:
            actor = session.get(User, pkl.teacher.id)
            placement = service.create_placement(
                session, actor=actor, student=session.get(User, student.id),
                company=session.get(Organization, pkl.company.id),
                supervisor=session.get(Supervisor, pkl.supervisor.id),
                teacher=actor, **values,
            )  # fmt: skip
            if start:
                service.change_status(session, actor=actor, placement=placement, action="start")
            return session.get(Placement, placement.id)

    return make
