"""The headline figures, read from the rollup tables with a fixed number of small queries.

Every function takes the resolved Filters (see service.resolve_filters): `filters.school` is set
for a school's figures and None for the whole city, whose rollup rows are those of school 0.
"""

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from eduplatform.curriculum.models import Module
from eduplatform.dashboard.models import (
    CITY,
    ActivityMonth,
    CohortEnrollment,
    TeacherTraining,
    TrainingMonth,
)
from eduplatform.dashboard.periods import month_text, reference_month, term_months, term_of
from eduplatform.dashboard.tables import Figure
from eduplatform.people.memberships import teaches_at
from eduplatform.people.models import Cohort, Organization, OrgKind, Role, User
from eduplatform.sqltypes import utcnow

DEFINITIONS = {
    "schools": (
        _l("Schools taking part"),
        _l(
            "Active schools with at least one class following a program (classes of the chosen "
            "academic year, and of the chosen program). Counted from the schools and classes "
            "when the page is shown."
        ),
    ),
    "active_students": (
        _l("Active students"),
        _l(
            "Students enrolled in a class right now (enrollment status active), in classes of "
            "the chosen academic year, school and program."
        ),
    ),
    "units_verified_month": (
        _l("Units verified this month"),
        _l(
            "Logged practical units a teacher verified since the first of this month (Western "
            "Indonesia Time), in the chosen school and modules."
        ),
    ),
    "units_verified": (
        _l("Units verified in total"),
        _l(
            "Logged practical units a teacher verified, in the chosen school and modules, by "
            "the month of the verification: within the chosen academic year (1 July to 30 June) "
            "or months, or ever. The sum of the month-by-month chart's units verified. A student "
            "has at most one verified record per unit."
        ),
    ),
    "certificates": (
        _l("Certificates issued"),
        _l(
            "Module certificates issued when a student's last unit was verified, less those "
            "revoked, in the chosen school and modules, by the month of the issue (and of the "
            "revocation): within the chosen academic year or months, or ever."
        ),
    ),
    "teachers_trained": (
        _l("Teachers trained through exchanges"),
        _l(
            "Teachers (by their account today) who took part, as participants, in at least one "
            "completed teacher-training activity that started in the chosen academic year (or "
            "in any year), of the chosen school. Program, module and month filters do not apply."
        ),
    ),
    "activities_term": (
        _l("Exchange activities this term"),
        _l(
            "Exchange activities completed that start in the current term (July to December or "
            "January to June), of the chosen school's partnerships. Program and module filters "
            "do not apply."
        ),
    ),
}
# The "this month" and "this term" figures of a period that does not hold today.
PAST_DEFINITIONS = {
    "units_verified_month": _l(
        "Logged practical units a teacher verified in that month (Western Indonesia Time), in "
        "the chosen school and modules: the chosen period's month nearest to today, since "
        "this month is outside it."
    ),
    "activities_term": _l(
        "Exchange activities completed that start in that term, of the chosen school's "
        "partnerships: the chosen period's term nearest to today, since this term is outside "
        "it. Program and module filters do not apply."
    ),
}


def _aware(moment):
    # SQLite returns max() of a timestamp column as text; rollup times are UTC.
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def school_rows(model, filters):
    """Rows of the chosen school, or the city's rows (school 0)."""
    return model.school_id == (filters.school.id if filters.school else CITY)


def _module_ids(filters):
    if filters.module is not None:
        return select(Module.id).where(Module.id == filters.module.id)
    if filters.program is not None:
        return select(Module.id).where(Module.program_id == filters.program.id)
    return None


def training_where(model, filters, by_school=True, months=None):
    """Rollup rows of the chosen school (or the city) and modules, in `months` (the first to the
    last of them) when given: work counts by the month it happened, never by its class's year."""
    clauses = [school_rows(model, filters)] if by_school else []
    if months:
        clauses.append(model.month.between(months[0], months[-1]))
    modules = _module_ids(filters)
    if modules is not None:
        clauses.append(model.module_id.in_(modules))
    return clauses


def program_id_of(filters):
    if filters.module is not None:
        return filters.module.program_id
    return filters.program.id if filters.program else None


