"""Rules for cohorts (classes): creation, teachers, and enrolling, moving and withdrawing students.

A student has at most one active enrollment. Moving or withdrawing ends it (status and end date)
and keeps it, so a student's profile shows every class they were in.
"""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from eduplatform.audit.service import record_event
from eduplatform.clock import local_today
from eduplatform.curriculum.models import Program
from eduplatform.errors import Invalid
from eduplatform.people.memberships import school_ids
from eduplatform.people.models import (
    Cohort,
    CohortTeacher,
    Enrollment,
    EnrollmentStatus,
    Organization,
    Role,
    User,
)

YEAR_RE = re.compile(r"^(\d{4})/(\d{4})$")
# A class is set up at most a year ahead, and a school records the classes of its current
# students (an SMK course lasts three or four years) with a year or so to spare: a year such as
# "2099/2100" is a typing slip.
YEARS_BACK = 5
YEARS_AHEAD = 1


def current_year_start():
    """The first calendar year of the academic year (July to June) that today falls in."""
    today = local_today()
    return today.year if today.month >= 7 else today.year - 1


def year_problem(academic_year, *, kept=None):
    """Why an academic year such as "2025/2026" is refused, or None; `kept` (the class's year
    before an edit) stays acceptable however old, so that old classes remain editable."""
    match = YEAR_RE.match(academic_year or "")
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        return _l('Write the academic year as "2025/2026" (two consecutive years).')
    current = current_year_start()
    first, last = current - YEARS_BACK, current + YEARS_AHEAD
    if academic_year != kept and not first <= int(match.group(1)) <= last:
        return _l(
            "Choose an academic year between %(first)s and %(last)s.",
            first=f"{first}/{first + 1}",
            last=f"{last}/{last + 1}",
        )
    return None


def _cohort_errors(
    session, *, school, name, academic_year, program_id, teachers, exclude_id, kept_year=None
):
    errors = []
    if not school.active:
        errors.append({"field": "school", "message": _l("This school is deactivated.")})
    if not name:
        errors.append({"field": "name", "message": _l("Enter the class name, e.g. XI TKRO 1.")})
    elif len(name) > 60:
        errors.append({"field": "name", "message": _l("Use at most 60 characters.")})
    problem = year_problem(academic_year, kept=kept_year)
    if problem:
        errors.append({"field": "academic_year", "message": problem})
    elif name:
        clash = session.exec(
            select(Cohort.id).where(
                Cohort.school_id == school.id,
                Cohort.name == name,
                Cohort.academic_year == academic_year,
            )
        ).first()
        if clash is not None and clash != exclude_id:
            errors.append(
                {"field": "name", "message": _l("This school has a class of that name that year.")}
            )
    if program_id is not None and session.get(Program, program_id) is None:
        errors.append({"field": "program_id", "message": _l("Choose a program from the list.")})
    if any(t.role != Role.TEACHER or school.id not in school_ids(t, session) for t in teachers):
        errors.append({"field": "teachers", "message": _l("Choose teachers of this school.")})
    return errors


def create_cohort(
    session: Session, *, actor, school, name, academic_year, program_id=None, teachers=()
):
    """Create a class of a school for one academic year, with its teachers."""
    name, academic_year = (name or "").strip(), (academic_year or "").strip()
    errors = _cohort_errors(
        session,
        school=school,
        name=name,
        academic_year=academic_year,
        program_id=program_id,
        teachers=teachers,
        exclude_id=None,
    )
    if errors:
        raise Invalid(errors)
    cohort = Cohort(
        school_id=school.id, name=name, academic_year=academic_year, program_id=program_id
    )
    session.add(cohort)
    session.flush()
    for teacher in {t.id: t for t in teachers}.values():
        session.add(CohortTeacher(cohort_id=cohort.id, teacher_id=teacher.id))
    record_event(
        session,
        actor=actor,
        action="cohort.created",
        target=cohort,
        details={"school_id": school.id, "name": name, "academic_year": academic_year},
    )
    session.commit()
    return cohort


def update_cohort(
    session: Session, *, actor, cohort, name, academic_year, program_id=None, teachers=()
):
    """Rename a class, change its year, program or teachers."""
    school = session.get(Organization, cohort.school_id)
    name, academic_year = (name or "").strip(), (academic_year or "").strip()
    errors = _cohort_errors(
        session,
        school=school,
        name=name,
        academic_year=academic_year,
        program_id=program_id,
        teachers=teachers,
        exclude_id=cohort.id,
        kept_year=cohort.academic_year,
    )
    # A deactivated school's classes stay editable: its history may need correcting.
    errors = [e for e in errors if e["field"] != "school"]
    if errors:
        raise Invalid(errors)
    cohort.name, cohort.academic_year, cohort.program_id = name, academic_year, program_id
    session.add(cohort)
    wanted = {t.id for t in teachers}
    for link in session.exec(select(CohortTeacher).where(CohortTeacher.cohort_id == cohort.id)):
        if link.teacher_id not in wanted:
            session.delete(link)
        wanted.discard(link.teacher_id)
    for teacher_id in wanted:
        session.add(CohortTeacher(cohort_id=cohort.id, teacher_id=teacher_id))
    record_event(session, actor=actor, action="cohort.updated", target=cohort)
    session.commit()
    return cohort


def active_enrollment(session, student_id):
    return session.exec(
        select(Enrollment).where(
            Enrollment.student_id == student_id, Enrollment.status == EnrollmentStatus.ACTIVE
        )
    ).first()


