"""Importing a school's teacher list: plan row by row, then write all of it or nothing.

A teacher is matched by NUPTK, else by email. A teacher already on the platform gets this
school added to their schools (a teacher may belong to several; adding never removes, never
moves them). A new teacher with an email is invited (an account without a password and an
emailed link, as the invitations page does). A new teacher without an email cannot be invited:
the row is listed as needing one and nothing is created for it, so the office adds the address
to the file (or invites that teacher on the invitations page) and imports again; rows already
done are unchanged then. Education staff who do not teach (Dapodik's Jenis PTK "Tenaga
Administrasi Sekolah" and the like) are listed and skipped: a teacher account sees the school's
students.

A teacher on the platform whose account is deactivated (or whose invitation was withdrawn) gets
the school added like any other, and the preview, the result and the command say so on their
row. The import does not reactivate them: deactivating is someone's deliberate decision (the
teacher left, a phone was lost, an invitation went to a mistyped address) and a Dapodik export
lags months behind the schools, so a list upload must not quietly give back access to students'
records. Adding the school is harmless while the account is inactive (it signs in nowhere, gets
no email) and puts the teacher on the school's teacher list, where the office reactivates them,
or sends the withdrawn invitation again, with one confirmation (people.staffing).
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from eduplatform.audit.service import record_event
from eduplatform.auth.recovery import invite_staff
from eduplatform.errors import Invalid
from eduplatform.people.memberships import add_membership, school_ids
from eduplatform.people.models import Role, User
from eduplatform.people.staffing import inactive_state
from eduplatform.people.teacher_list import TeacherList, TeacherRow

INVITE, ADD_SCHOOL, UPDATE, UNCHANGED = "invite", "add_school", "update", "unchanged"
NEEDS_EMAIL, NOT_TEACHER, REJECTED = "needs_email", "not_teacher", "rejected"
WRITTEN = (INVITE, ADD_SCHOOL, UPDATE)
KEPT = (ADD_SCHOOL, UPDATE, UNCHANGED)  # rows of a teacher already on the platform


@dataclass
class PlannedTeacher:
    row: TeacherRow
    action: str = UNCHANGED
    teacher: User | None = None  # the account on the platform, when there is one
    errors: list = field(default_factory=list)

    @property
    def inactive(self):
        """None, or why the matched account is not active: "deactivated" or
        "invitation_withdrawn" (the import adds the school but does not reactivate them)."""
        return inactive_state(self.teacher) if self.action in KEPT else None


@dataclass
class TeacherImport:
    planned: list

    def count(self, action):
        return sum(1 for p in self.planned if p.action == action)

    def rows(self, action):
        return [p for p in self.planned if p.action == action]

    @property
    def errors(self):
        return [error for p in self.planned for error in p.errors]

    @property
    def inactive(self):
        """Rows of teachers on the platform whose account is not active."""
        return [p for p in self.planned if p.inactive]

    @property
    def from_number(self):
        """Rows whose NUPTK was a number that lost its leading zeros (to be checked)."""
        return [p.row.row for p in self.planned if p.row.nuptk_from_number]

    @property
    def importable(self):
        return not self.errors and any(p.action in WRITTEN for p in self.planned)

    def summary(self):
        return {
            "invited": self.count(INVITE),
            "added_to_school": self.count(ADD_SCHOOL),
            "updated": self.count(UPDATE),
            "unchanged": self.count(UNCHANGED),
            "needs_email": [_listed(p) for p in self.rows(NEEDS_EMAIL)],
            "not_teachers": [{**_listed(p), "kind": p.row.kind} for p in self.rows(NOT_TEACHER)],
            "inactive": [
                {**_listed(p), "state": p.inactive, "teacher_id": p.teacher.id}
                for p in self.inactive
            ],
            "errors": [
                {"row": e["row"], "column": e["column"], "message": str(e["message"])}
                for e in self.errors
            ],
        }


def _listed(plan):
    return {"row": plan.row.row, "name": plan.row.full_name, "nuptk": plan.row.nuptk}


def _by(session, column, values):
    values = sorted({v for v in values if v})
    found = {}
    for start in range(0, len(values), 500):
        for user in session.exec(select(User).where(col(column).in_(values[start : start + 500]))):
            found[getattr(user, column.key)] = user
    return found


def plan_teacher_import(session: Session, *, school, teachers: TeacherList) -> TeacherImport:
    """What importing this list into the school would do, row by row; writes nothing."""
    by_nuptk = _by(session, User.nuptk, [r.nuptk for r in teachers.rows])
    by_email = _by(session, User.email, [r.email for r in teachers.rows])
    planned = []
    for row in teachers.rows:
        planned.append(plan := PlannedTeacher(row=row))
        if not row.teaches:  # skipped whatever their row holds
            plan.action = NOT_TEACHER
            continue
        plan.errors = list(row.errors)
        if plan.errors:
            plan.action = REJECTED
            continue
        plan.teacher = _match(teachers, plan, by_nuptk.get(row.nuptk), by_email.get(row.email))
        if plan.errors:
            plan.action = REJECTED
        elif plan.teacher is None:
            plan.action = INVITE if row.email else NEEDS_EMAIL
        elif school.id not in school_ids(plan.teacher, session):
            plan.action = ADD_SCHOOL
        elif row.nuptk and plan.teacher.nuptk is None:
            plan.action = UPDATE  # the platform learns the NUPTK of one of its teachers
    return TeacherImport(planned=planned)


def _match(teachers, plan, by_nuptk, by_email):
    """The teacher this row names on the platform (or None); a clash refuses the row."""
    row, headers = plan.row, teachers.headers
    if by_nuptk is not None and by_email is not None and by_nuptk.id != by_email.id:
        plan.errors.append(
            _error(
                row,
                headers["nuptk"],
                _(
                    "The NUPTK belongs to %(first)s and the email to %(second)s on the "
                    "platform: check which is right.",
                    first=by_nuptk.full_name,
                    second=by_email.full_name,
                ),
            )
        )
        return None
    teacher = by_nuptk or by_email
    if teacher is None:
        return None
    column = headers["nuptk"] if by_nuptk is not None else headers.get("email")
    if teacher.role != Role.TEACHER:
        plan.errors.append(
            _error(
                row,
                column,
                _l("This belongs to an account on the platform that is not a teacher's."),
            )
        )
        return None
    if row.nuptk and teacher.nuptk and teacher.nuptk != row.nuptk:
        plan.errors.append(
            _error(
                row,
                headers["nuptk"],
                _(
                    "This email belongs to %(name)s, whose NUPTK on the platform is %(nuptk)s.",
                    name=teacher.full_name,
                    nuptk=teacher.nuptk,
                ),
            )
        )
        return None
    return teacher


def _error(row, column, message):
    return {"row": row.row, "column": column, "message": message}


def import_teachers(session: Session, *, actor, school, teachers: TeacherList, dry_run=False):
    """Plan, and unless a row is rejected or this is a dry run, write it all in one transaction:
    invitations (sent once it commits), schools added, NUPTKs recorded.

    Raises Invalid listing every row's problems when anything is rejected; nothing is written.
    """
    if not school.active:
        raise Invalid([{"row": None, "column": None, "message": _l("This school is deactivated.")}])
    result = plan_teacher_import(session, school=school, teachers=teachers)
    if result.errors:
        raise Invalid(result.summary()["errors"])
    if dry_run:
        return result
    try:
        for plan in result.planned:
            _write(session, actor, school, plan)
        summary = result.summary()
        record_event(
            session,
            actor=actor,
            action="school.teachers_imported",
            target=school,
            details={
                "invited": summary["invited"],
                "added_to_school": summary["added_to_school"],
                "updated": summary["updated"],
                "unchanged": summary["unchanged"],
                "needs_email": len(summary["needs_email"]),
                "not_teachers": len(summary["not_teachers"]),
                "inactive": len(summary["inactive"]),
            },
        )
        session.commit()
    except IntegrityError:
        session.rollback()  # another import or edit wrote the same NUPTK or email meanwhile
        message = _l("Someone changed these teachers at the same time. Nothing was imported.")
        raise Invalid([{"row": None, "column": None, "message": message}]) from None
    except Invalid as refused:
        session.rollback()
        raise refused from None
    return result


def _write(session, actor, school, plan):
    row = plan.row
    if plan.action == INVITE:
        try:
            plan.teacher = invite_staff(
                session=session,
                actor=actor,
                email=row.email,
                full_name=row.full_name,
                organization=school,
                role=Role.TEACHER,
                commit=False,
            )
        except Invalid as refused:
            raise Invalid(
                [_error(row, None, error["message"]) for error in refused.errors]
            ) from None
    elif plan.action == ADD_SCHOOL:
        add_membership(session, teacher=plan.teacher, school=school, actor=actor)
        record_event(
            session,
            actor=actor,
            action="school.teacher_assigned",
            target=school,
            details={"teacher_id": plan.teacher.id},
        )
    if plan.action in WRITTEN and row.nuptk and plan.teacher.nuptk is None:
        plan.teacher.nuptk = row.nuptk
        session.add(plan.teacher)
    if plan.action in WRITTEN and row.gender and plan.teacher.gender is None:
        plan.teacher.gender = row.gender
        session.add(plan.teacher)
