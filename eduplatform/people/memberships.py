"""Which schools a person belongs to: a teacher's memberships, anyone else's one organization.

A teacher may teach at several schools (common in Indonesia). Their scope is the union of their
schools, never a third one. `User.organization_id` stays meaningful: it is the teacher's home
school (shown first, owner of the modules they create) and always one of their memberships.
"""

from sqlalchemy import bindparam
from sqlalchemy.orm import object_session
from sqlmodel import col, exists, false, select, true

from eduplatform.clock import local_today
from eduplatform.people.models import Organization, Role, SchoolMembership, User

# Built once: a teacher's every request asks (building a statement costs about as much as
# running it).
MEMBERSHIPS = select(SchoolMembership.school_id).where(
    SchoolMembership.user_id == bindparam("user_id")
)


def school_ids(user, session=None):
    """The ids of the schools (or the one organization) a user belongs to, as a frozenset."""
    home = frozenset({user.organization_id}) if user.organization_id else frozenset()
    if user.role != Role.TEACHER or user.id is None:
        return home
    session = session or object_session(user)
    if session is None:  # a detached account: its home school only (never more)
        return home
    rows = session.exec(MEMBERSHIPS, params={"user_id": user.id}).all()
    return home | frozenset(rows)


def school_filter(column, ids):
    """A WHERE clause keeping rows whose school `column` is one of `ids` (None: every school)."""
    if ids is None:
        return true()
    if not ids:
        return false()
    return col(column).in_(sorted(ids))


def teaches_at(school_id):
    """A WHERE clause on User: a teacher who belongs to this school."""
    return exists().where(
        SchoolMembership.user_id == User.id, SchoolMembership.school_id == school_id
    ) | ((User.organization_id == school_id) & (User.role == Role.TEACHER))


def member_of_any(ids):
    """A WHERE clause on User: belongs (home or membership) to one of these schools."""
    ids = sorted(ids)
    if not ids:
        return false()
    return col(User.organization_id).in_(ids) | exists().where(
        SchoolMembership.user_id == User.id, col(SchoolMembership.school_id).in_(ids)
    )


def schools_of(session, user):
    """The schools a user belongs to, home school first, then by name."""
    ids = school_ids(user, session)
    if not ids:
        return []
    schools = session.exec(select(Organization).where(col(Organization.id).in_(sorted(ids)))).all()
    return sorted(schools, key=lambda s: (s.id != user.organization_id, s.name.casefold()))


def memberships(session, user_id):
    """{school id: membership} of a teacher."""
    rows = session.exec(select(SchoolMembership).where(SchoolMembership.user_id == user_id)).all()
    return {row.school_id: row for row in rows}


def add_membership(session, *, teacher, school, actor=None, since=None):
    """Add `school` to a teacher's schools (no commit); the first one becomes their home."""
    session.add(
        SchoolMembership(
            user_id=teacher.id,
            school_id=school.id,
            since=since or local_today(),
            added_by_id=getattr(actor, "id", None),
        )
    )
    if teacher.organization_id is None:
        teacher.organization_id = school.id
        session.add(teacher)
