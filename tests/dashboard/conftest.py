"""A small city: two schools, an EV program of two modules, classes of two years, people.

Work is done through the real services (so the rollups are kept by the signals), inside a
request context as the web does; `do` gives each call its own transaction.
"""

import html
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select
from werkzeug.security import generate_password_hash

from eduplatform.curriculum.models import Module, ModuleVersion, Program, Unit, UnitPrerequisite
from eduplatform.dashboard.periods import year_months
from eduplatform.dashboard.rebuild import rebuild
from eduplatform.db import new_session
from eduplatform.exchange import participation, partnerships
from eduplatform.exchange import service as exchange
from eduplatform.exchange.models import ExchangeActivity
from eduplatform.people.models import (
    Cohort,
    CohortTeacher,
    Enrollment,
    Organization,
    User,
)
from eduplatform.sqltypes import utcnow
from eduplatform.training import service as training
from eduplatform.training.models import UnitCompletion
from tests.conftest import PASSWORD

TODAY = datetime.now(ZoneInfo("Asia/Jakarta")).date()
THIS_YEAR = f"{TODAY.year - (TODAY.month < 7)}/{TODAY.year - (TODAY.month < 7) + 1}"
LAST_YEAR = f"{TODAY.year - (TODAY.month < 7) - 1}/{TODAY.year - (TODAY.month < 7)}"


def text(response):
    return html.unescape(response.get_data(as_text=True))


@dataclass
class City:
    university: Organization
    school: Organization
    other_school: Organization
    program: Program
    safety: Module  # EV-101: U1, U2 (U2 requires U1)
    battery: Module  # EV-102: U1, U2
    units: dict
    cohort: Cohort  # school, this year
    old_cohort: Cohort  # school, last year
    other_cohort: Cohort  # other school, this year
    teacher: User
    other_teacher: User
    office: User
    admin: User
    author: User
    students: list  # three in `cohort`
    other_student: User
    extra: dict = field(default_factory=dict)


@pytest.fixture
def person(db, make_user):
    def make(role, organization=None, **fields):
        user = make_user(role, organization=organization, password=None, **fields)
        user.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")
        db.add(user)
        db.commit()
        return user

    return make


def _module(db, program, code, owner, position):
    module = Module(code=code, program_id=program.id, owner_id=owner.id, position=position)
    db.add(module)
    db.flush()
    version = ModuleVersion(
        module_id=module.id,
        number=1,
        status="published",
        title={"id": f"Modul {code}", "en": f"Module {code}"},
        published_at=utcnow(),
    )
    db.add(version)
    db.flush()
    units = {}
    for position_, suffix in enumerate(("U1", "U2")):
        unit = Unit(
            version_id=version.id,
            code=f"{code}-{suffix}",
            position=position_,
            title={"id": f"Unit {code}-{suffix}", "en": f"Unit {code}-{suffix}"},
            practice_hours=Decimal("2"),
        )
        db.add(unit)
        db.flush()
        units[unit.code] = unit
    db.add(UnitPrerequisite(unit_id=units[f"{code}-U2"].id, requires_id=units[f"{code}-U1"].id))
    db.commit()
    return module, units


def _enrol(db, student, cohort):
    db.add(
        Enrollment(
            cohort_id=cohort.id, student_id=student.id, enrolled_on=TODAY - timedelta(days=60)
        )
    )
    db.commit()