def _check_student(student, cohort):
    in_school = student is not None and student.organization_id == cohort.school_id
    if not in_school or student.role != Role.STUDENT:
        raise Invalid.field("student", _l("No student of this school has this NISN."))


def enroll_student(session: Session, *, actor, cohort, student, commit=True):
    """Put a student who is in no class into this one."""
    _check_student(student, cohort)
    current = active_enrollment(session, student.id)
    if current is not None:
        other = session.get(Cohort, current.cohort_id)
        message = (
            _l("This student is already in this class.")
            if current.cohort_id == cohort.id
            else _("This student is in %(name)s; move them from there.", name=other.name)
        )
        raise Invalid.field("student", message)
    enrollment = Enrollment(cohort_id=cohort.id, student_id=student.id)
    session.add(enrollment)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="student.enrolled",
        target=student,
        details={"cohort_id": cohort.id},
    )
    if commit:
        session.commit()
    return enrollment


def end_enrollment(session, enrollment, status):
    enrollment.status = status
    enrollment.ended_on = local_today()
    session.add(enrollment)
    session.flush()  # the one-active-enrollment index must see it end before a new one starts


def move_student(session: Session, *, actor, student, to_cohort):
    """End the student's current enrollment as "moved" and enrol them in another class."""
    _check_student(student, to_cohort)
    current = active_enrollment(session, student.id)
    if current is None:
        raise Invalid.field("cohort", _l("This student is in no class; enrol them instead."))
    if current.cohort_id == to_cohort.id:
        raise Invalid.field("cohort", _l("Choose a different class."))
    end_enrollment(session, current, EnrollmentStatus.MOVED)
    enrollment = Enrollment(cohort_id=to_cohort.id, student_id=student.id)
    session.add(enrollment)
    record_event(
        session,
        actor=actor,
        action="student.moved",
        target=student,
        details={"from_cohort_id": current.cohort_id, "to_cohort_id": to_cohort.id},
    )
    session.commit()
    return enrollment


def leave_school(session: Session, *, actor, student, to_school_id):
    """A student moves to another school: their active enrolment ends as "moved" (kept in their
    history). Audited; the caller commits with the change of school."""
    current = active_enrollment(session, student.id)
    if current is not None:
        end_enrollment(session, current, EnrollmentStatus.MOVED)
    record_event(
        session,
        actor=actor,
        action="student.moved_school",
        target=student,
        details={
            "from_school_id": student.organization_id,
            "to_school_id": to_school_id,
            "ended_cohort_id": current.cohort_id if current is not None else None,
        },
    )
    return current


def withdraw_student(session: Session, *, actor, student):
    """End the student's current enrollment as "withdrawn" (they left the class)."""
    current = active_enrollment(session, student.id)
    if current is None:
        raise Invalid.field("student", _l("This student is in no class."))
    end_enrollment(session, current, EnrollmentStatus.WITHDRAWN)
    record_event(
        session,
        actor=actor,
        action="student.withdrawn",
        target=student,
        details={"cohort_id": current.cohort_id},
    )
    session.commit()
    return current


def find_cohort(session, *, school, name):
    """The school's class with this name; the most recent academic year when several share it."""
    return session.exec(
        select(Cohort)
        .where(Cohort.school_id == school.id, Cohort.name == (name or "").strip())
        .order_by(col(Cohort.academic_year).desc())
    ).first()


def school_cohorts(session, school_id, *, exclude_id=None):
    query = select(Cohort).where(Cohort.school_id == school_id)
    if exclude_id is not None:
        query = query.where(Cohort.id != exclude_id)
    return session.exec(query.order_by(col(Cohort.academic_year).desc(), Cohort.name)).all()


def cohort_teachers(session, cohort_ids):
    """{cohort id: [teacher, ...]} for these cohorts, in one query."""
    rows = session.exec(
        select(CohortTeacher.cohort_id, User)
        .join(User, col(User.id) == CohortTeacher.teacher_id)
        .where(col(CohortTeacher.cohort_id).in_(list(cohort_ids)))
        .order_by(User.full_name)
    ).all()
    teachers = {cohort_id: [] for cohort_id in cohort_ids}
    for cohort_id, teacher in rows:
        teachers[cohort_id].append(teacher)
    return teachers


def cohort_roster(session, cohort_id):
    """(enrollment, student) pairs of a class: active students first, then those who left
    (for another class of the school)."""
    rows = session.exec(
        select(Enrollment, User)
        .join(User, col(User.id) == Enrollment.student_id)
        .join(Cohort, col(Cohort.id) == Enrollment.cohort_id)
        .where(Enrollment.cohort_id == cohort_id)
        # Who moved to another school is no longer the old school's to see (their enrolment
        # stays, ended, in their own history).
        .where(User.organization_id == Cohort.school_id)
        .order_by(Enrollment.status != EnrollmentStatus.ACTIVE, User.full_name, Enrollment.id)
    ).all()
    return list(rows)


def student_history(session, student_id):
    """(enrollment, cohort) pairs of a student, newest first."""
    return list(
        session.exec(
            select(Enrollment, Cohort)
            .join(Cohort, col(Cohort.id) == Enrollment.cohort_id)
            .where(Enrollment.student_id == student_id)
            .order_by(col(Enrollment.enrolled_on).desc(), col(Enrollment.id).desc())
        ).all()
    )


def programs(session):
    return session.exec(select(Program).order_by(Program.code)).all()
