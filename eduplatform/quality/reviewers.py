"""Who reviews for which university: naming and revoking quality reviewers (an admin's work).

The permission is a `QualityReviewer` row, read on every request: a revocation closes the
person's queue at their next request. Samples belong to the university's plans, never to one
reviewer, so the samples waiting stay in the queue for the university's other reviewers, and the
reviews and actions the person made stay as they were.

A reviewer is a lecturer of a partner university (an `author` whose organization is the
university). A grant no longer counts once the person leaves that university or changes role.
Reviewers who also teach at a school keep the rule of no self-review: they can never review the
decisions of a school they teach at (checked at each review).
"""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, func, select

from eduplatform.audit.service import record_event
from eduplatform.errors import Conflict, Invalid
from eduplatform.people.models import Organization, OrgKind, Role, SchoolMembership, User
from eduplatform.quality.models import QualityReviewer, QualitySample, SampleStatus, SamplingPlan

ONLY_ADMINS = _l("Only an admin can name or revoke quality reviewers.")


def reviewer_grant(session, user):
    """The user's QualityReviewer row while they are an active lecturer of its university, or
    None (also after they left the university or changed role)."""
    if user is None or not getattr(user, "id", None) or not user.active:
        return None
    grant = session.get(QualityReviewer, user.id)
    if grant is None or user.role != Role.AUTHOR or user.organization_id != grant.university_id:
        return None
    return grant


def is_reviewer(session, user):
    return reviewer_grant(session, user) is not None


def teaches_for_school(session, user, school_id):
    """True when the user teaches at this school (their decisions there are their own)."""
    if user.organization_id == school_id and user.role == Role.TEACHER:
        return True
    found = session.exec(
        select(SchoolMembership.user_id).where(
            SchoolMembership.user_id == user.id, SchoolMembership.school_id == school_id
        )
    ).first()
    return found is not None


def universities(session):
    """Every university (partner universities), by name."""
    return session.exec(
        select(Organization)
        .where(Organization.kind == OrgKind.UNIVERSITY)
        .order_by(Organization.name, Organization.id)
    ).all()


def find_university(session, university_id):
    """The university with this id, or None (another kind of organization is None too)."""
    found = session.get(Organization, university_id)
    return found if found is not None and found.kind == OrgKind.UNIVERSITY else None


@dataclass
class StaffMember:
    """A lecturer of a university as the reviewers' page and command show them."""

    user: User
    grant: QualityReviewer | None
    granted_by: User | None = None
    teaches_at: list = field(default_factory=list)  # schools they also teach at

    @property
    def reviewer(self):
        return self.grant is not None


def staff_of(session, university):
    """The university's lecturers (active or not), by name, with their reviewer permission, the
    admin who granted it and the schools they also teach at."""
    rows = session.exec(
        select(User, QualityReviewer)
        .join(
            QualityReviewer,
            (col(QualityReviewer.user_id) == User.id)
            & (col(QualityReviewer.university_id) == university.id),
            isouter=True,
        )
        .where(User.organization_id == university.id, User.role == Role.AUTHOR)
        .order_by(User.full_name, User.id)
    ).all()
    granters = {g.granted_by_id for _u, g in rows if g is not None and g.granted_by_id}
    by_id = {}
    if granters:
        by_id = {u.id: u for u in session.exec(select(User).where(col(User.id).in_(granters)))}
    taught = _schools_taught(session, [user.id for user, _grant in rows])
    return [
        StaffMember(
            user=user,
            grant=grant,
            granted_by=by_id.get(grant.granted_by_id) if grant is not None else None,
            teaches_at=taught.get(user.id, []),
        )
        for user, grant in rows
    ]


def _schools_taught(session, user_ids):
    if not user_ids:
        return {}
    rows = session.exec(
        select(SchoolMembership.user_id, Organization)
        .join(Organization, col(Organization.id) == SchoolMembership.school_id)
        .where(col(SchoolMembership.user_id).in_(user_ids))
        .order_by(Organization.name)
    ).all()
    found = {}
    for user_id, school in rows:
        found.setdefault(user_id, []).append(school)
    return found


def staff_member(session, university, user_id):
    """One lecturer of the university by id, or None (anyone else's id alike)."""
    user = session.get(User, user_id)
    if user is None or user.organization_id != university.id or user.role != Role.AUTHOR:
        return None
    grant = session.get(QualityReviewer, user.id)
    return StaffMember(
        user=user,
        grant=grant if grant is not None and grant.university_id == university.id else None,
        teaches_at=_schools_taught(session, [user.id]).get(user.id, []),
    )


