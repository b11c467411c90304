"""Demo data that starts Ms. Chen's sampling journey (JOURNEYS.md, Ms. Chen step 4).

- Ms. Chen is the university's quality reviewer;
- the university's sampling plan for the EV mechanic programme this term, its rules as data:
  a new teacher's decisions (first term on the platform, or fewer than 20 verified units) all
  sampled, every teacher at least 10% and one per module, safety-critical units and decisions
  after a disagreement at 100%; 80% agreement over at least 5 reviewed decisions endorses a
  school's certificates of a module. Pak Budi is in his first term, so each of his decisions
  is sampled when he verifies it (the plan exists before the demo's verifications);
- a grade XII class of SMK Demo Bengawan whose two students finished EV-101 (their
  certificates are issued: never held back by sampling), Pak Budi's decisions;
- four of those decisions already reviewed by Ms. Chen, in agreement: one disagreement more
  makes 4 of 5 (80%), and the school's EV-101 certificates are endorsed once Pak Budi answers
  the action that disagreement opens.

Each part runs only when its data is missing (loading the demo twice changes nothing).
"""

from datetime import timedelta

from sqlmodel import select

from eduplatform.people.models import Cohort, CohortTeacher, Enrollment, Role, User
from eduplatform.quality import service as quality
from eduplatform.quality.models import QualityReview, QualitySample, SamplingPlan
from eduplatform.quality.sampling import term_of_moment
from eduplatform.sqltypes import utcnow
from eduplatform.training.completions import log_completion

XII_CLASS = "XII TKRO 2"
# Fictional students (NISN 9999...: no real student's) who finished EV-101 this term.
XII_STUDENTS = (("Rudi Hartono", "9999000011"), ("Wulan Sari", "9999000012"))
EV_101 = ("EV-101-U1", "EV-101-U2", "EV-101-U3", "EV-101-U4", "EV-101-U5", "EV-101-U6")
PLAN_RULES = {
    "new_teacher_rate": "100",
    "new_teacher_units": "20",
    "minimum_rate": "10",
    "one_per_module": True,
    "safety_critical_rate": "100",
    "disputed_rate": "100",
    "back_in_line_after": "3",
    "agreement_threshold": "80",
    "minimum_reviews": "5",
    "action_days": "14",
}
AGREED_BEFORE = 4


def reviewer_and_plan(session, *, admin, reviewer, program):
    """Ms. Chen's reviewer permission and the university's plan for this term (once each)."""
    if quality.reviewer_grant(session, reviewer) is None:
        quality.grant_reviewer(session, actor=admin, user=reviewer)
    academic_year, term = term_of_moment(utcnow())
    grant = quality.reviewer_grant(session, reviewer)
    found = session.exec(
        select(SamplingPlan).where(
            SamplingPlan.university_id == grant.university_id,
            SamplingPlan.program_id == program.id,
            SamplingPlan.academic_year == academic_year,
            SamplingPlan.term == term,
        )
    ).first()
    if found is None:
        found = quality.create_plan(session, actor=reviewer, values={
            **PLAN_RULES, "program_id": program.id, "academic_year": academic_year,
            "term": str(term),
        })  # fmt: skip
    return found


def finished_class(session, *, school, program, teacher, today, academic_year, unit, verify,
                   first_day):  # fmt: skip
    """Grade XII of SMK Demo Bengawan: two students with EV-101 verified (certificates)."""
    cohort = session.exec(
        select(Cohort).where(
            Cohort.school_id == school.id,
            Cohort.name == XII_CLASS,
            Cohort.academic_year == academic_year,
        )  # fmt: skip
    ).first()
    if cohort is not None:
        return
    cohort = Cohort(school_id=school.id, name=XII_CLASS, academic_year=academic_year,
                    program_id=program.id)  # fmt: skip
    session.add(cohort)
    session.flush()
    session.add(CohortTeacher(cohort_id=cohort.id, teacher_id=teacher.id))
    students = []
    for name, nisn in XII_STUDENTS:
        student = session.exec(select(User).where(User.nisn == nisn)).first()
        if student is None:
            student = User(full_name=name, role=Role.STUDENT, organization_id=school.id,
                           nisn=nisn)  # fmt: skip
            session.add(student)
            session.flush()
        session.add(Enrollment(cohort_id=cohort.id, student_id=student.id, enrolled_on=first_day))
        students.append(student)
    session.commit()
    for student in students:
        for number, code in enumerate(EV_101):
            completion = log_completion(
                session, actor=student, unit=unit(session, code),
                performed_on=max(first_day, today - timedelta(days=30 - 3 * number)), hours="2",
                note=f"Praktik {code} di bengkel sekolah bersama kelompok.",
            )  # fmt: skip
            verify(session, teacher, completion)


def earlier_reviews(session, *, reviewer, school):
    """Ms. Chen agreed with four of the school's sampled EV-101 decisions earlier this term."""
    if session.exec(select(QualityReview.id)).first() is not None:
        return
    samples = session.exec(
        select(QualitySample)
        .join(User, User.id == QualitySample.teacher_id)
        .where(QualitySample.school_id == school.id, QualitySample.status == "ready")
        .order_by(QualitySample.verified_at.desc(), QualitySample.id.desc())
        .limit(AGREED_BEFORE)
    ).all()
    for sample in samples:
        quality.submit_review(session, actor=reviewer, sample=sample, agrees=True, rating=4,
                              feedback="Bukti foto dan catatan sesuai kriteria.")  # fmt: skip
