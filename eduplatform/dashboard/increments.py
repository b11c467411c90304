"""Rollup notes turned into rows: atomic increments, class-year moves, activity reconciliation.

Runs just before the commit of the transaction that made the notes (see rollups). Every writer
takes locks in one order (classes FOR SHARE, activities FOR UPDATE, then rollup rows table by
table in key order, the version row last), so concurrent writers wait for each other but never
deadlock.
"""

from collections import Counter, defaultdict
from functools import cache

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from eduplatform.dashboard import raw
from eduplatform.dashboard.models import (
    CITY,
    ActivityLedger,
    ActivityMonth,
    CohortEnrollment,
    CohortModule,
    RollupState,
    TeacherTraining,
    TrainingMonth,
    UnitReached,
)
from eduplatform.exchange.models import ActivityParticipant, ExchangeActivity, Partnership
from eduplatform.people.models import Cohort
from eduplatform.sqltypes import utcnow

# Columns added up on conflict, and columns copied from the class (kept current) per table.
COUNTS = {
    TrainingMonth: raw.TRAINING_COUNTS,
    CohortModule: raw.TRAINING_COUNTS,
    UnitReached: ("verified",),
    CohortEnrollment: raw.ENROLLMENT_COUNTS,
    ActivityMonth: ("completed", "participant_hours"),
    TeacherTraining: ("activities", "hours"),
}
ATTRIBUTES = {
    CohortModule: ("academic_year",),
    CohortEnrollment: ("school_id", "academic_year", "program_id"),
}


class Deltas:
    """Increments per rollup table and key, written in one fixed order."""

    def __init__(self):
        self.rows = defaultdict(dict)  # model -> key -> {"counts": Counter, "attrs": {}}

    def add(self, model, key, counts, attrs=None):
        row = self.rows[model].setdefault(key, {"counts": Counter(), "attrs": {}})
        row["counts"].update(counts)
        row["attrs"].update(attrs or {})

    def write(self, session):
        now = utcnow()
        for model in COUNTS:
            entries = self.rows.get(model, {})
            rows = [
                _row(model, key, entry, now)
                for key, entry in sorted(entries.items())
                if any(entry["counts"].values())
            ]
            if rows:
                session.execute(upsert_statement(session, model), rows)


def _row(model, key, entry, now):
    names = [column.name for column in model.__table__.primary_key.columns]
    row = dict(zip(names, key, strict=True))
    row.update({name: entry["counts"].get(name, 0) for name in COUNTS[model]})
    row.update({name: entry["attrs"][name] for name in ATTRIBUTES.get(model, ())})
    row["updated_at"] = now
    return row


def upsert_statement(session, model, counts=None):
    """INSERT ... ON CONFLICT (key) DO UPDATE adding the counts (the dialect's own upsert);
    `counts`: the columns added up (the table's COUNTS by default). Built once per dialect,
    table and columns (building one cost more than running it)."""
    return _upsert(_dialect_module(session), model, tuple(counts or COUNTS[model]))


@cache
def _upsert(dialect, model, counts):
    table = model.__table__
    statement = dialect.insert(table)
    excluded = statement.excluded
    changes = {name: table.c[name] + excluded[name] for name in counts}
    changes.update({name: excluded[name] for name in ATTRIBUTES.get(model, ())})
    changes["updated_at"] = excluded.updated_at
    keys = [column.name for column in table.primary_key.columns]
    return statement.on_conflict_do_update(index_elements=keys, set_=changes)


def apply(session, notes):
    """Turn one transaction's notes into rollup increments (inside that transaction)."""
    cohorts = _cohorts(session, _cohort_ids(notes))
    deltas = Deltas()
    for (school_id, cohort_id, module_id, month), counts in notes.training.items():
        cohort = cohorts.get(cohort_id)
        school = school_id if school_id is not None else (cohort and cohort.school_id)
        if school is None:
            continue  # the class is gone; `rollups check` reports it, `rebuild` mends it
        year = cohort.academic_year if cohort else ""
        _add_training(deltas, school, cohort_id, year, module_id, month, counts)
    for (cohort_id, unit_id), count in notes.units.items():
        cohort = cohorts.get(cohort_id)
        if cohort is not None:
            _add_unit(deltas, cohort.school_id, cohort.academic_year, unit_id, count)
    for cohort_id, statuses in notes.enrollment.items():
        cohort = cohorts.get(cohort_id)
        if cohort is not None:
            deltas.add(CohortEnrollment, (cohort_id,), statuses, _enrollment_attrs(cohort))
    for cohort_id, year_before in sorted(notes.moved_cohorts.items()):
        if cohort_id in cohorts:
            _move_cohort(session, deltas, cohorts[cohort_id], year_before)
    for activity_id in sorted(notes.activities):
        _reconcile_activity(session, deltas, activity_id)
    deltas.write(session)
    if notes.placement_schools or notes.placement_before:
        from eduplatform.dashboard.placements import apply_changes

        apply_changes(session, notes.placement_before, notes.placement_schools)
    bump_version(session)


def _dialect_module(session):
    return postgresql if session.get_bind().dialect.name == "postgresql" else sqlite


