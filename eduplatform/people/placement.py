"""Changing a person's school is explicit (issue 13 item 9): what it ends is named first, the
change is confirmed, then done in the transaction of the change itself, and audited.

- A student's active class enrolment ends as "moved" (kept in their history): the old school's
  teachers no longer see them in its class or queue.
- A teacher leaves every school but the new one, and the classes of those schools they teach. A
  second school is added on that school's page instead ("assign an existing teacher"), which
  ends nothing. Other areas name what else a teacher leaves there (TEACHER_DEPARTURES: the
  industry placements they accompany).
- Office staff and authors change organization; nothing else ends.

A role change that takes someone out of the student or teacher role ends the same things.
"""

from dataclasses import dataclass, field

from sqlmodel import col, select

from eduplatform.audit.service import record_event
from eduplatform.people.cohorts import active_enrollment, end_enrollment, leave_school
from eduplatform.people.memberships import add_membership, memberships, school_ids
from eduplatform.people.models import (
    Cohort,
    CohortTeacher,
    Enrollment,
    EnrollmentStatus,
    Organization,
    Role,
    User,
)


@dataclass
class ClassLoss:
    """A class a teacher stops teaching, with the teachers it keeps."""

    cohort: Cohort
    others: list = field(default_factory=list)

    @property
    def left_without_teacher(self):
        return not self.others


def class_losses(session, teacher, school_ids_):
    """The classes of these schools the teacher teaches, each with its other teachers."""
    if not school_ids_:
        return []
    classes = session.exec(
        select(Cohort)
        .join(CohortTeacher, col(CohortTeacher.cohort_id) == Cohort.id)
        .where(
            CohortTeacher.teacher_id == teacher.id,
            col(Cohort.school_id).in_(sorted(school_ids_)),
        )
        .order_by(col(Cohort.academic_year).desc(), Cohort.name)
    ).all()
    others = {cohort.id: [] for cohort in classes}
    if classes:
        rows = session.exec(
            select(CohortTeacher.cohort_id, User)
            .join(User, col(User.id) == CohortTeacher.teacher_id)
            .where(col(CohortTeacher.cohort_id).in_(list(others)), User.id != teacher.id)
            .order_by(User.full_name)
        ).all()
        for cohort_id, other in rows:
            others[cohort_id].append(other)
    return [ClassLoss(cohort, others[cohort.id]) for cohort in classes]


def end_teaching(session, teacher, losses):
    """Take the teacher off these classes (no commit)."""
    ids = [loss.cohort.id for loss in losses]
    if not ids:
        return
    links = session.exec(
        select(CohortTeacher).where(
            CohortTeacher.teacher_id == teacher.id, col(CohortTeacher.cohort_id).in_(ids)
        )
    ).all()
    for link in links:
        session.delete(link)


@dataclass(frozen=True)
class Departure:
    """What a teacher leaving schools ends in another area, without this module importing it.

    find(session, teacher, school_ids) -> the items it ends there (each with an `id`), named on
    the confirmation page by `template` (it gets them as `items`); end(session, actor, teacher,
    items) ends them, without a commit (it goes with the change of the account).
    """

    find: object
    end: object
    template: str


# name -> Departure (placements: the placements the teacher accompanies at those schools).
TEACHER_DEPARTURES = {}