def waiting_samples(session, university_id):
    """Samples of the university's plans ready for review (they wait for any of its reviewers)."""
    return session.exec(
        select(func.count(QualitySample.id))
        .join(SamplingPlan, col(SamplingPlan.id) == QualitySample.plan_id)
        .where(
            SamplingPlan.university_id == university_id,
            QualitySample.status == SampleStatus.READY,
        )
    ).one()


def active_reviewers(session, university_id):
    """How many active lecturers of the university hold the permission."""
    return session.exec(
        select(func.count(QualityReviewer.user_id))
        .join(User, col(User.id) == QualityReviewer.user_id)
        .where(
            QualityReviewer.university_id == university_id,
            User.organization_id == university_id,
            User.role == Role.AUTHOR,
            col(User.active).is_(True),
        )
    ).one()


def _check_actor(actor):
    # actor None: the operator at the command line (like every data command)
    if actor is not None and actor.role != Role.ADMIN:
        raise Invalid.field(None, ONLY_ADMINS)


def not_staff_message(session, user):
    """Why this person cannot review: they are not a lecturer of a partner university."""
    organization = session.get(Organization, user.organization_id) if user.organization_id else None
    if organization is not None and organization.kind == OrgKind.UNIVERSITY:
        return _l(
            "%(name)s works at %(organization)s but not as a lecturer: quality reviewers are "
            "lecturers of a partner university.",
            name=user.full_name, organization=organization.name,
        )  # fmt: skip
    return _l(
        "%(name)s is not staff of a partner university: quality reviewers are lecturers of a "
        "partner university, never a school's teachers, students or the office.",
        name=user.full_name,
    )


def grant_reviewer(session, *, actor, user):
    """Let a university's lecturer review for it (an admin, or the command line)."""
    _check_actor(actor)
    organization = session.get(Organization, user.organization_id) if user.organization_id else None
    if user.role != Role.AUTHOR or organization is None or organization.kind != OrgKind.UNIVERSITY:
        raise Invalid.field("user", not_staff_message(session, user))
    if not user.active:
        raise Invalid.field(
            "user",
            _l("The account of %(name)s is deactivated: reactivate it first.",
               name=user.full_name),
        )  # fmt: skip
    already = _l("%(name)s is already a quality reviewer.", name=user.full_name)
    existing = session.get(QualityReviewer, user.id)
    if existing is not None and existing.university_id == organization.id:
        raise Conflict(already)
    if existing is not None:  # a grant left from a university the person no longer works at
        session.delete(existing)
        session.flush()
    grant = QualityReviewer(
        user_id=user.id, university_id=organization.id, granted_by_id=getattr(actor, "id", None)
    )
    session.add(grant)
    record_event(session, actor=actor, action="quality.reviewer_granted", target=user,
                 details={"user_id": user.id, "organization_id": organization.id})  # fmt: skip
    try:
        session.commit()
    except IntegrityError:  # a second admin named the same person at the same moment
        session.rollback()
        raise Conflict(already) from None
    return grant


@dataclass
class Revocation:
    university_id: int
    samples_waiting: int  # ready samples of the university, left for its other reviewers


def revoke_reviewer(session, *, actor, user):
    """Take the permission away: the person's queue closes at their next request; the samples
    waiting stay with the university for its other reviewers."""
    _check_actor(actor)
    grant = session.get(QualityReviewer, user.id)
    if grant is None:
        raise Conflict(_l("%(name)s is not a quality reviewer.", name=user.full_name))
    university_id = grant.university_id
    # One statement: of two revocations at the same moment, exactly one removes the row.
    removed = session.exec(
        delete(QualityReviewer).where(col(QualityReviewer.user_id) == user.id)
    ).rowcount
    if removed != 1:
        session.rollback()
        raise Conflict(_l("%(name)s is not a quality reviewer.", name=user.full_name))
    waiting = waiting_samples(session, university_id)
    record_event(session, actor=actor, action="quality.reviewer_revoked", target=user,
                 details={"user_id": user.id, "organization_id": university_id,
                          "samples_waiting": waiting})  # fmt: skip
    session.commit()
    session.expire_all()
    return Revocation(university_id=university_id, samples_waiting=waiting)


def reviewers_of(session, university_id):
    return session.exec(
        select(User)
        .join(QualityReviewer, QualityReviewer.user_id == User.id)
        .where(QualityReviewer.university_id == university_id)
        .order_by(User.full_name)
    ).all()