def enrollment_where(filters, school=True):
    clauses = []
    if school and filters.school:
        clauses.append(CohortEnrollment.school_id == filters.school.id)
    if filters.academic_year:
        clauses.append(CohortEnrollment.academic_year == filters.academic_year)
    program_id = program_id_of(filters)
    if program_id is not None:
        clauses.append(CohortEnrollment.program_id == program_id)
    return clauses


# -- headline figures ---------------------------------------------------------------------------


def headline(session, filters, *, this_month, this_term, period=None):
    """The seven headline figures, each with its definition and the time of its latest change.

    `period` is the months the dated figures count (None: all of them); "this month" and
    "this term" become the period's month and term nearest to today when today is outside it.
    """
    now = utcnow()
    month = reference_month(period, this_month)
    term = this_term if month == this_month else term_of(month)
    schools = select(func.count(func.distinct(Cohort.school_id))).join(
        Organization, Organization.id == Cohort.school_id
    )
    schools = schools.where(Organization.kind == OrgKind.SCHOOL, Organization.active)
    if filters.school:
        schools = schools.where(Cohort.school_id == filters.school.id)
    if filters.academic_year:
        schools = schools.where(Cohort.academic_year == filters.academic_year)
    program_id = program_id_of(filters)
    schools = schools.where(
        Cohort.program_id == program_id if program_id else Cohort.program_id.is_not(None)
    )
    school_count = session.execute(schools).scalar_one()

    students, students_as_of = session.execute(
        select(
            func.coalesce(func.sum(CohortEnrollment.active), 0),
            func.max(CohortEnrollment.updated_at),
        ).where(*enrollment_where(filters))
    ).one()

    verified = TrainingMonth.verified
    training = session.execute(
        select(
            func.coalesce(func.sum(case((TrainingMonth.month == month, verified), else_=0)), 0),
            func.coalesce(func.sum(verified), 0),
            func.coalesce(func.sum(TrainingMonth.certificates_issued), 0),
            func.coalesce(func.sum(TrainingMonth.certificates_revoked), 0),
            func.max(TrainingMonth.updated_at),
        ).where(*training_where(TrainingMonth, filters, months=period))
    ).one()
    month_verified, total_verified, issued, revoked, training_as_of = training

    trained, trained_as_of = session.execute(
        _teachers_trained(filters).with_only_columns(
            func.count(func.distinct(TeacherTraining.user_id)), func.max(TeacherTraining.updated_at)
        )
    ).one()

    months = term_months(term)
    activities, activities_as_of = session.execute(
        select(
            func.coalesce(func.sum(ActivityMonth.completed), 0), func.max(ActivityMonth.updated_at)
        ).where(
            school_rows(ActivityMonth, filters),
            ActivityMonth.month.between(months[0], months[-1]),
        )
    ).one()

    values = {
        "schools": (school_count, now),
        "active_students": (students, students_as_of),
        "units_verified_month": (month_verified, training_as_of),
        "units_verified": (total_verified, training_as_of),
        "certificates": (issued - revoked, training_as_of),
        "teachers_trained": (trained, trained_as_of),
        "activities_term": (activities, activities_as_of),
    }
    found = [
        Figure(key, *DEFINITIONS[key], value=int(value), as_of=_aware(as_of))
        for key, (value, as_of) in values.items()
    ]
    for figure in found:
        if figure.key == "units_verified_month" and month != this_month:
            figure.label = _l("Units verified in %(month)s", month=month_text(month))
            figure.definition = PAST_DEFINITIONS[figure.key]
        elif figure.key == "activities_term" and term != this_term:
            figure.label = _l(
                "Exchange activities in term %(half)d %(year)s", half=term[1], year=term[0]
            )
            figure.definition = PAST_DEFINITIONS[figure.key]
    return found


def _teachers_trained(filters):
    query = (
        select(TeacherTraining.user_id)
        .join(User, User.id == TeacherTraining.user_id)
        .where(User.role == Role.TEACHER, TeacherTraining.activities > 0)
    )
    if filters.school:
        query = query.where(teaches_at(filters.school.id))
    if filters.academic_year:
        query = query.where(TeacherTraining.academic_year == filters.academic_year)
    return query