@dataclass
class SchoolChange:
    """What changing a user's school (or school-bound role) ends, named before it is done."""

    user: User
    old_school: Organization | None
    new_school: Organization | None
    new_role: str
    enrollment: Enrollment | None = None  # the student's enrolment that ends
    enrollment_cohort: Cohort | None = None
    left_schools: list = field(default_factory=list)  # a teacher's schools that end
    classes: list = field(default_factory=list)  # ClassLoss: the classes that lose the teacher
    elsewhere: dict = field(default_factory=dict)  # TEACHER_DEPARTURES name -> the items ended

    @property
    def moves(self):
        old = self.old_school.id if self.old_school else None
        return old != (self.new_school.id if self.new_school else None)

    @property
    def ends_something(self):
        return bool(
            self.enrollment or self.left_schools or self.classes or any(self.elsewhere.values())
        )

    @property
    def departures(self):
        """[(Departure, items)] of what the change ends in other areas, in a stable order."""
        return [
            (TEACHER_DEPARTURES[name], items)
            for name, items in sorted(self.elsewhere.items())
            if items and name in TEACHER_DEPARTURES
        ]

    @property
    def needs_confirmation(self):
        return self.moves or self.ends_something

    @property
    def token(self):
        """What the person confirming saw; a different answer later means the state changed."""
        parts = [
            f"{self.old_school.id if self.old_school else ''}-"
            f"{self.new_school.id if self.new_school else ''}",
            str(self.new_role),
            str(self.enrollment.id if self.enrollment else ""),
            ",".join(str(s.id) for s in self.left_schools),
            ",".join(str(loss.cohort.id) for loss in self.classes),
            *(
                f"{name}:" + ",".join(str(item.id) for item in items)
                for name, items in sorted(self.elsewhere.items())
            ),
        ]
        return "/".join(parts)


class Unconfirmed(Exception):
    """The change ends something or moves someone and was not confirmed (or, when `stale`,
    what was confirmed is no longer what it would end)."""

    def __init__(self, change, *, stale=False):
        self.change, self.stale = change, stale
        super().__init__("the change of school needs a confirmation")


def school_change(session, *, user, role, organization):
    """What giving `user` this role and organization would end (writes nothing)."""
    old_school = session.get(Organization, user.organization_id) if user.organization_id else None
    change = SchoolChange(user=user, old_school=old_school, new_school=organization, new_role=role)
    new_id = organization.id if organization else None
    if user.role == Role.STUDENT and (role != Role.STUDENT or new_id != user.organization_id):
        change.enrollment = active_enrollment(session, user.id)
        if change.enrollment is not None:
            change.enrollment_cohort = session.get(Cohort, change.enrollment.cohort_id)
    if user.role == Role.TEACHER and (role != Role.TEACHER or new_id != user.organization_id):
        keep = {new_id} if role == Role.TEACHER else set()
        left = school_ids(user, session) - keep
        if left:
            change.left_schools = session.exec(
                select(Organization)
                .where(col(Organization.id).in_(sorted(left)))
                .order_by(Organization.name)
            ).all()
        change.classes = class_losses(session, user, left)
        change.elsewhere = {
            name: departure.find(session, user, left)
            for name, departure in TEACHER_DEPARTURES.items()
        }
    return change


def apply_school_change(session, *, actor, change):
    """End what the change ends (no commit: it goes with the change of the account)."""
    user = change.user
    new = change.new_school
    student_moves = user.role == Role.STUDENT and change.moves
    if student_moves:  # the old enrolment ends as "moved"; audited there
        leave_school(session, actor=actor, student=user, to_school_id=new.id if new else None)
    elif change.enrollment is not None:  # no longer a student: they leave the class
        end_enrollment(session, change.enrollment, EnrollmentStatus.WITHDRAWN)
    end_teaching(session, user, change.classes)
    for departure, items in change.departures:
        departure.end(session, actor, user, items)
    held = memberships(session, user.id)
    for school in change.left_schools:
        if school.id in held:
            session.delete(held[school.id])
    if change.new_role == Role.TEACHER and new is not None and new.id not in held:
        add_membership(session, teacher=user, school=new, actor=actor)
    if change.needs_confirmation and not student_moves:
        details = {
            "from_organization_id": change.old_school.id if change.old_school else None,
            "organization_id": new.id if new else None,
        }
        if change.enrollment_cohort is not None:
            details["ended_cohort_id"] = change.enrollment_cohort.id
        if change.left_schools:
            details["left_school_ids"] = [s.id for s in change.left_schools]
        if change.classes:
            details["cohort_ids"] = [loss.cohort.id for loss in change.classes]
        for name, items in sorted(change.elsewhere.items()):
            if items:
                details[f"{name}_ids"] = [item.id for item in items]
        record_event(
            session, actor=actor, action="user.school_changed", target=user, details=details
        )
