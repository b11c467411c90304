"""`eduplatform demo --scale N`: N times a synthetic city's worth of schools, people and records.

One scale unit is 10 schools with, per school, 100 students in this academic year's classes and
300 former students in the three years before (a student holds at most one open record per unit,
so the ~200,000 completion records of a unit need those years), 5 teachers, a partnership with
the partner university and one with a sister school, and about 20 exchange activities.

Every run adds another N units (new schools, new people): it never touches existing rows.
NPSN and NISN values start with 9998, a range no real school or student has. Rows go in with
bulk inserts (executemany of plain dicts, a few thousand at a time), school by school, so memory
stays flat however large N is. The rollups are rebuilt at the end, in the same transaction.
"""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from eduplatform.audit.service import record_event
from eduplatform.curriculum.models import Module, Program, Unit
from eduplatform.curriculum.service import current_versions
from eduplatform.dashboard import scale_records
from eduplatform.dashboard.periods import academic_year_of, reporting_zone, year_start
from eduplatform.dashboard.rebuild import rebuild
from eduplatform.errors import Invalid
from eduplatform.people.models import (
    Cohort,
    CohortModuleVersion,
    CohortTeacher,
    Enrollment,
    Organization,
    OrgKind,
    SchoolMembership,
    User,
)

PROGRAM = "EV-MECH"
CURRICULA = Path(__file__).resolve().parents[2] / "curricula"
SCHOOLS_PER_UNIT = 10
STUDENTS_PER_YEAR = 100
YEARS = 4  # this academic year and the three before it
TEACHERS = 5
PREFIX = "9998"  # NPSN 9998xxxx and NISN 9998xxxxxx: reserved for synthetic data
BATCH = 4000
CITIES = ("Surakarta", "Sukoharjo", "Karanganyar", "Klaten", "Boyolali", "Sragen", "Wonogiri")
CLASSES = ("XI TKRO 1", "XI TKRO 2", "XI TBSM 1")
# Common Indonesian names, combined at random: synthetic people, not real ones.
# fmt: off
GIVEN = (
    "Adi", "Agus", "Ahmad", "Aisyah", "Andi", "Anisa", "Ayu", "Bagus", "Bayu", "Budi", "Citra",
    "Dewi", "Dian", "Dimas", "Eka", "Fajar", "Fitri", "Galih", "Gilang", "Hana", "Hendra",
    "Indah", "Intan", "Joko", "Kartika", "Lukman", "Maya", "Nanda", "Nur", "Putra", "Putri",
    "Rahmat", "Rani", "Rizki", "Sari", "Sinta", "Siti", "Teguh", "Tri", "Utami", "Wahyu",
    "Wulan", "Yoga", "Yuni",
)
FAMILY = (
    "Pratama", "Saputra", "Wijaya", "Santoso", "Hidayat", "Nugroho", "Kurniawan", "Setiawan",
    "Lestari", "Rahmawati", "Susanto", "Wibowo", "Handayani", "Purnomo", "Siregar", "Nasution",
    "Harahap", "Permana", "Firmansyah", "Maharani",
)
# fmt: on


@dataclass
class Curriculum:
    program: Program
    versions: list  # [(module id, version id)] in program order
    units: list  # [(version id, unit id, practice hours)] in program order


def _curriculum(session):
    """The EV program with its current versions and units, imported from curricula/ if missing."""
    program = session.execute(select(Program).where(Program.code == PROGRAM)).scalar_one_or_none()
    if program is None:
        from eduplatform.curriculum.importer import default_owner, import_curricula
        from eduplatform.curriculum.source import read_curricula

        programs, errors = read_curricula(CURRICULA)
        if errors:
            raise Invalid([{"field": "curricula", "message": str(e)} for e in errors[:5]])
        import_curricula(session, actor=None, programs=programs, owner=default_owner(session))
        program = session.execute(select(Program).where(Program.code == PROGRAM)).scalar_one()
    modules = session.execute(
        select(Module).where(Module.program_id == program.id).order_by(Module.position)
    ).scalars()
    modules = list(modules)
    versions = current_versions(session, [m.id for m in modules])
    ordered = [(m.id, versions[m.id].id) for m in modules if m.id in versions]
    units = []
    for _module_id, version_id in ordered:
        rows = session.execute(
            select(Unit.id, Unit.practice_hours)
            .where(Unit.version_id == version_id)
            .order_by(Unit.position, Unit.id)
        ).all()
        units += [(version_id, unit_id, hours) for unit_id, hours in rows]
    if not units:
        raise Invalid.field("curricula", f"the {PROGRAM} program has no published units")
    return Curriculum(program, ordered, units)