@pytest.fixture
def city(db, make_org, person):
    university = make_org("university", name="Xi'an Partner Automotive University")
    school = make_org("school", name="SMK Negeri 2 Surakarta")
    other_school = make_org("school", name="SMK Lain")
    program = Program(code="EV-MECH", title={"id": "Mekanik EV", "en": "EV mechanic"})
    db.add(program)
    db.commit()
    safety, safety_units = _module(db, program, "EV-101", university, 1)
    battery, battery_units = _module(db, program, "EV-102", university, 2)
    cohorts = []
    for org, name, year in (
        (school, "XI TKRO 1", THIS_YEAR),
        (school, "XI TKRO 1", LAST_YEAR),
        (other_school, "XI TKRO 2", THIS_YEAR),
    ):
        cohort = Cohort(school_id=org.id, name=name, academic_year=year, program_id=program.id)
        db.add(cohort)
        db.commit()
        cohorts.append(cohort)
    teacher = person("teacher", organization=school, full_name="Budi Santoso")
    other_teacher = person("teacher", organization=other_school, full_name="Dewi Lestari")
    for cohort, who in ((cohorts[0], teacher), (cohorts[1], teacher), (cohorts[2], other_teacher)):
        db.add(CohortTeacher(cohort_id=cohort.id, teacher_id=who.id))
    db.commit()
    names = ("Siti Rahayu", "Agus Pratama", "Rina Kusuma")
    students = [person("student", organization=school, full_name=name) for name in names]
    for student in students:
        _enrol(db, student, cohorts[0])
    other_student = person("student", organization=other_school, full_name="Joko Widodo Lain")
    _enrol(db, other_student, cohorts[2])
    return City(
        university=university,
        school=school,
        other_school=other_school,
        program=program,
        safety=safety,
        battery=battery,
        units={**safety_units, **battery_units},
        cohort=cohorts[0],
        old_cohort=cohorts[1],
        other_cohort=cohorts[2],
        teacher=teacher,
        other_teacher=other_teacher,
        office=person("office"),
        admin=person("admin"),
        author=person("author", organization=university, full_name="Chen Jing"),
        students=students,
        other_student=other_student,
    )


def _fresh(session, obj):
    """The row as stored now, in this session (a stale copy must never overwrite it)."""
    return session.get(type(obj), obj.id)


class Work:
    """Calls the services as the web does: one request context and one transaction per call."""

    def __init__(self, app, city):
        self.app, self.city = app, city

    def run(self, function, **kwargs):
        with self.app.test_request_context("/?lang=en"), new_session(self.app) as session:
            return function(session, **kwargs)

    def log(self, student, code, hours="2"):
        unit = self.city.units[code]
        return self.run(
            lambda s, **kw: training.log_completion(
                s, actor=student, unit=s.get(Unit, unit.id), **kw
            ),
            performed_on=TODAY,
            hours=hours,
            note="Did the task.",
        )

    def approve(self, completion, teacher=None):
        return self.run(
            lambda s: training.approve_completion(
                s, actor=teacher or self._teacher(completion), completion=_fresh(s, completion)
            )
        )

    def reject(self, completion, teacher=None):
        return self.run(
            lambda s: training.reject_completion(
                s,
                actor=teacher or self._teacher(completion),
                completion=_fresh(s, completion),
                feedback="Redo the torque check.",
            )
        )

    def verify(self, student, *codes):
        """Log and approve units; returns the certificate the last approval issued, if any."""
        certificate = None
        for code in codes:
            certificate = self.approve(self.log(student, code))
        return certificate

    def revoke(self, certificate):
        return self.run(
            lambda s: training.revoke_certificate(
                s, actor=self.city.office, certificate=_fresh(s, certificate), reason="Fraud."
            )
        )

    def _teacher(self, completion):
        return (
            self.city.other_teacher
            if completion.cohort_id == self.city.other_cohort.id
            else self.city.teacher
        )

    # -- exchange -------------------------------------------------------------------------------

    def partnership(self, school=None):
        return self.run(
            lambda s: partnerships.create_partnership(
                s,
                actor=self.city.office,
                school=_fresh(s, school or self.city.school),
                partner=_fresh(s, self.city.university),
                kind="university",
                areas=["education"],
                status="active",
            )
        )

    def activity(self, partnership, kind="teacher_training", starts_on=None, days=2):
        starts_on = starts_on or TODAY - timedelta(days=3)
        return self.run(
            lambda s: exchange.create_activity(
                s,
                actor=self.city.office,
                partnership=_fresh(s, partnership),
                kind=kind,
                title="EV battery training",
                starts_on=starts_on,
                ends_on=starts_on + timedelta(days=days - 1),
                place="Workshop B",
                currency="IDR",
            )
        )

    def participant(self, activity, partnership, user=None, guest=None, hours="6"):
        return self.run(
            lambda s: participation.add_participant(
                s,
                actor=self.city.office,
                activity=_fresh(s, activity),
                partnership=_fresh(s, partnership),
                user=_fresh(s, user) if user else None,
                guest_name=guest,
                hours=hours,
            )
        )

    def change_hours(self, activity, participant, hours):
        return self.run(
            lambda s: participation.update_participant(
                s,
                actor=self.city.office,
                activity=_fresh(s, activity),
                participant=_fresh(s, participant),
                role=participant.role,
                hours=hours,
            )
        )

    def remove(self, activity, participant):
        return self.run(
            lambda s: participation.remove_participant(
                s,
                actor=self.city.office,
                activity=_fresh(s, activity),
                participant=_fresh(s, participant),
            )
        )

    def complete(self, activity, hours="16"):
        return self.run(
            lambda s: exchange.complete_activity(
                s,
                actor=self.city.office,
                activity=_fresh(s, activity),
                outcomes="Teachers can de-energise a vehicle.",
                hours=hours,
                follow_up="Repeat next term.",
            )
        )

    def cancel(self, activity):
        return self.run(
            lambda s: exchange.cancel_activity(
                s, actor=self.city.office, activity=_fresh(s, activity)
            )
        )


