"""Importing a roster into a class: plan row by row, then write all of it or nothing.

Students are matched by NISN. A new NISN creates a student (no password: they activate with a
code) enrolled in the class; a student of the same school is updated when a detail changed or
they are not in this class yet; everything else is unchanged, so importing a file twice changes
nothing the second time.

A Dapodik list often has the whole school: when the file names several classes ("rombel"), one
is chosen (the one named like the class, or the teacher's choice) and the other rows are
skipped. Names and places written in capitals are imported in title case unless the teacher
keeps them as they are.
"""

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from eduplatform.audit.service import record_event
from eduplatform.errors import Invalid
from eduplatform.people.activation import issue_codes, may_issue_codes
from eduplatform.people.cohorts import end_enrollment
from eduplatform.people.models import Enrollment, EnrollmentStatus, Organization, Role, User
from eduplatform.people.names import in_capitals, title_case
from eduplatform.people.roster import Roster, RosterRow

DETAILS = ("full_name", "email", "gender", "birth_date", "birth_place", "student_number")
CASED = ("full_name", "birth_place")
NAMES_TITLE, NAMES_KEEP = "title", "keep"
# A clash with an account outside the school says only that the row cannot be used: never whose
# the NISN or email is, nor whether it is a student, a teacher or another school (issue 13.3).
NISN_UNUSABLE = _l(
    "This NISN cannot be used for this school. The education office can tell you why."
)
EMAIL_UNUSABLE = _l(
    "This email address cannot be used. Leave the cell empty or write another address; "
    "the education office can tell you why."
)


@dataclass(frozen=True)
class ImportOptions:
    """What the teacher chose in the preview (or on the command line)."""

    names: str = NAMES_TITLE  # names and places in capitals: NAMES_TITLE or NAMES_KEEP
    rombel: str | None = None  # the class of the file to import, when it lists several


@dataclass
class PlannedRow:
    row: RosterRow  # as it will be written: names already in title case when chosen
    action: str = "unchanged"  # create | update | unchanged | rejected
    student: User | None = None
    changes: list = field(default_factory=list)  # detail names, and "cohort" when (re)enrolled
    errors: list = field(default_factory=list)
    in_file: dict = field(default_factory=dict)  # key -> the file's spelling, when recased


@dataclass
class ImportResult:
    planned: list
    codes: list = field(default_factory=list)  # [(student, plaintext code)] for new students
    skipped: int = 0  # rows of the file's other classes

    def count(self, action):
        return sum(1 for p in self.planned if p.action == action)

    @property
    def errors(self):
        return [error for p in self.planned for error in p.errors]

    @property
    def padded(self):
        """Rows whose NISN was a number that lost its leading zeros (to be checked)."""
        return [p.row.row for p in self.planned if p.row.nisn_padded]

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


def _class_key(name):
    return re.sub(r"[\s._-]+", " ", (name or "").casefold()).strip()


def default_rombel(roster, cohort):
    """The file's class named like this class ("X TKR 1" in both), or None."""
    return next((r for r in roster.rombels if _class_key(r) == _class_key(cohort.name)), None)


def needs_rombel(roster, options):
    """Whether the file lists several classes and none of them is chosen yet."""
    return len(roster.rombels) > 1 and options.rombel not in roster.rombels


def chosen_rows(roster, options):
    """(rows to import, rows skipped): one class of the file when it lists several."""
    if len(roster.rombels) <= 1:
        return roster.rows, 0
    rows = [row for row in roster.rows if row.rombel == options.rombel]
    return rows, len(roster.rows) - len(rows)


def _recased(row, options):
    """The row as it will be written, and the file's spelling of what changed."""
    if options.names != NAMES_TITLE:
        return row, {}
    in_file = {key: getattr(row, key) for key in CASED if in_capitals(getattr(row, key) or "")}
    changed = {key: title_case(value) for key, value in in_file.items()}
    return dataclasses.replace(row, **changed), in_file


def _by(session, column, values):
    values = sorted({v for v in values if v})
    found = {}
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        for user in session.exec(select(User).where(col(column).in_(chunk))).all():
            found[getattr(user, column.key)] = user
    return found


