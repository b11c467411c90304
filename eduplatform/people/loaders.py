"""Loading schools, classes and students for a view: 404 when missing or out of the user's scope."""

from flask import abort
from flask_login import current_user

from eduplatform.auth.access import require_school
from eduplatform.people.models import Cohort, Organization, OrgKind, Role, User

CLASS_ROLES = (Role.TEACHER, Role.OFFICE, Role.ADMIN)


def load_school(db, school_id):
    school = db.get(Organization, school_id)
    if school is None or school.kind != OrgKind.SCHOOL:
        abort(404)
    require_school(current_user, school.id)
    return school


def load_cohort(db, cohort_id):
    cohort = db.get(Cohort, cohort_id) or abort(404)
    require_school(current_user, cohort.school_id)
    return cohort


def load_student(db, student_id):
    student = db.get(User, student_id)
    if student is None or student.role != Role.STUDENT or student.organization_id is None:
        abort(404)
    require_school(current_user, student.organization_id)
    return student
