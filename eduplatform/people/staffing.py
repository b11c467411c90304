"""Teachers and their schools: adding a school adds, removing is a separate, confirmed action.

A teacher may belong to several schools. Adding a school never takes one away; removing a
teacher from a school names the classes that lose them first (and which of those are left with
no teacher), and happens only for exactly the classes the person confirming saw.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, func, select

from eduplatform.audit.service import record_event
from eduplatform.errors import Conflict, Invalid
from eduplatform.people.memberships import add_membership, memberships
from eduplatform.people.models import (
    Cohort,
    CohortTeacher,
    Organization,
    Role,
    SchoolMembership,
    User,
    UserSession,
)
from eduplatform.people.placement import ClassLoss, class_losses, end_teaching
from eduplatform.people.service import normalize_email


def assign_teacher(session: Session, *, actor, school, email):
    """Add this school to an existing teacher's schools; their other schools and classes stay."""
    teacher = session.exec(select(User).where(User.email == normalize_email(email))).first()
    if teacher is None or teacher.role != Role.TEACHER:
        raise Invalid.field("email", _l("No teacher account has this email address."))
    if not school.active:
        raise Invalid.field("email", _l("This school is deactivated."))
    if school.id in memberships(session, teacher.id) or teacher.organization_id == school.id:
        raise Invalid.field("email", _l("This teacher already teaches at this school."))
    add_membership(session, teacher=teacher, school=school, actor=actor)
    record_event(
        session,
        actor=actor,
        action="school.teacher_assigned",
        target=school,
        details={"teacher_id": teacher.id},
    )
    session.commit()
    return teacher


@dataclass
class Removal:
    """What removing a teacher from a school ends, shown before anyone confirms it."""

    teacher: User
    school: Organization
    classes: list  # ClassLoss, one per class of the school the teacher teaches
    new_home: Organization | None  # their home school afterwards, when this one was it
    only_school: bool  # a teacher keeps at least one school: this removal is refused

    @property
    def cohort_ids(self):
        return sorted(loss.cohort.id for loss in self.classes)

    @property
    def orphaned(self):
        return [loss.cohort for loss in self.classes if loss.left_without_teacher]


def removal_preview(session, *, teacher, school):
    """What removing the teacher from the school would end (writes nothing)."""
    held = memberships(session, teacher.id)
    if school.id not in held and teacher.organization_id != school.id:
        raise Invalid.field("teacher", _l("This teacher does not teach at this school."))
    classes = class_losses(session, teacher, {school.id})
    remaining = {*held, teacher.organization_id} - {school.id, None}
    new_home = None
    if teacher.organization_id == school.id and remaining:  # the longest-held school is home
        first = min((held[i] for i in remaining), key=lambda m: (m.since, m.school_id))
        new_home = session.get(Organization, first.school_id)
    return Removal(
        teacher=teacher,
        school=school,
        classes=classes,
        new_home=new_home,
        only_school=not remaining,
    )


def remove_teacher(session: Session, *, actor, teacher, school, confirmed_cohort_ids):
    """Take a school from a teacher's schools, and them from its classes they teach.

    `confirmed_cohort_ids` are the classes the person confirming was shown; when the classes
    changed since (someone added the teacher to another), nothing is written (Conflict).
    """
    removal = removal_preview(session, teacher=teacher, school=school)
    if removal.only_school:
        raise Invalid.field(
            "teacher",
            _l(
                "This is the teacher's only school. To end their work, deactivate the account "
                "or change their school on the account page."
            ),
        )
    if sorted(set(confirmed_cohort_ids)) != removal.cohort_ids:
        raise Conflict(_l("The teacher's classes changed meanwhile; check the list again."))
    end_teaching(session, teacher, removal.classes)
    membership = session.get(SchoolMembership, (teacher.id, school.id))
    if membership is not None:
        session.delete(membership)
    if removal.new_home is not None:
        teacher.organization_id = removal.new_home.id
        session.add(teacher)
    record_event(
        session,
        actor=actor,
        action="school.teacher_removed",
        target=school,
        details={
            "teacher_id": teacher.id,
            "cohort_ids": removal.cohort_ids,
            "without_teacher": [c.id for c in removal.orphaned],
        },
    )
    session.commit()
    return removal


def school_teachers(session, school_id):
    """The teachers who belong to a school, by name, with their membership (None: home only)."""
    rows = session.exec(
        select(User, SchoolMembership)
        .join(
            SchoolMembership,
            (col(SchoolMembership.user_id) == User.id) & (SchoolMembership.school_id == school_id),
            isouter=True,
        )
        .where(
            User.role == Role.TEACHER,
            (col(SchoolMembership.school_id).is_not(None)) | (User.organization_id == school_id),
        )
        .order_by(User.full_name, User.id)
    ).all()
    return list(rows)


