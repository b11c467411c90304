"""Selection: a verification under a plan gets a recorded, reproducible draw; the rules' rates
hold on a synthetic term; a disagreement puts the teacher under the 100% rule until back in line."""

from datetime import timedelta
from decimal import Decimal

from sqlmodel import select

from eduplatform.db import new_session
from eduplatform.people.models import Cohort, CohortTeacher, Enrollment, SchoolMembership, User
from eduplatform.quality.models import (
    QualityReview,
    QualitySample,
    SampleRule,
    SampleStatus,
    SamplingPlan,
)
from eduplatform.quality.sampling import draw_for, is_selected, out_of_line, record_draw
from eduplatform.sqltypes import utcnow
from eduplatform.training.models import UnitCompletion
from tests.quality.conftest import TODAY


def _sample_of(db, completion):
    return db.exec(
        select(QualitySample).where(QualitySample.completion_id == completion.id)
    ).first()


def test_a_verification_under_the_plan_is_drawn_and_recorded(db, quality, verified):
    (completion,) = verified("EV-101-U1")
    sample = _sample_of(db, completion)
    assert sample.plan_id == quality.plan.id
    assert sample.draw == draw_for(quality.plan.seed, completion.id)  # recomputable by anyone
    assert (sample.rule, sample.rate, sample.status) == ("minimum", 100, "ready")
    assert sample.pseudonym.startswith("P-") and sample.teacher_id == completion.reviewer_id


def test_the_draw_is_reproducible_and_decides_against_the_rate():
    assert draw_for("seed", 42) == draw_for("seed", 42)
    assert draw_for("seed", 42) != draw_for("other seed", 42)
    assert not is_selected(0, 0) and is_selected(999_999, 100)
    assert is_selected(99_999, 10) and not is_selected(100_000, 10)


def test_a_rate_of_zero_records_the_draw_without_a_sample(db, set_plan, verified):
    set_plan(minimum_rate=0, disputed_rate=None)
    (completion,) = verified("EV-101-U1")
    sample = _sample_of(db, completion)
    assert sample.status == SampleStatus.NOT_SELECTED and sample.pseudonym is None


def test_a_rejection_and_a_module_without_a_plan_draw_nothing(app, db, session, quality,
                                                              training, log, set_plan):  # fmt: skip
    from eduplatform.training import service

    completion = log("EV-101-U1")
    with app.test_request_context("/?lang=en"):
        service.reject_completion(session, actor=training.teacher, completion=completion,
                                  feedback="Redo it.")  # fmt: skip
    assert _sample_of(db, completion) is None


def _review(db, sample, reviewer, agrees):
    sample.status, sample.pseudonym = "reviewed", f"P-T{sample.id:05d}"
    db.add(sample)
    db.add(QualityReview(sample_id=sample.id, reviewer_id=reviewer.id, agrees=agrees, rating=2,
                         feedback="Second opinion."))  # fmt: skip
    db.commit()


def test_a_disagreement_samples_the_teacher_at_100_until_back_in_line(
    db, session, set_plan, verified, quality, training
):
    set_plan(minimum_rate=0, disputed_rate=100, back_in_line_after=2)
    done = verified("EV-101-U1", "EV-101-U2", "EV-102-U1")
    first, second, third = (_sample_of(db, c) for c in done)
    assert {s.status for s in (first, second, third)} == {"not_selected"}
    plan = db.get(SamplingPlan, quality.plan.id)

    def under_review():
        found = out_of_line(session, plan, training.teacher.id)
        session.rollback()  # the session's transaction holds SQLite's write lock
        return found

    assert not under_review()
    _review(db, first, quality.reviewer, agrees=False)
    assert under_review()
    (next_one,) = verified("EV-101-U1", student=training.classmate)
    drawn = _sample_of(db, next_one)
    assert (drawn.rule, drawn.rate, drawn.status) == (SampleRule.DISPUTED, 100, "ready")
    _review(db, second, quality.reviewer, agrees=True)
    assert under_review()  # one agreement in a row of the two needed
    _review(db, third, quality.reviewer, agrees=True)
    assert not under_review()  # back in line


def test_one_per_module_samples_a_teachers_first_decision_of_each_module(db, set_plan, verified,
                                                                          training):  # fmt: skip
    set_plan(minimum_rate=0, disputed_rate=None, one_per_module=True)
    done = verified("EV-101-U1", "EV-101-U2", "EV-102-U1")
    done += verified("EV-101-U1", "EV-102-U1", student=training.classmate)
    selected = [c.unit_id for c in done if _sample_of(db, c).status == "ready"]
    assert selected == [training.units["EV-101-U1"].id, training.units["EV-102-U1"].id]
    assert _sample_of(db, done[0]).rule == SampleRule.FIRST_OF_MODULE


