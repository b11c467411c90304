"""The rollup tables stay equal to the raw aggregates through every kind of change."""

import threading

from sqlalchemy import update
from sqlmodel import select

from eduplatform.dashboard import increments
from eduplatform.dashboard.models import (
    CITY,
    CohortEnrollment,
    TeacherTraining,
    TrainingMonth,
    UnitReached,
)
from eduplatform.dashboard.periods import month_key
from eduplatform.dashboard.rebuild import check, rebuild
from eduplatform.db import new_session
from eduplatform.people import cohorts
from eduplatform.people.models import Cohort, Enrollment
from eduplatform.sqltypes import utcnow
from eduplatform.training import service as training
from eduplatform.training.models import UnitCompletion
from eduplatform.training.signals import completion_reviewed
from tests.dashboard.conftest import LAST_YEAR, THIS_YEAR


def test_rollups_stay_exact_through_logging_verifying_rejecting_and_revoking(
    db, city, work, consistent
):
    siti, agus, rina = city.students
    certificate = work.verify(siti, "EV-101-U1", "EV-101-U2")
    assert certificate is not None
    rejected = work.log(agus, "EV-101-U1")
    work.reject(rejected)
    work.verify(agus, "EV-101-U1")
    work.log(rina, "EV-101-U1")  # waits for review
    work.verify(city.other_student, "EV-102-U1")
    work.revoke(certificate)
    consistent()
    row = db.get(TrainingMonth, (CITY, THIS_YEAR, city.safety.id, month_key(utcnow())))
    assert (row.logged, row.verified, row.rejected) == (5, 3, 1)
    assert (row.certificates_issued, row.certificates_revoked) == (1, 1)


def test_bulk_approval_counts_every_record_and_certificate(app, city, work, consistent):
    siti, agus, _rina = city.students
    work.verify(siti, "EV-101-U1")
    records = [work.log(siti, "EV-101-U2"), work.log(agus, "EV-101-U1")]
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        result = training.approve_many(
            session,
            actor=city.teacher,
            completions=[session.get(UnitCompletion, r.id) for r in records],
        )
    assert len(result.approved) == 2 and len(result.certificates) == 1
    consistent()


def test_a_rolled_back_transaction_leaves_the_rollups_alone(app, db, city, work, consistent):
    completion = work.log(city.students[0], "EV-101-U1")
    with new_session(app) as session:
        record = session.get(UnitCompletion, completion.id)
        session.execute(
            update(UnitCompletion).where(UnitCompletion.id == record.id).values(status="verified")
        )
        record.reviewed_at = utcnow()
        completion_reviewed.send(
            record, session=session, old_status="submitted", new_status="verified"
        )
        session.rollback()
        session.commit()  # nothing is left to apply
    assert db.exec(select(UnitReached)).all() == []
    consistent()


def test_enrolling_moving_and_withdrawing_students_keep_class_counts(
    app, db, city, work, person, consistent
):
    siti, agus, _rina = city.students
    newcomer = person("student", organization=city.school)
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        cohorts.enroll_student(
            session,
            actor=city.office,
            cohort=session.get(Cohort, city.old_cohort.id),
            student=newcomer,
        )
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        cohorts.move_student(
            session,
            actor=city.office,
            student=siti,
            to_cohort=session.get(Cohort, city.old_cohort.id),
        )
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        cohorts.withdraw_student(session, actor=city.office, student=agus)
    consistent()
    row = db.get(CohortEnrollment, city.cohort.id)
    assert (row.active, row.moved, row.withdrawn) == (1, 1, 1)
    assert db.get(CohortEnrollment, city.old_cohort.id).active == 2


def test_changing_a_class_year_moves_its_records_to_the_new_year(app, db, city, work, consistent):
    work.verify(city.students[0], "EV-101-U1", "EV-101-U2")
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        cohort = session.get(Cohort, city.cohort.id)
        cohorts.update_cohort(
            session,
            actor=city.office,
            cohort=cohort,
            name="XI TKRO 9",
            academic_year=LAST_YEAR,
            program_id=cohort.program_id,
        )
    consistent()
    month = month_key(utcnow())
    assert db.get(TrainingMonth, (CITY, THIS_YEAR, city.safety.id, month)).verified == 0
    assert db.get(TrainingMonth, (CITY, LAST_YEAR, city.safety.id, month)).verified == 2
    assert db.get(CohortEnrollment, city.cohort.id).academic_year == LAST_YEAR


def test_activity_changes_before_and_after_completion_keep_exchange_counts(
    db, city, work, consistent
):
    partnership = work.partnership()
    training_ = work.activity(partnership)
    budi = work.participant(training_, partnership, user=city.teacher, hours="6")
    work.participant(training_, partnership, guest="Lecturer Zhang", hours="4")
    consistent()  # planned: nothing counted yet
    work.complete(training_)
    consistent()
    work.change_hours(training_, budi, "8")
    other = work.participant(training_, partnership, user=city.students[0], hours="2")
    consistent()
    work.remove(training_, other)
    cancelled = work.activity(partnership, kind="joint_workshop")
    work.cancel(cancelled)
    consistent()
    trained = db.exec(select(TeacherTraining).where(TeacherTraining.user_id == city.teacher.id))
    assert [(t.activities, t.hours) for t in trained] == [(1, 8)]


def test_rollups_check_reports_drift_and_rebuild_mends_it(app, db, city, work):
    work.verify(city.students[0], "EV-101-U1")
    db.exec(update(UnitReached).values(verified=UnitReached.verified + 5))
    db.commit()
    with new_session(app) as session:
        differences, total = check(session)
        assert total == 2  # the school's row and the city's
        assert {d["column"] for d in differences} == {"verified"}
        assert {(d["rollup"], d["raw"]) for d in differences} == {(6, 1)}
        rebuild(session)
        assert check(session) == ([], 0)


def test_every_change_moves_the_data_version(app, db, city, work):
    def version():
        with new_session(app, write=False) as session:
            return increments.data_version(session)

    before = version()
    work.log(city.students[0], "EV-101-U1")
    after_logging = version()
    school = db.get(type(city.school), city.school.id)
    school.name = "SMK Negeri 2 Surakarta (renamed)"
    db.add(school)
    db.commit()
    assert before < after_logging < version()


def test_concurrent_verifications_lose_no_count(app, city, work, consistent, person):
    students = city.students + [person("student", organization=city.school) for _ in range(3)]
    for student in students[3:]:
        db_enrol(app, student, city.cohort)
    records = [work.log(student, "EV-101-U1") for student in students]
    barrier = threading.Barrier(len(records))
    errors = []

    def approve(record):
        try:
            barrier.wait(timeout=10)
            work.approve(record)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=approve, args=(r,)) for r in records]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    consistent()
    with new_session(app, write=False) as session:
        row = session.get(UnitReached, (CITY, city.units["EV-101-U1"].id, THIS_YEAR))
        assert row.verified == len(records)


def db_enrol(app, student, cohort):
    with new_session(app) as session:
        session.add(
            Enrollment(cohort_id=cohort.id, student_id=student.id, enrolled_on=utcnow().date())
        )
        session.commit()
