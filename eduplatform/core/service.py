"""Figures for each role's home page, and the schema check behind /healthz."""

from functools import cache

from sqlalchemy import text
from sqlmodel import func, select

from eduplatform.audit.models import AuditEvent
from eduplatform.people.models import Organization, OrgKind, Role, User


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


def people_counts(session, organization_id=None):
    query = select(User.role, func.count()).where(User.active).group_by(User.role)
    if organization_id is not None:
        query = query.where(User.organization_id == organization_id)
    counts = dict.fromkeys(Role, 0)
    counts.update(dict(session.exec(query).all()))
    return counts


def school_overview(session):
    """Each active school with its number of teachers and students."""
    teachers = func.count().filter(User.role == Role.TEACHER)
    students = func.count().filter(User.role == Role.STUDENT)
    rows = session.exec(
        select(Organization, teachers, students)
        .join(User, (User.organization_id == Organization.id) & User.active, isouter=True)
        .where(Organization.kind == OrgKind.SCHOOL)
        .group_by(Organization.id)
        .order_by(Organization.name)
    ).all()
    return [{"school": org, "teachers": t, "students": s} for org, t, s in rows]


def recent_events(session, limit=10):
    return session.exec(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)).all()
