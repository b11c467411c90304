"""Demo data: a partner university, a city education office, three schools, one user per role,
and what every journey starts from (eduplatform.demo_journeys).

The names are fictional on purpose; NPSN values starting 9999 are not real schools' ids.
"""

from pathlib import Path

from sqlmodel import col, select

from eduplatform.curriculum.models import Program
from eduplatform.demo_journeys import load_journeys
from eduplatform.people.memberships import add_membership, memberships
from eduplatform.people.models import (
    Organization,
    OrgKind,
    Role,
    User,
)

CURRICULA_DIR = Path(__file__).resolve().parent.parent / "curricula"

DEMO_PASSWORD = "demo-eduplatform-2026"

ORGANIZATIONS = [
    {
        "key": "university",
        "kind": OrgKind.UNIVERSITY,
        "name": "Xi'an Partner Automotive University (demo)",
        "name_translations": {"zh": "西安合作汽车大学（演示）"},
        "city": "Xi'an",
        "country": "CN",
    },
    {
        "key": "office",
        "kind": OrgKind.OFFICE,
        "name": "Dinas Pendidikan Kota Surakarta (demo)",
        "city": "Surakarta",
        "country": "ID",
    },
    {
        "key": "school1",
        "kind": OrgKind.SCHOOL,
        "name": "SMK Demo Bengawan",
        "npsn": "99990001",
        "city": "Surakarta",
        "country": "ID",
        "address": "Jl. Contoh No. 1, Surakarta",
    },
    {
        "key": "school2",
        "kind": OrgKind.SCHOOL,
        "name": "SMK Demo Laweyan",
        "npsn": "99990002",
        "city": "Surakarta",
        "country": "ID",
        "address": "Jl. Contoh No. 2, Surakarta",
    },
    {
        "key": "school3",
        "kind": OrgKind.SCHOOL,
        "name": "SMK Demo Jebres",
        "npsn": "99990003",
        "city": "Surakarta",
        "country": "ID",
        "address": "Jl. Contoh No. 3, Surakarta",
    },
]

ACCOUNTS = [
    {
        "role": Role.ADMIN,
        "email": "admin@demo.example.org",
        "name": "Admin Platform",
        "org": "office",
    },
    {
        "role": Role.OFFICE,
        "email": "office@demo.example.org",
        "name": "Rina Wulandari",
        "org": "office",
    },
    {
        "role": Role.AUTHOR,
        "email": "author@demo.example.org",
        "name": "Chen Jing",
        "org": "university",
        "locale": "zh",
    },
    {
        "role": Role.TEACHER,
        "email": "teacher@demo.example.org",
        "name": "Budi Santoso",
        "org": "school1",
    },
    {
        "role": Role.STUDENT,
        "email": "student@demo.example.org",
        "name": "Siti Rahmawati",
        "org": "school1",
        "nisn": "9999000001",
    },
]


def _organization(session, spec):
    org = session.exec(select(Organization).where(Organization.name == spec["name"])).first()
    if org is None:
        org = Organization(**{k: v for k, v in spec.items() if k != "key"})
        session.add(org)
        session.flush()
    return org


DEMO_COHORT = {"program": "EV-MECH"}  # the class itself: demo_journeys.current_class


def _curriculum(session, owner):
    """The shared EV-mechanic programme (real content from curricula/), imported if missing."""
    from eduplatform.curriculum.importer import import_curricula
    from eduplatform.curriculum.source import read_curricula

    program = session.exec(select(Program).where(Program.code == DEMO_COHORT["program"])).first()
    if program is None:
        programs, errors = read_curricula(CURRICULA_DIR)
        if errors:
            raise RuntimeError(f"curricula/ does not import: {errors[:3]}")
        import_curricula(session, actor=None, programs=programs, owner=owner)
        program = session.exec(
            select(Program).where(Program.code == DEMO_COHORT["program"])
        ).first()
    return program


def load_demo(session):
    """Create what is missing and return the demo accounts with their password."""
    orgs = {spec["key"]: _organization(session, spec) for spec in ORGANIZATIONS}
    accounts, users = [], {}
    for spec in ACCOUNTS:
        user = session.exec(select(User).where(User.email == spec["email"])).first()
        if user is None:
            user = User(
                email=spec["email"],
                full_name=spec["name"],
                role=spec["role"],
                organization_id=orgs[spec["org"]].id,
                nisn=spec.get("nisn"),
                locale=spec.get("locale"),
            )
            user.set_password(DEMO_PASSWORD)
            session.add(user)
        users[spec["role"]] = user
        accounts.append(
            {"role": str(spec["role"]), "email": spec["email"], "password": DEMO_PASSWORD}
        )
    session.flush()
    teacher = users[Role.TEACHER]
    if not memberships(session, teacher.id):
        add_membership(session, teacher=teacher, school=orgs["school1"])
    program = _curriculum(session, orgs["university"])
    session.commit()
    load_journeys(session, orgs=orgs, users=users, program=program)
    return accounts


def database_is_empty(session):
    return session.exec(select(User.id).limit(1)).first() is None


def demo_accounts(session):
    """The demo accounts that still exist."""
    emails = [spec["email"] for spec in ACCOUNTS]
    existing = set(session.exec(select(User.email).where(col(User.email).in_(emails))).all())
    return [
        {"role": str(spec["role"]), "email": spec["email"], "password": DEMO_PASSWORD}
        for spec in ACCOUNTS
        if spec["email"] in existing
    ]