def bump_version(session):
    """Move the data version on (last, so that every rollup writer locks rows in one order)."""
    session.execute(_bump(_dialect_module(session)), {"changed_at": utcnow()})


@cache
def _bump(dialect):
    table = RollupState.__table__
    statement = dialect.insert(table).values(id=1, version=1, changed_at=bindparam("changed_at"))
    return statement.on_conflict_do_update(
        index_elements=["id"],
        set_={"version": table.c.version + 1, "changed_at": statement.excluded.changed_at},
    )


# Built once and run through the Core connection: every dashboard request asks it first.
_VERSION = select(RollupState.version).where(RollupState.id == 1)


def data_version(session):
    """The current data version (0 before anything was counted)."""
    return session.connection().execute(_VERSION).scalar() or 0


def _cohort_ids(notes):
    ids = {key[1] for key in notes.training} | {key[0] for key in notes.units}
    ids |= set(notes.enrollment) | set(notes.moved_cohorts)
    ids.discard(0)
    return sorted(ids)


def _cohorts(session, ids):
    if not ids:
        return {}
    rows = session.execute(
        select(Cohort.id, Cohort.school_id, Cohort.academic_year, Cohort.program_id)
        .where(Cohort.id.in_(ids))
        .order_by(Cohort.id)
        .with_for_update(read=True)
    ).all()
    return {row.id: row for row in rows}


def _enrollment_attrs(cohort):
    return {
        "school_id": cohort.school_id,
        "academic_year": cohort.academic_year,
        "program_id": cohort.program_id or 0,
    }


def _add_training(deltas, school, cohort_id, year, module_id, month, counts, sign=1):
    counts = {name: sign * value for name, value in counts.items()}
    deltas.add(TrainingMonth, (school, year, module_id, month), counts)
    deltas.add(TrainingMonth, (CITY, year, module_id, month), counts)
    deltas.add(CohortModule, (school, cohort_id, module_id), counts, {"academic_year": year})


def _add_unit(deltas, school, year, unit_id, count):
    deltas.add(UnitReached, (school, unit_id, year), {"verified": count})
    deltas.add(UnitReached, (CITY, unit_id, year), {"verified": count})


def _move_cohort(session, deltas, cohort, year_before):
    """A class changed its year or program: carry its records' share over to the new values."""
    session.execute(
        update(CohortEnrollment)
        .where(CohortEnrollment.cohort_id == cohort.id)
        .values(**_enrollment_attrs(cohort), updated_at=utcnow())
    )
    if year_before == cohort.academic_year:
        return
    session.execute(
        update(CohortModule)
        .where(CohortModule.cohort_id == cohort.id)
        .values(academic_year=cohort.academic_year, updated_at=utcnow())
    )
    for key, counts in raw.training_facts(session, cohort_id=cohort.id).items():
        school, _cohort, _year, module_id, month = key
        for year, sign in ((year_before, -1), (cohort.academic_year, 1)):
            share = {name: sign * value for name, value in counts.items()}
            deltas.add(TrainingMonth, (school, year, module_id, month), share)
            deltas.add(TrainingMonth, (CITY, year, module_id, month), share)
    for (school, _year, unit_id), count in raw.unit_facts(session, cohort_id=cohort.id).items():
        _add_unit(deltas, school, year_before, unit_id, -count)
        _add_unit(deltas, school, cohort.academic_year, unit_id, count)


def _reconcile_activity(session, deltas, activity_id):
    """Replace the activity's share of the rollups (as the ledger has it) with its current one."""
    activity = session.execute(
        select(
            ExchangeActivity.status,
            ExchangeActivity.kind,
            ExchangeActivity.starts_on,
            raw.activity_school(),
        )
        .join(Partnership, Partnership.id == ExchangeActivity.partnership_id)
        .where(ExchangeActivity.id == activity_id)
        .with_for_update(of=ExchangeActivity.__table__)
    ).first()
    current = None
    if activity is not None:
        participants = session.execute(
            select(
                ActivityParticipant.user_id, ActivityParticipant.role, ActivityParticipant.hours
            ).where(ActivityParticipant.activity_id == activity_id)
        ).all()
        current = raw.activity_contribution(activity, activity.school_id, participants)
    ledger = ActivityLedger.__table__
    before = _ledger_values(
        session.execute(select(ledger).where(ledger.c.activity_id == activity_id)).first()
    )
    if before == current:
        return
    months, teachers = defaultdict(Counter), defaultdict(Counter)
    if before is not None:
        raw.add_activity(months, teachers, before, -1)
    if current is not None:
        raw.add_activity(months, teachers, current, 1)
    for key, counts in months.items():
        deltas.add(ActivityMonth, key, counts)
    for key, counts in teachers.items():
        deltas.add(TeacherTraining, key, counts)
    session.execute(delete(ledger).where(ledger.c.activity_id == activity_id))
    if current is not None:
        session.execute(
            ledger.insert().values(activity_id=activity_id, updated_at=utcnow(), **current)
        )


def _ledger_values(ledger):
    if ledger is None:
        return None
    return {
        "school_id": ledger.school_id,
        "month": ledger.month,
        "kind": ledger.kind,
        "participant_hours": ledger.participant_hours,
        "trainees": dict(ledger.trainees or {}),
    }