def _next_number(session, column, width):
    """The next free synthetic number (9998...) of an NPSN or NISN column."""
    highest = session.execute(
        select(func.max(column)).where(column.like(f"{PREFIX}%"), func.length(column) == width)
    ).scalar()
    return int(highest[len(PREFIX) :]) + 1 if highest else 1


def _partner_university(session, now):
    university = session.execute(
        select(Organization)
        .where(Organization.kind == OrgKind.UNIVERSITY)
        .order_by(Organization.id)
        .limit(1)
    ).scalar_one_or_none()
    if university is not None:
        return university.id
    return _insert_returning(
        session,
        Organization,
        [
            {
                "kind": OrgKind.UNIVERSITY,
                "name": "Synthetic Partner University (demo)",
                "npsn": None,
                "city": "Xi'an",
                "country": "CN",
                "address": "",
                "contact": "",
                "active": True,
                "created_at": now,
            }
        ],
    )[0]


def _insert_returning(session, model, rows):
    table = model.__table__
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [row[0] for row in session.execute(statement, rows)]


class Inserter:
    """Buffers plain rows per table and writes them a batch at a time (executemany)."""

    def __init__(self, session):
        self.session, self.buffers, self.counts = session, {}, {}

    def add(self, model, row):
        buffer = self.buffers.setdefault(model, [])
        buffer.append(row)
        if len(buffer) >= BATCH:
            self.flush(model)

    def flush(self, model=None):
        for key in [model] if model else list(self.buffers):
            rows = self.buffers.get(key)
            if rows:
                self.session.execute(insert(key.__table__), rows)
                self.counts[key.__tablename__] = self.counts.get(key.__tablename__, 0) + len(rows)
                self.buffers[key] = []


def add_synthetic(session, *, scale, progress=None, seed=None, today=None):
    """Add `scale` units of synthetic data in one transaction; returns what was added."""
    now = datetime.now(UTC)
    today = today or now.astimezone(reporting_zone()).date()
    curriculum = _curriculum(session)
    first_npsn = _next_number(session, Organization.npsn, 8)
    first_nisn = _next_number(session, User.nisn, 10)
    schools = scale * SCHOOLS_PER_UNIT
    if first_npsn + schools > 10**4 or first_nisn + schools * YEARS * 110 > 10**6:
        raise Invalid.field("scale", "the synthetic NPSN/NISN range (9998...) is used up")
    rng = random.Random(seed if seed is not None else first_npsn)
    university_id = _partner_university(session, now)
    inserter = Inserter(session)
    this_year = academic_year_of(today)
    years = [f"{year_start(this_year) - k}/{year_start(this_year) - k + 1}" for k in range(YEARS)]
    state = {"nisn": first_nisn, "people": 0}
    school_ids = []
    for index in range(schools):
        npsn = f"{PREFIX}{first_npsn + index:04d}"
        school_id = _school(session, rng, npsn, now)
        school_ids.append(school_id)
        teachers = _teachers(session, rng, school_id, npsn, now)
        for teacher_id in teachers:
            inserter.add(
                SchoolMembership,
                {"user_id": teacher_id, "school_id": school_id, "since": today, "created_at": now},
            )
        for year in reversed(years):
            _year_of_school(
                session, inserter, rng, curriculum, school_id, teachers, year, today, now, state
            )
        scale_records.exchange(
            session, inserter, rng, school_id, university_id, teachers, years, today, now
        )
        if index % 2 == 1:
            scale_records.sister_schools(session, school_ids[-2], school_id, today, now)
        inserter.flush()
        if progress is not None:
            progress(1)
    inserter.flush()
    record_event(
        session,
        actor=None,
        action="demo.synthetic_data_added",
        details={"scale": scale, "schools": schools, "first_npsn": f"{PREFIX}{first_npsn:04d}"},
    )
    rollups = rebuild(session)  # commits the whole load with its rollups
    return {
        "scale": scale,
        "schools": schools,
        "npsn_from": f"{PREFIX}{first_npsn:04d}",
        "npsn_to": f"{PREFIX}{first_npsn + schools - 1:04d}",
        "rows": {**inserter.counts, "user": state["people"] + inserter.counts.get("user", 0)},
        "rollups": rollups,
    }


