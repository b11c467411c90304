"""The rollups' figures straight from the raw rows: what rebuild writes and check expects.

Each function returns {table model: {primary key tuple: {column: value}}} fragments, with the
city-wide rows (school 0) next to the per-school ones, exactly as the incremental path keeps them.
"""

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from eduplatform.curriculum.models import ModuleVersion, Unit
from eduplatform.dashboard.models import (
    CITY,
    ActivityLedger,
    ActivityMonth,
    CohortEnrollment,
    CohortModule,
    TeacherTraining,
    TrainingMonth,
    UnitReached,
)
from eduplatform.dashboard.periods import academic_year_of, month_key, month_sql
from eduplatform.exchange.models import (
    ActivityKind,
    ActivityParticipant,
    ActivityStatus,
    ExchangeActivity,
    ParticipantRole,
    Partnership,
)
from eduplatform.people.models import Cohort, Enrollment
from eduplatform.training.models import Certificate, CompletionStatus, UnitCompletion

TRAINING_COUNTS = (
    "logged",
    "verified",
    "rejected",
    "verified_hours",
    "certificates_issued",
    "certificates_revoked",
)
ENROLLMENT_COUNTS = ("active", "completed", "moved", "withdrawn")


def _dialect(session):
    return session.get_bind().dialect.name


def _completions(month, *keys, values, cohort_id):
    keys = (
        Cohort.school_id,
        UnitCompletion.cohort_id,
        Cohort.academic_year,
        ModuleVersion.module_id,
        month,
        *keys,
    )
    query = (
        select(*keys, *values)
        .select_from(UnitCompletion)
        .join(Cohort, Cohort.id == UnitCompletion.cohort_id)
        .join(Unit, Unit.id == UnitCompletion.unit_id)
        .join(ModuleVersion, ModuleVersion.id == Unit.version_id)
        .group_by(*keys)
    )
    if cohort_id is not None:
        query = query.where(UnitCompletion.cohort_id == cohort_id)
    return query


def training_facts(session, cohort_id=None):
    """{(school, cohort, year, module, month): Counter} of logged, reviewed and certified work."""
    dialect = _dialect(session)
    facts = defaultdict(Counter)
    logged = _completions(
        month_sql(UnitCompletion.created_at, dialect), values=[func.count()], cohort_id=cohort_id
    )
    for school, cohort, year, module, month, n in session.execute(logged):
        facts[(school, cohort, year, module, month)]["logged"] += n
    reviewed = _completions(
        month_sql(UnitCompletion.reviewed_at, dialect),
        UnitCompletion.status,
        values=[func.count(), func.coalesce(func.sum(UnitCompletion.hours), 0)],
        cohort_id=cohort_id,
    ).where(UnitCompletion.status.in_((CompletionStatus.VERIFIED, CompletionStatus.REJECTED)))
    for school, cohort, year, module, month, status, n, hours in session.execute(reviewed):
        counts = facts[(school, cohort, year, module, month)]
        counts[status] += n
        if status == CompletionStatus.VERIFIED:
            counts["verified_hours"] += Decimal(str(hours))
    for column, name in (
        (Certificate.issued_at, "certificates_issued"),
        (Certificate.revoked_at, "certificates_revoked"),
    ):
        keys = (
            Certificate.school_id,
            func.coalesce(Certificate.cohort_id, 0),
            func.coalesce(Cohort.academic_year, ""),
            ModuleVersion.module_id,
            month_sql(column, dialect),
        )
        query = (
            select(*keys, func.count())
            .select_from(Certificate)
            .join(Cohort, Cohort.id == Certificate.cohort_id, isouter=True)
            .join(ModuleVersion, ModuleVersion.id == Certificate.version_id)
            .where(column.is_not(None))
            .group_by(*keys)
        )
        if cohort_id is not None:
            query = query.where(Certificate.cohort_id == cohort_id)
        for school, cohort, year, module, month, n in session.execute(query):
            facts[(school, cohort, year, module, month)][name] += n
    return facts


def unit_facts(session, cohort_id=None):
    """{(school, year, unit): students with the unit verified}."""
    query = (
        select(Cohort.school_id, Cohort.academic_year, UnitCompletion.unit_id, func.count())
        .select_from(UnitCompletion)
        .join(Cohort, Cohort.id == UnitCompletion.cohort_id)
        .where(UnitCompletion.status == CompletionStatus.VERIFIED)
        .group_by(Cohort.school_id, Cohort.academic_year, UnitCompletion.unit_id)
    )
    if cohort_id is not None:
        query = query.where(UnitCompletion.cohort_id == cohort_id)
    return {(school, year, unit): n for school, year, unit, n in session.execute(query)}


