"""The demo starts every journey as written (issue #14, section 7): the city's programme with
the university, a class of the academic year that holds today in Jakarta, work waiting in the
teacher's queue, a student with a birth date, no class named like the one Pak Budi creates."""

import json

import pytest
from sqlmodel import col, select

from eduplatform.clock import local_today
from eduplatform.curriculum.models import Unit
from eduplatform.dashboard.rebuild import check
from eduplatform.db import new_session
from eduplatform.demo import DEMO_PASSWORD
from eduplatform.exchange.models import ExchangeActivity, Partnership
from eduplatform.people.models import Cohort, CohortTeacher, Organization, OrgKind, User
from eduplatform.training.models import UnitCompletion
from eduplatform.training.progress import UnitState, unit_progress


@pytest.fixture
def demo(runner, db):
    result = runner.invoke(args=["demo", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _academic_year(day):
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}/{start + 1}"


def test_the_json_keeps_its_shape(demo):
    assert set(demo) == {"accounts", "scale"}
    assert [a["role"] for a in demo["accounts"]] == [
        "admin", "office", "author", "teacher", "student"
    ]  # fmt: skip
    assert all(set(a) == {"role", "email", "password"} for a in demo["accounts"])
    assert {a["password"] for a in demo["accounts"]} == {DEMO_PASSWORD}


def test_a_city_programme_with_the_university_and_every_demo_school(demo, db):
    office = db.exec(select(Organization).where(Organization.kind == OrgKind.OFFICE)).one()
    university = db.exec(select(Organization).where(Organization.kind == OrgKind.UNIVERSITY)).one()
    schools = db.exec(select(Organization).where(Organization.kind == OrgKind.SCHOOL)).all()
    partnership = db.exec(select(Partnership).where(Partnership.school_id == office.id)).one()
    assert partnership.partner_id == university.id and partnership.status == "active"
    assert partnership.member_school_ids == {school.id for school in schools}
    training = db.exec(select(ExchangeActivity)).one()
    assert training.status == "completed" and training.kind == "teacher_training"


def test_the_teachers_class_is_of_this_academic_year_and_not_xi_tkro_1(demo, db):
    teacher = db.exec(select(User).where(User.email == "teacher@demo.example.org")).one()
    classes = db.exec(
        select(Cohort)
        .join(CohortTeacher, CohortTeacher.cohort_id == Cohort.id)
        .where(CohortTeacher.teacher_id == teacher.id)
    ).all()
    # Siti's XI TKRO 2 and the grade XII class whose EV-101 Ms. Chen samples.
    assert {c.academic_year for c in classes} == {_academic_year(local_today())}
    assert sorted(c.name for c in classes) == ["XI TKRO 2", "XII TKRO 2"]
    assert db.exec(select(Cohort).where(Cohort.name == "XI TKRO 1")).all() == []


def test_a_few_submissions_wait_in_the_teachers_queue(demo, db):
    waiting = db.exec(select(UnitCompletion).where(UnitCompletion.status == "submitted")).all()
    assert 3 <= len(waiting) <= 6
    teacher = db.exec(select(User).where(User.email == "teacher@demo.example.org")).one()
    taught = set(
        db.exec(select(CohortTeacher.cohort_id).where(CohortTeacher.teacher_id == teacher.id)).all()
    )
    assert {c.cohort_id for c in waiting} <= taught


def test_siti_is_sixteen_and_logs_the_de_energising_unit_next(app, demo, db):
    siti = db.exec(select(User).where(User.nisn == "9999000001")).one()
    today = local_today()
    age = (
        today.year
        - siti.birth_date.year
        - ((today.month, today.day) < (siti.birth_date.month, siti.birth_date.day))
    )
    assert age == 16
    cohort = db.exec(select(Cohort).where(Cohort.name == "XI TKRO 2")).one()
    units = {
        u.code: u
        for u in db.exec(select(Unit).where(col(Unit.code).in_(["EV-101-U4", "EV-103-U1"])))
    }
    with app.test_request_context("/"), new_session(app, write=False) as session:
        states = {
            code: unit_progress(session, student_id=siti.id, cohort=cohort, unit=unit).state
            for code, unit in units.items()
        }
    assert states["EV-101-U4"] != UnitState.LOCKED
    assert states["EV-103-U1"] == UnitState.LOCKED  # the battery module waits for safety


def test_loading_twice_changes_nothing_and_the_rollups_agree(app, runner, demo, db):
    def counts():
        return [
            len(db.exec(select(model)).all())
            for model in (User, Cohort, UnitCompletion, Partnership, ExchangeActivity)
        ]

    before = counts()
    assert runner.invoke(args=["demo", "--json"]).exit_code == 0
    assert counts() == before
    with new_session(app) as session:
        differences, total = check(session)
    assert total == 0, differences[:5]


def test_the_waiting_records_carry_a_drawn_evidence_photo_the_same_each_time(app, demo, db):
    """Pak Budi looks at each photo (JOURNEYS.md): the demo draws one per waiting record."""
    from eduplatform.demo_photos import evidence_photo
    from eduplatform.uploads import upload_dir

    waiting = db.exec(select(UnitCompletion).where(UnitCompletion.status == "submitted")).all()
    assert waiting and all(c.photo_name and c.photo_mime_type == "image/jpeg" for c in waiting)
    with app.app_context():
        assert all((upload_dir() / c.photo_name).stat().st_size > 10_000 for c in waiting)
    assert evidence_photo("EV-101-U2", "9999000004") == evidence_photo("EV-101-U2", "9999000004")
    assert evidence_photo("EV-101-U1", "9999000002") != evidence_photo("EV-101-U1", "9999000003")
