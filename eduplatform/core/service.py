"""Figures for each role's home page, and the schema check behind /healthz."""

import ast
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
    """(every revision, the heads) of the migration scripts, from each script's `revision` and
    `down_revision` assignments. Alembic's ScriptDirectory gives the same two sets, but it
    would load Alembic, Mako, Pygments and every script into the worker that answers /healthz
    (9 MB and 119 modules kept for the process's life, 120 ms) for them."""
    from eduplatform.cli import PROJECT_ROOT

    known, parents = set(), set()
    for path in sorted((PROJECT_ROOT / "migrations" / "versions").glob("*.py")):
        assigned = {}
        for node in ast.parse(path.read_bytes(), filename=str(path)).body:
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    if isinstance(target, ast.Name):
                        assigned[target.id] = node.value
        if "revision" not in assigned:
            continue
        known.add(ast.literal_eval(assigned["revision"]))
        down = ast.literal_eval(assigned.get("down_revision", ast.Constant(None)))
        parents.update([down] if isinstance(down, str) else down or ())
    if not known:
        raise LookupError("no migration scripts")
    return known, known - parents


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