STUDENTS = 120
UNITS = 10  # the last two safety-critical
SEED = "a synthetic term"


def _synthetic_term(db, training, add_module):
    """1,200 verified decisions: 60 students' by an experienced teacher, 60 by a new one."""
    units = [(f"SYN-U{n}", {"id": f"Unit {n}", "en": f"Unit {n}"}, n > UNITS - 2, [])
             for n in range(1, UNITS + 1)]  # fmt: skip
    _module, _version, made = add_module(training.program, "SYN-101", units,
                                         owner=training.university)  # fmt: skip
    cohort = db.get(Cohort, training.cohort.id)
    veteran = User(role="teacher", full_name="Veteran", email="veteran@example.org",
                   organization_id=training.school.id)  # fmt: skip
    newcomer = User(role="teacher", full_name="Newcomer", email="newcomer@example.org",
                    organization_id=training.school.id)  # fmt: skip
    db.add_all([veteran, newcomer])
    db.commit()
    db.add_all([
        SchoolMembership(user_id=veteran.id, school_id=training.school.id,
                         since=TODAY - timedelta(days=800)),
        SchoolMembership(user_id=newcomer.id, school_id=training.school.id, since=TODAY),
        CohortTeacher(cohort_id=cohort.id, teacher_id=veteran.id),
        CohortTeacher(cohort_id=cohort.id, teacher_id=newcomer.id),
    ])  # fmt: skip
    students = [User(role="student", full_name=f"Synthetic {n}", nisn=f"{7000000000 + n:010d}",
                     organization_id=training.school.id) for n in range(STUDENTS)]  # fmt: skip
    db.add_all(students)
    db.commit()
    db.add_all([Enrollment(cohort_id=cohort.id, student_id=s.id) for s in students])
    start = utcnow() - timedelta(hours=2)
    completions = []
    for n, student in enumerate(students):
        teacher = veteran if n < STUDENTS // 2 else newcomer
        for k, unit in enumerate(made.values()):
            completions.append(UnitCompletion(
                student_id=student.id, unit_id=unit.id, cohort_id=cohort.id, performed_on=TODAY,
                hours=Decimal("2"), note="Synthetic.", status="verified", reviewer_id=teacher.id,
                reviewed_at=start + timedelta(seconds=n * UNITS + k),
            ))  # fmt: skip
    db.add_all(completions)
    db.commit()
    return veteran, newcomer, made


def test_observed_rates_on_a_synthetic_term_are_within_tolerance_of_the_plan(
    app, db, set_plan, training, add_module
):
    plan = set_plan(seed=SEED, new_teacher_rate=50, new_teacher_units=5, minimum_rate=10,
                    safety_critical_rate=100, disputed_rate=None, one_per_module=False)  # fmt: skip
    veteran, newcomer, units = _synthetic_term(db, training, add_module)
    safety = {u.id for u in units.values() if u.safety_critical}
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        for completion in session.exec(
            select(UnitCompletion)
            .where(UnitCompletion.note == "Synthetic.")
            .order_by(UnitCompletion.reviewed_at)
        ).all():
            record_draw(session, completion)
        session.commit()
    rows = db.exec(
        select(QualitySample, UnitCompletion)
        .join(UnitCompletion, UnitCompletion.id == QualitySample.completion_id)
        .where(QualitySample.plan_id == plan.id)
    ).all()
    assert len(rows) == STUDENTS * UNITS

    def observed(teacher, safety_critical):
        group = [s for s, c in rows if s.teacher_id == teacher.id
                 and (c.unit_id in safety) == safety_critical]  # fmt: skip
        return sum(s.status == "ready" for s in group) / len(group), group

    rate, group = observed(veteran, False)
    assert abs(rate - 0.10) <= 0.04, rate
    # Fewer than 5 units verified before: the veteran's first decisions count as a new teacher's.
    first = sorted(group, key=lambda s: s.verified_at)[:4]
    assert {s.rule for s in first} == {SampleRule.NEW_TEACHER}
    rate, group = observed(newcomer, False)
    assert abs(rate - 0.50) <= 0.07, rate
    assert {s.rule for s in group} == {SampleRule.NEW_TEACHER}  # in their first term
    for teacher in (veteran, newcomer):
        rate, group = observed(teacher, True)
        assert rate == 1.0 and {s.rule for s in group} == {SampleRule.SAFETY_CRITICAL}
    # Reproducible: every recorded draw is the plan's HMAC of the record.
    assert all(s.draw == draw_for(SEED, s.completion_id) for s, _c in rows)
