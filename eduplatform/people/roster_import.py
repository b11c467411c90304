"""Importing a roster into a class: plan row by row, then write all of it or nothing.

Students are matched by NISN. A new NISN creates a student (no password: they activate with a
code) enrolled in the class; a student of the same school is updated when a detail changed or
they are not in this class yet; everything else is unchanged, so importing a file twice changes
nothing the second time.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from eduplatform.audit.service import record_event
from eduplatform.errors import Invalid
from eduplatform.people.activation import issue_codes
from eduplatform.people.cohorts import end_enrollment
from eduplatform.people.models import Enrollment, EnrollmentStatus, Organization, Role, User
from eduplatform.people.roster import Roster, RosterRow

DETAILS = ("full_name", "email", "gender", "birth_date")


@dataclass
class PlannedRow:
    row: RosterRow
    action: str = "unchanged"  # create | update | unchanged | rejected
    student: User | None = None
    changes: list = field(default_factory=list)  # detail names, and "cohort" when (re)enrolled
    errors: list = field(default_factory=list)


@dataclass
class ImportResult:
    planned: list
    codes: list = field(default_factory=list)  # [(student, plaintext code)] for new students

    def count(self, action):
        return sum(1 for p in self.planned if p.action == action)

    @property
    def errors(self):
        return [error for p in self.planned for error in p.errors]

    def summary(self):
        return {
            "created": self.count("create"),
            "updated": self.count("update"),
            "unchanged": self.count("unchanged"),
            "errors": [
                {"row": e["row"], "column": e["column"], "message": str(e["message"])}
                for e in self.errors
            ],
        }


def _by(session, column, values):
    values = sorted({v for v in values if v})
    found = {}
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        for user in session.exec(select(User).where(col(column).in_(chunk))).all():
            found[getattr(user, column.key)] = user
    return found


def plan_import(session: Session, *, cohort, roster):
    """What importing this roster into the class would do, row by row; writes nothing."""
    rows = roster.rows
    by_nisn = _by(session, User.nisn, [r.nisn for r in rows])
    by_email = _by(session, User.email, [r.email for r in rows])
    in_cohort = _active_in_cohort(session, cohort, [u.id for u in by_nisn.values()])
    planned = []
    for row in rows:
        plan = PlannedRow(row=row, errors=list(row.errors))
        student = by_nisn.get(row.nisn)
        if student is not None and (
            student.role != Role.STUDENT or student.organization_id != cohort.school_id
        ):
            message = _l("This NISN belongs to a student of another school.")
            plan.errors.append(_error(roster, row, "nisn", message))
            student = None
        owner = by_email.get(row.email) if row.email else None
        if owner is not None and (student is None or owner.id != student.id):
            message = _l("This email address is already in use.")
            plan.errors.append(_error(roster, row, "email", message))
        plan.student = student
        if plan.errors:
            plan.action = "rejected"
        elif student is None:
            plan.action = "create"
        else:
            plan.changes = [key for key in DETAILS if _differs(row, student, key)]
            if student.id not in in_cohort:
                plan.changes.append("cohort")
            plan.action = "update" if plan.changes else "unchanged"
        planned.append(plan)
    return planned


def _active_in_cohort(session, cohort, student_ids):
    if not student_ids:
        return set()
    return set(
        session.exec(
            select(Enrollment.student_id).where(
                col(Enrollment.student_id).in_(student_ids),
                Enrollment.cohort_id == cohort.id,
                Enrollment.status == EnrollmentStatus.ACTIVE,
            )
        ).all()
    )


def _differs(row, student, key):
    """An empty cell keeps what the platform knows; only a given value can change it."""
    value = getattr(row, key)
    return value not in (None, "") and value != getattr(student, key)


def _error(roster, row, key, message):
    return {"row": row.row, "column": roster.headers.get(key, key), "message": message}


def import_roster(session: Session, *, actor, cohort, roster, dry_run=False):
    """Plan, and unless a row is rejected or this is a dry run, write it all in one transaction.

    Raises Invalid listing every row's problems when anything is rejected; nothing is written.
    """
    school = session.get(Organization, cohort.school_id)
    if not school.active:
        raise Invalid([{"row": None, "column": None, "message": _l("This school is deactivated.")}])
    planned = plan_import(session, cohort=cohort, roster=roster)
    result = ImportResult(planned=planned)
    if result.errors:
        raise Invalid(result.summary()["errors"])
    if dry_run:
        return result
    try:
        created = []
        for plan in planned:
            if plan.action == "create":
                plan.student = _create_student(session, cohort, plan.row)
                created.append(plan.student)
            elif plan.action == "update":
                _update_student(session, cohort, plan)
        session.flush()
        result.codes = issue_codes(session, actor=actor, students=created, commit=False)
        summary = result.summary()
        record_event(
            session,
            actor=actor,
            action="roster.imported",
            target=cohort,
            details={key: summary[key] for key in ("created", "updated", "unchanged")},
        )
        session.commit()
    except IntegrityError:
        session.rollback()  # another import or edit wrote the same NISN or email meanwhile
        message = _l("Someone changed these students at the same time. Nothing was imported.")
        raise Invalid([{"row": None, "column": None, "message": message}]) from None
    return result


def _create_student(session, cohort, row):
    student = User(
        role=Role.STUDENT,
        organization_id=cohort.school_id,
        nisn=row.nisn,
        full_name=row.full_name,
        email=row.email,
        gender=row.gender,
        birth_date=row.birth_date,
    )
    session.add(student)
    session.flush()
    session.add(Enrollment(cohort_id=cohort.id, student_id=student.id))
    return student


def _update_student(session, cohort, plan):
    student = plan.student
    for key in plan.changes:
        if key != "cohort":
            setattr(student, key, getattr(plan.row, key))
    session.add(student)
    if "cohort" in plan.changes:
        current = session.exec(
            select(Enrollment).where(
                Enrollment.student_id == student.id, Enrollment.status == EnrollmentStatus.ACTIVE
            )
        ).first()
        if current is not None:
            end_enrollment(session, current, EnrollmentStatus.MOVED)
        session.add(Enrollment(cohort_id=cohort.id, student_id=student.id))


def roster_to_payload(roster):
    """A checked roster as plain data, for the preview's signed hidden field."""
    return {
        "headers": roster.headers,
        "rows": [
            [r.row, r.nisn, r.full_name, r.email, r.gender, _iso(r.birth_date)] for r in roster.rows
        ],
    }


def _iso(day):
    return day.isoformat() if day else None


def roster_from_payload(payload):
    rows = [
        RosterRow(
            row=number,
            nisn=nisn,
            full_name=full_name,
            email=email,
            gender=gender,
            birth_date=date.fromisoformat(birth) if birth else None,
        )
        for number, nisn, full_name, email, gender, birth in payload["rows"]
    ]
    return Roster(rows=rows, headers=payload["headers"])
