"""Rules for schools: enrolment by the education office, teachers, deactivation.

A teacher's schools (adding, removing) are in `staffing`."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, func, select

from eduplatform.audit.service import record_event
from eduplatform.errors import Invalid
from eduplatform.people.memberships import teaches_at
from eduplatform.people.models import (
    Cohort,
    Enrollment,
    EnrollmentStatus,
    Organization,
    OrgKind,
    Role,
    SchoolMembership,
    User,
)
from eduplatform.people.service import NPSN_RE, create_user, normalize_npsn

SCHOOL_FIELDS = ("name", "npsn", "city", "address", "contact")


def _school_errors(session, *, name, npsn, city, address, contact, exclude_id=None):
    errors = []
    if not name:
        errors.append({"field": "name", "message": _l("Enter a name.")})
    elif len(name) > 200:
        errors.append({"field": "name", "message": _l("Use at most 200 characters.")})
    if not NPSN_RE.match(npsn):
        errors.append({"field": "npsn", "message": _l("NPSN is exactly 8 digits.")})
    else:
        clash = session.exec(select(Organization.id).where(Organization.npsn == npsn)).first()
        if clash is not None and clash != exclude_id:
            errors.append({"field": "npsn", "message": _l("A school with this NPSN exists.")})
    limits = {"city": (city, 100), "address": (address, 300), "contact": (contact, 200)}
    for key, (value, limit) in limits.items():
        if len(value) > limit:
            errors.append({"field": key, "message": _l("Use at most %(n)d characters.", n=limit)})
    return errors


def _clean(**values):
    cleaned = {key: (values[key] or "").strip() for key in SCHOOL_FIELDS}
    cleaned["npsn"] = normalize_npsn(cleaned["npsn"])
    return cleaned


def create_school(session: Session, *, actor, name, npsn, city="", address="", contact=""):
    """Enrol an Indonesian vocational school by its NPSN."""
    values = _clean(name=name, npsn=npsn, city=city, address=address, contact=contact)
    errors = _school_errors(session, **values)
    if errors:
        raise Invalid(errors)
    school = Organization(kind=OrgKind.SCHOOL, country="ID", **values)
    session.add(school)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="school.created",
        target=school,
        details={"name": school.name, "npsn": school.npsn},
    )
    session.commit()
    return school


def update_school(session: Session, *, actor, school, name, npsn, city="", address="", contact=""):
    """Change a school's name, NPSN, address, city or contact; the changes are audited."""
    values = _clean(name=name, npsn=npsn, city=city, address=address, contact=contact)
    errors = _school_errors(session, **values, exclude_id=school.id)
    if errors:
        raise Invalid(errors)
    changed = {key: value for key, value in values.items() if getattr(school, key) != value}
    for key, value in changed.items():
        setattr(school, key, value)
    if changed:
        session.add(school)
        record_event(
            session,
            actor=actor,
            action="school.updated",
            target=school,
            details={"changed": sorted(changed)},
        )
    session.commit()
    return school


def set_school_active(session: Session, *, actor, school, active):
    """Deactivate a school (its people and history stay) or take it back into the programme."""
    if school.active == active:
        return school
    school.active = active
    session.add(school)
    action = "school.reactivated" if active else "school.deactivated"
    record_event(session, actor=actor, action=action, target=school)
    session.commit()
    return school


def create_teacher(session: Session, *, actor, school, full_name, email, password):
    """Create a teacher account at this school."""
    return create_user(
        session,
        actor=actor,
        email=email,
        full_name=full_name,
        role=Role.TEACHER,
        organization=school,
        password=password,
    )


def schools_overview(session):
    """Every school (inactive ones too) with its teacher, student and class counts."""
    schools = session.exec(
        select(Organization).where(Organization.kind == OrgKind.SCHOOL).order_by(Organization.name)
    ).all()
    students = dict(
        session.exec(
            select(User.organization_id, func.count())
            .where(col(User.active).is_(True), User.role == Role.STUDENT)
            .group_by(User.organization_id)
        ).all()
    )
    teachers = teacher_counts(session)
    cohorts = dict(
        session.exec(select(Cohort.school_id, func.count()).group_by(Cohort.school_id)).all()
    )
    return [
        {
            "school": school,
            "teachers": teachers.get(school.id, 0),
            "students": students.get(school.id, 0),
            "cohorts": cohorts.get(school.id, 0),
        }
        for school in schools
    ]


def active_schools(session):
    """Schools offered in pickers: the active ones."""
    return session.exec(
        select(Organization)
        .where(Organization.kind == OrgKind.SCHOOL, col(Organization.active).is_(True))
        .order_by(Organization.name)
    ).all()


def teacher_counts(session):
    """{school id: number of active teachers who belong to it} (each of a teacher's schools)."""
    return dict(
        session.exec(
            select(SchoolMembership.school_id, func.count())
            .join(User, col(User.id) == SchoolMembership.user_id)
            .where(col(User.active).is_(True), User.role == Role.TEACHER)
            .group_by(SchoolMembership.school_id)
        ).all()
    )


def school_teachers(session, school_id):
    """The teachers who belong to a school (every one of their schools counts), by name."""
    return session.exec(
        select(User).where(teaches_at(school_id)).order_by(User.full_name, User.id)
    ).all()


def school_student_count(session, school_id):
    return session.exec(
        select(func.count())
        .select_from(User)
        .where(
            User.organization_id == school_id,
            User.role == Role.STUDENT,
            col(User.active).is_(True),
        )
    ).one()


def active_enrollment_counts(session, cohort_ids):
    """Number of active students in each of these cohorts."""
    if not cohort_ids:
        return {}
    return dict(
        session.exec(
            select(Enrollment.cohort_id, func.count())
            .where(
                col(Enrollment.cohort_id).in_(cohort_ids),
                Enrollment.status == EnrollmentStatus.ACTIVE,
            )
            .group_by(Enrollment.cohort_id)
        ).all()
    )


@dataclass
class SchoolDeactivation:
    """What deactivating a school means, named before anyone confirms it."""

    school: Organization
    teachers: int
    students: int
    classes: int


def deactivation_preview(session, school):
    """The people and classes a deactivated school keeps (nothing is deleted)."""
    classes = session.exec(
        select(func.count())
        .select_from(Cohort)
        .where(Cohort.school_id == school.id, col(Cohort.archived).is_(False))
    ).one()
    return SchoolDeactivation(
        school=school,
        teachers=teacher_counts(session).get(school.id, 0),
        students=school_student_count(session, school.id),
        classes=classes,
    )