def plan_import(session: Session, *, cohort, roster, options=ImportOptions()):
    """What importing this roster into the class would do, row by row; writes nothing."""
    rows, _skipped = chosen_rows(roster, options)
    by_nisn = _by(session, User.nisn, [r.nisn for r in rows])
    by_email = _by(session, User.email, [r.email for r in rows])
    in_cohort = _active_in_cohort(session, cohort, [u.id for u in by_nisn.values()])
    planned = []
    for original in rows:
        row, in_file = _recased(original, options)
        plan = PlannedRow(row=row, errors=list(row.errors), in_file=in_file)
        student = by_nisn.get(row.nisn)
        if student is not None and not _of_school(student, cohort):
            plan.errors.append(_error(roster, row, "nisn", NISN_UNUSABLE))
            student = None
        owner = by_email.get(row.email) if row.email else None
        if owner is not None and (student is None or owner.id != student.id):
            if _of_school(owner, cohort):  # the importing school may know its own students
                message = _(
                    "This email address belongs to %(name)s, another student of this school.",
                    name=owner.full_name,
                )
            else:
                message = EMAIL_UNUSABLE
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


def _of_school(user, cohort):
    return user.role == Role.STUDENT and user.organization_id == cohort.school_id


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


def import_roster(
    session: Session, *, actor, cohort, roster, options=ImportOptions(), dry_run=False
):
    """Plan, and unless a row is rejected or this is a dry run, write it all in one transaction.

    Raises Invalid listing every row's problems when anything is rejected; nothing is written.
    """
    school = session.get(Organization, cohort.school_id)
    if not school.active:
        raise Invalid([{"row": None, "column": None, "message": _l("This school is deactivated.")}])
    if needs_rombel(roster, options):
        raise Invalid([rombel_error(roster)])
    planned = plan_import(session, cohort=cohort, roster=roster, options=options)
    result = ImportResult(planned=planned, skipped=chosen_rows(roster, options)[1])
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
        if may_issue_codes(actor):  # the office imports; the class's teachers hand out codes
            result.codes = issue_codes(session, actor=actor, students=created, commit=False)
        summary = result.summary()
        record_event(
            session,
            actor=actor,
            action="roster.imported",
            target=cohort,
            details={
                **{key: summary[key] for key in ("created", "updated", "unchanged")},
                **({"skipped": result.skipped} if result.skipped else {}),
            },
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
        birth_place=row.birth_place,
        student_number=row.student_number,
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


def rombel_error(roster):
    names = ", ".join(f"{name} ({count})" for name, count in sorted(roster.rombels.items()))
    return {
        "row": None,
        "column": roster.headers.get("rombel"),
        "message": _(
            "The file lists the students of several classes (rombel): %(names)s. "
            "Choose the one to import into this class.",
            names=names,
        ),
    }


PAYLOAD_FIELDS = (
    "row",
    "nisn",
    "full_name",
    "email",
    "gender",
    "birth_date",
    "birth_place",
    "student_number",
    "rombel",
    "nisn_padded",
)


def roster_to_payload(roster):
    """A checked roster as plain data, for the preview's signed hidden field.

    Rows keep their problems (as text in the page's language): another class of the file may
    be chosen in the preview, and its rows are checked already.
    """
    rows = []
    for row in roster.rows:
        values = [getattr(row, name) for name in PAYLOAD_FIELDS]
        values[PAYLOAD_FIELDS.index("birth_date")] = _iso(row.birth_date)
        values.append([[e["column"], str(e["message"])] for e in row.errors])
        rows.append(values)
    return {"headers": roster.headers, "ignored": roster.ignored, "rows": rows}


def _iso(day):
    return day.isoformat() if day else None


def roster_from_payload(payload):
    rows = []
    for *values, errors in payload["rows"]:
        row = RosterRow(**dict(zip(PAYLOAD_FIELDS, values, strict=True)))
        row.birth_date = date.fromisoformat(row.birth_date) if row.birth_date else None
        for column, message in errors:
            row.refuse(column, message)
        rows.append(row)
    return Roster(rows=rows, headers=payload["headers"], ignored=payload["ignored"])
