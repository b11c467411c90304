"""The training area's rules, gathered for the web views and the JSON API: import from here.

The rules live in small modules: progress (unit states), completions (logging), reviews
(verification and certificates earned by it), certificates, credentials (Open Badges), passport.
"""

from sqlalchemy import bindparam
from sqlmodel import col, func, select

from eduplatform.people.models import Cohort, Enrollment, EnrollmentStatus, User
from eduplatform.training.certificates import (
    can_see_certificate,
    certificate_view,
    find_certificate,
    list_certificates,
    normalize_code,
    revoke_certificate,
)
from eduplatform.training.completions import (
    attach_photo,
    can_see_completion,
    completion_by_key,
    local_today,
    locked_message,
    log_completion,
    log_completion_once,
    parse_idempotency_key,
    student_cohort,
    student_cohort_programme,
    student_home_class,
    unit_in_cohort,
    unit_label,
)
from eduplatform.training.passport import (
    disable_passport,
    enable_passport,
    has_consent,
    needs_consent,
    passport_of,
    public_passport,
    record_consent,
)
from eduplatform.training.progress import (
    SAFETY_MODULE_CODE,
    LockReason,
    UnitState,
    class_unit,
    cohort_matrix,
    cohort_modules,
    student_progress,
    unit_progress,
    unit_standing,
)
from eduplatform.training.reviews import (
    all_criteria,
    approve_completion,
    approve_many,
    can_review,
    criteria_ticks,
    oldest_waiting,
    reject_completion,
    review_queue,
    still_at_the_school,
)

__all__ = [
    "SAFETY_MODULE_CODE",
    "LockReason",
    "UnitState",
    "active_students",
    "all_criteria",
    "approve_completion",
    "approve_many",
    "attach_photo",
    "can_review",
    "still_at_the_school",
    "can_see_certificate",
    "can_see_completion",
    "completion_by_key",
    "certificate_view",
    "class_unit",
    "cohort_matrix",
    "cohort_modules",
    "cohorts_in_scope",
    "criteria_ticks",
    "disable_passport",
    "enable_passport",
    "find_certificate",
    "has_consent",
    "list_certificates",
    "local_today",
    "locked_message",
    "log_completion",
    "log_completion_once",
    "parse_idempotency_key",
    "needs_consent",
    "normalize_code",
    "passport_of",
    "public_passport",
    "record_consent",
    "reject_completion",
    "oldest_waiting",
    "review_queue",
    "revoke_certificate",
    "student_cohort",
    "student_cohort_programme",
    "student_home_class",
    "student_progress",
    "unit_in_cohort",
    "unit_label",
    "unit_progress",
    "unit_standing",
]


# Built once (building a statement costs about as much as running it): every queue page asks.
OPEN_COHORTS = (
    select(Cohort, func.count(Enrollment.id))
    .join(
        Enrollment,
        (Enrollment.cohort_id == Cohort.id) & (Enrollment.status == EnrollmentStatus.ACTIVE),
        isouter=True,
    )
    .where(col(Cohort.archived).is_(False))
    .group_by(Cohort.id)
    .order_by(col(Cohort.academic_year).desc(), Cohort.name)
)
OPEN_COHORTS_OF_SCHOOLS = OPEN_COHORTS.where(
    col(Cohort.school_id).in_(bindparam("school_ids", expanding=True))
)


def cohorts_in_scope(session, *, school_ids=None):
    """Open cohorts (of these schools, or all for None) with their number of active students."""
    if school_ids is None:
        return session.exec(OPEN_COHORTS).all()
    return session.exec(OPEN_COHORTS_OF_SCHOOLS, params={"school_ids": sorted(school_ids)}).all()


def active_students(session, cohort_id):
    """The students actively enrolled in a cohort, by name."""
    return session.exec(
        select(User)
        .join(Enrollment, Enrollment.student_id == User.id)
        .where(Enrollment.cohort_id == cohort_id, Enrollment.status == EnrollmentStatus.ACTIVE)
        .order_by(User.full_name, User.id)
    ).all()
