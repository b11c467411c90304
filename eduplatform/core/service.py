"""Figures for each role's home page, and the schema check behind /healthz."""

from functools import cache

from sqlalchemy import text
from sqlmodel import col, func, select

from eduplatform.audit.models import AuditEvent
from eduplatform.people.models import Organization, OrgKind, Role, SchoolMembership, User


def schema_revision(session):
    """The Alembic revision the database is at (None before the first upgrade)."""
    try:
        return session.exec(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # noqa: BLE001 - a missing table means "not migrated"
        session.rollback()
        return None


def schema_behind(revisions):
    """True when the database is at an older revision this code knows: migrations are pending.

    A revision this code does not know is newer (the database was upgraded for the next
    release first): the app keeps serving, as migrations stay backward compatible.
    """
    try:
        known, heads = _migration_graph()
    except Exception:  # noqa: BLE001 - no migration scripts at hand: nothing to compare with
        return False
    found = set(revisions)
    return not found or (found <= known and found != heads)


@cache
def _migration_graph():
    from alembic.script import ScriptDirectory

    from eduplatform.cli import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    return {r.revision for r in script.walk_revisions()}, set(script.get_heads())


def people_counts(session):
    """Active accounts by role, platform-wide."""
    query = select(User.role, func.count()).where(User.active).group_by(User.role)
    counts = dict.fromkeys(Role, 0)
    counts.update(dict(session.exec(query).all()))
    return counts


def school_people_counts(session, school_ids):
    """{school id: {"teacher": n, "student": n}}: active teachers belonging to each school (a
    teacher of two schools counts at both), active students of each."""
    counts = {school_id: {Role.TEACHER: 0, Role.STUDENT: 0} for school_id in school_ids}
    if not counts:
        return counts
    students = session.exec(
        select(User.organization_id, func.count())
        .where(User.active, User.role == Role.STUDENT, col(User.organization_id).in_(counts))
        .group_by(User.organization_id)
    ).all()
    teachers = session.exec(
        select(SchoolMembership.school_id, func.count())
        .join(User, col(User.id) == SchoolMembership.user_id)
        .where(User.active, User.role == Role.TEACHER, col(SchoolMembership.school_id).in_(counts))
        .group_by(SchoolMembership.school_id)
    ).all()
    for school_id, n in students:
        counts[school_id][Role.STUDENT] = n
    for school_id, n in teachers:
        counts[school_id][Role.TEACHER] = n
    return counts


def school_overview(session):
    """Each school with its number of teachers and students."""
    schools = session.exec(
        select(Organization).where(Organization.kind == OrgKind.SCHOOL).order_by(Organization.name)
    ).all()
    counts = school_people_counts(session, [school.id for school in schools])
    return [
        {
            "school": school,
            "teachers": counts[school.id][Role.TEACHER],
            "students": counts[school.id][Role.STUDENT],
        }
        for school in schools
    ]


def recent_events(session, limit=10):
    return session.exec(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)).all()