@pytest.fixture
def work(app, city):
    return Work(app, city)


@pytest.fixture
def consistent(app):
    """consistent(): assert `rollups check` finds no difference (and return the checker)."""
    from eduplatform.dashboard.rebuild import check

    def verify():
        with new_session(app) as session:
            differences, total = check(session)
        assert total == 0, differences[:10]

    return verify


@pytest.fixture(autouse=True)
def quick_password_hashes(monkeypatch):
    monkeypatch.setattr(
        "eduplatform.people.models.generate_password_hash",
        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1000"),
    )


@pytest.fixture
def scenario(db, city, work, person):
    """The hand-counted world of the figure tests (see test_figures for the counts).

    - Siti verifies EV-101-U1 and -U2 (a certificate); Agus has EV-101-U1 sent back, then
      verified; Rina's EV-101-U1 waits for review: all in `cohort` (this year).
    - Joko (other school) verifies EV-102-U1.
    - Wati, last year's class, verified EV-101-U1 and finished the class.
    - Each school completed one teacher training this term: Budi (6 h) with a guest (4 h) at
      the school, Dewi (6 h) at the other school; a joint workshop at the school is planned.
    """
    siti, agus, rina = city.students
    certificate = work.verify(siti, "EV-101-U1", "EV-101-U2")
    work.reject(work.log(agus, "EV-101-U1"))
    work.verify(agus, "EV-101-U1")
    work.log(rina, "EV-101-U1")
    work.verify(city.other_student, "EV-102-U1")
    wati = person("student", organization=city.school, full_name="Wati Lestari")
    _enrol(db, wati, city.old_cohort)
    work.verify(wati, "EV-101-U1")
    enrollment = db.exec(select(Enrollment).where(Enrollment.student_id == wati.id)).one()
    enrollment.status = "completed"
    db.add(enrollment)
    db.commit()
    for school, teacher, guest in (
        (city.school, city.teacher, "Lecturer Zhang"),
        (city.other_school, city.other_teacher, None),
    ):
        partnership = work.partnership(school)
        training = work.activity(partnership, starts_on=TODAY)
        work.participant(training, partnership, user=teacher, hours="6")
        if guest:
            work.participant(training, partnership, guest=guest, hours="4")
        work.complete(training)
        if guest:
            work.activity(partnership, kind="joint_workshop", starts_on=TODAY)
    city.extra.update(certificate=certificate, wati=wati)
    return city


def _moment(month, day=15):
    return datetime(int(month[:4]), int(month[5:7]), day, 3, 0, tzinfo=UTC)


@pytest.fixture
def spread(app, db, scenario):
    """The scenario's work spread over two academic years: Wati's unit (last year's class) was
    verified in March of last year, Joko's at the start of this year (or this month, in July),
    and the other school's teacher training ran in last year's March."""
    last_march = next(m for m in year_months(LAST_YEAR) if m.endswith("-03"))
    first_this_year = year_months(THIS_YEAR)[0]
    moves = {scenario.extra["wati"].id: last_march, scenario.other_student.id: first_this_year}
    for completion in db.exec(select(UnitCompletion)).all():
        month = moves.get(completion.student_id)
        if month:
            completion.created_at = _moment(month, 10)
            completion.reviewed_at = _moment(month)
            completion.performed_on = _moment(month, 9).date()
            db.add(completion)
    training = db.exec(
        select(ExchangeActivity).where(ExchangeActivity.status == "completed")
    ).all()[-1]
    training.starts_on = training.ends_on = _moment(last_march).date()
    db.add(training)
    db.commit()
    with app.test_request_context("/"), new_session(app) as session:
        rebuild(session)
        session.commit()
    return scenario