def training_rows(facts, units):
    """TrainingMonth, CohortModule and UnitReached rows (with the city rows) from the facts."""
    months, cohorts, reached = defaultdict(Counter), {}, Counter()
    for (school, cohort, year, module, month), counts in facts.items():
        months[(school, year, module, month)].update(counts)
        months[(CITY, year, module, month)].update(counts)
        row = cohorts.setdefault((school, cohort, module), {"academic_year": year})
        for name, value in counts.items():
            row[name] = row.get(name, 0) + value
    for (school, year, unit), n in units.items():
        reached[(school, unit, year)] += n
        reached[(CITY, unit, year)] += n
    return {
        TrainingMonth: {key: dict(counts) for key, counts in months.items()},
        CohortModule: cohorts,
        UnitReached: {key: {"verified": n} for key, n in reached.items()},
    }


def enrollment_rows(session):
    keys = (
        Enrollment.cohort_id,
        Cohort.school_id,
        Cohort.academic_year,
        func.coalesce(Cohort.program_id, 0),
        Enrollment.status,
    )
    query = select(*keys, func.count()).join(Cohort, Cohort.id == Enrollment.cohort_id)
    rows = {}
    for cohort, school, year, program, status, n in session.execute(query.group_by(*keys)):
        row = rows.setdefault(
            (cohort,), {"school_id": school, "academic_year": year, "program_id": program}
        )
        row[status] = row.get(status, 0) + n
    return {CohortEnrollment: rows}


def activity_contribution(activity, school_id, participants):
    """The ledger row of one activity: None unless it is completed."""
    if activity.status != ActivityStatus.COMPLETED:
        return None
    hours = sum((Decimal(str(p.hours)) for p in participants), Decimal("0"))
    trainees = {}
    if activity.kind == ActivityKind.TEACHER_TRAINING:
        for p in participants:
            if p.user_id is not None and p.role == ParticipantRole.PARTICIPANT:
                trainees[str(p.user_id)] = str(Decimal(str(p.hours)))
    return {
        "school_id": school_id,
        "month": month_key(activity.starts_on),
        "kind": activity.kind,
        "participant_hours": hours,
        "trainees": trainees,
    }


def ledger_year(month):
    return academic_year_of(date(int(month[:4]), int(month[5:7]), 1))


def activity_school():
    """The school an activity counts for: a city-wide partnership's member school it is for,
    else the partnership's school (or the education office, for the whole city)."""
    return func.coalesce(ExchangeActivity.school_id, Partnership.school_id).label("school_id")


def activity_rows(session):
    """ActivityLedger, ActivityMonth and TeacherTraining rows from completed activities."""
    activities = session.execute(
        select(ExchangeActivity, activity_school())
        .join(Partnership, Partnership.id == ExchangeActivity.partnership_id)
        .where(ExchangeActivity.status == ActivityStatus.COMPLETED)
    ).all()
    participants = defaultdict(list)
    ids = [activity.id for activity, _ in activities]
    for chunk in range(0, len(ids), 500):
        for participant in session.execute(
            select(ActivityParticipant).where(
                ActivityParticipant.activity_id.in_(ids[chunk : chunk + 500])
            )
        ).scalars():
            participants[participant.activity_id].append(participant)
    ledger, months, teachers = {}, defaultdict(Counter), defaultdict(Counter)
    for activity, school_id in activities:
        row = activity_contribution(activity, school_id, participants[activity.id])
        ledger[(activity.id,)] = row
        add_activity(months, teachers, row, 1)
    return {
        ActivityLedger: ledger,
        ActivityMonth: {key: dict(c) for key, c in months.items() if any(c.values())},
        TeacherTraining: {key: dict(c) for key, c in teachers.items() if any(c.values())},
    }


def add_activity(months, teachers, row, sign):
    """Add (sign 1) or take away (sign -1) one ledger row's share of the activity rollups."""
    counts = {"completed": sign, "participant_hours": sign * Decimal(str(row["participant_hours"]))}
    for school in (row["school_id"], CITY):
        months[(school, row["month"], row["kind"])].update(counts)
    year = ledger_year(row["month"])
    for user_id, hours in row["trainees"].items():
        teachers[(int(user_id), year)].update(
            {"activities": sign, "hours": sign * Decimal(str(hours))}
        )


def expected(session):
    """Every rollup table's rows as the raw records say they should be."""
    rows = training_rows(training_facts(session), unit_facts(session))
    rows.update(enrollment_rows(session))
    rows.update(activity_rows(session))
    return rows