def other_schools(session, teacher_ids, school_id):
    """{teacher id: [their other schools' names]} for the school page's list."""
    if not teacher_ids:
        return {}
    rows = session.exec(
        select(SchoolMembership.user_id, Organization.name)
        .join(Organization, col(Organization.id) == SchoolMembership.school_id)
        .where(
            col(SchoolMembership.user_id).in_(list(teacher_ids)),
            SchoolMembership.school_id != school_id,
        )
        .order_by(Organization.name)
    ).all()
    names = {teacher_id: [] for teacher_id in teacher_ids}
    for teacher_id, name in rows:
        names[teacher_id].append(name)
    return names


@dataclass
class AccountDeactivation:
    """What deactivating an account ends, named before anyone confirms it."""

    user: User
    sessions: int  # signed-in browsers that are signed out at once
    classes: list  # ClassLoss: classes a teacher leaves without another active teacher


def deactivation_preview(session, user):
    """The sessions that end and the classes left with no active teacher (writes nothing)."""
    sessions = session.exec(
        select(func.count())
        .select_from(UserSession)
        .where(UserSession.user_id == user.id, col(UserSession.revoked_at).is_(None))
    ).one()
    classes = []
    if user.role == Role.TEACHER:
        taught = session.exec(
            select(Cohort)
            .join(CohortTeacher, col(CohortTeacher.cohort_id) == Cohort.id)
            .where(CohortTeacher.teacher_id == user.id, col(Cohort.archived).is_(False))
            .order_by(col(Cohort.academic_year).desc(), Cohort.name)
        ).all()
        covered = set(
            session.exec(
                select(CohortTeacher.cohort_id)
                .join(User, col(User.id) == CohortTeacher.teacher_id)
                .where(
                    col(CohortTeacher.cohort_id).in_([c.id for c in taught]),
                    User.id != user.id,
                    col(User.active).is_(True),
                )
            ).all()
        )
        classes = [ClassLoss(cohort) for cohort in taught if cohort.id not in covered]
    return AccountDeactivation(user=user, sessions=sessions, classes=classes)


# A teacher whose account is not active: deactivated (they had signed in), or invited and the
# invitation withdrawn (never signed in). An import adds the school and says so; the office
# reactivates from the school's teacher list (see teacher_import's docstring for why not the
# import itself).
DEACTIVATED, INVITATION_WITHDRAWN = "deactivated", "invitation_withdrawn"


def inactive_state(user):
    """None for an active account, else DEACTIVATED or INVITATION_WITHDRAWN."""
    if user is None or user.active:
        return None
    never_used = user.password_hash is None and user.last_login_at is None
    return INVITATION_WITHDRAWN if never_used else DEACTIVATED


def last_deactivation(session, user):
    """(the audit event that deactivated the account or withdrew its invitation, the person who
    did it or None), or None when the log has none."""
    from eduplatform.audit.models import AuditEvent

    row = session.exec(
        select(AuditEvent, User)
        .join(User, col(User.id) == AuditEvent.actor_id, isouter=True)
        .where(
            AuditEvent.object_type == "User",
            AuditEvent.object_id == str(user.id),
            col(AuditEvent.action).in_(["user.deactivated", "user.invitation_withdrawn"]),
        )
        .order_by(col(AuditEvent.id).desc())
    ).first()
    return tuple(row) if row else None


def reactivate_teacher(session: Session, *, actor, teacher, school):
    """Make an inactive teacher of this school active again: a deactivated account signs in
    again with its password; a withdrawn invitation is sent anew (a new link by email, to the
    school the account was invited to). Returns the state the teacher was in. Audited."""
    from eduplatform.auth.recovery import invite_staff

    state = inactive_state(teacher)
    if state is None:
        raise Invalid.field(None, _l("%(name)s is already active.", name=teacher.full_name))
    if state == INVITATION_WITHDRAWN:
        if not teacher.email:
            raise Invalid.field(None, _l("This account has no email address to invite."))
        invite_staff(
            session=session,
            actor=actor,
            email=teacher.email,
            full_name=teacher.full_name,
            organization=session.get(Organization, teacher.organization_id),
            role=Role.TEACHER,
            commit=False,
        )
    else:
        teacher.active = True
        session.add(teacher)
        record_event(
            session,
            actor=actor,
            action="user.reactivated",
            target=teacher,
            details={"school_id": school.id},
        )
    session.commit()
    return state