def _name(rng):
    return f"{rng.choice(GIVEN)} {rng.choice(GIVEN)} {rng.choice(FAMILY)}"


def _school(session, rng, npsn, now):
    return _insert_returning(
        session,
        Organization,
        [
            {
                "kind": OrgKind.SCHOOL,
                "name": f"SMK Sintetis {npsn[len(PREFIX) :]}",
                "npsn": npsn,
                "city": rng.choice(CITIES),
                "country": "ID",
                "address": "Alamat sintetis (demo)",
                "contact": "",
                "active": True,
                "created_at": now,
            }
        ],
    )[0]


def _person(role, name, school_id, now, **fields):
    row = {
        "email": None,
        "full_name": name,
        "role": role,
        "organization_id": school_id,
        "nisn": None,
        "gender": None,
        "birth_date": None,
        "locale": None,
        "active": True,
        "password_hash": None,  # synthetic people cannot sign in
        "created_at": now,
        "last_login_at": None,
    }
    row.update(fields)
    return row


def _teachers(session, rng, school_id, npsn, now):
    rows = [
        _person(
            "teacher",
            _name(rng),
            school_id,
            now,
            email=f"guru{n}.{npsn}@sintetis.example.org",
            gender=rng.choice("LP"),
        )
        for n in range(1, TEACHERS + 1)
    ]
    return _insert_returning(session, User, rows)


def _year_of_school(
    session, inserter, rng, curriculum, school_id, teachers, year, today, now, state
):
    """The classes of one school year, their students, enrollments and training records."""
    current = year == academic_year_of(today)
    start = date(year_start(year), 7, 14)
    cohort_ids = _insert_returning(
        session,
        Cohort,
        [
            {
                "school_id": school_id,
                "name": name,
                "academic_year": year,
                "program_id": curriculum.program.id,
                "archived": not current,
                "created_at": datetime.combine(start, time(1), UTC),
            }
            for name in CLASSES
        ],
    )
    for position, cohort_id in enumerate(cohort_ids):
        for teacher_id in {
            teachers[position % len(teachers)],
            teachers[(position + 1) % len(teachers)],
        }:
            inserter.add(CohortTeacher, {"cohort_id": cohort_id, "teacher_id": teacher_id})
        for module_id, version_id in curriculum.versions:
            inserter.add(
                CohortModuleVersion,
                {
                    "cohort_id": cohort_id,
                    "module_id": module_id,
                    "version_id": version_id,
                    "pinned_at": datetime.combine(start, time(2), UTC),
                },
            )
    students = []
    for _n in range(STUDENTS_PER_YEAR):
        nisn = f"{PREFIX}{state['nisn']:06d}"
        state["nisn"] += 1
        birth = date(year_start(year) - 16, 1, 1) + timedelta(days=rng.randrange(365))
        students.append(
            _person(
                "student",
                _name(rng),
                school_id,
                now,
                nisn=nisn,
                gender=rng.choice("LP"),
                birth_date=birth,
            )
        )
    student_ids = _insert_returning(session, User, students)
    state["people"] += len(student_ids)
    for n, student_id in enumerate(student_ids):
        cohort_id = cohort_ids[n % len(cohort_ids)]
        status = "active" if current else "completed"
        if rng.random() < 0.02:
            status = "withdrawn"
        inserter.add(
            Enrollment,
            {
                "cohort_id": cohort_id,
                "student_id": student_id,
                "status": status,
                "enrolled_on": start,
                "ended_on": None if status == "active" else min(today, date(start.year + 1, 6, 20)),
                "created_at": datetime.combine(start, time(3), UTC),
            },
        )
        reviewers = (teachers[(n % 3) % len(teachers)], teachers[(n % 3 + 1) % len(teachers)])
        scale_records.student_training(
            inserter,
            rng,
            curriculum,
            student_id=student_id,
            cohort_id=cohort_id,
            school_id=school_id,
            reviewers=reviewers,
            start=start,
            current=current,
            withdrawn=status == "withdrawn",
            today=today,
            now=now,
        )
