"""Placements for the dashboard's tests, written as rows with chosen times (the figures count
days and hours, so every time is set here, in Western Indonesia Time, UTC+7).

`placement_world` is the hand-counted data set of test_placements (today: Monday 16 March 2026,
academic year 2025/2026):

  company (sector)              placement                     school
  A Bengkel EV Sejahtera        Siti, Agus running; Wati      the school
    (dealer_workshop)           finished Aug 2025 - Jan 2026
  B Armada Listrik Solo         Rina running; Budi planned    the school
    (fleet_operator)            from April
  C Daur Ulang Baterai (battery)  Joko running                the other school
  D Konversi Motor (conversion)   Eko finished, 2024/2025     the school

Journal entries (hours of approved days at the workplace; delay from written to decided):
  Siti  9 Mar 08:00-16:00 approved next day (1 d); 10 Mar 08:00-15:30 approved same day (0 d);
        11 Mar sick, approved next day (1 d); 12 Mar pending since 12 Mar
  Agus  2 Mar 07:30-16:00 approved 5 Mar (3 d); 3 Mar returned 9 Mar (6 d);
        4 Mar pending since 4 Mar; 5 Mar pending since 8 Mar 23:30; 6 Mar pending since
        9 Mar 00:30 (16:30 and 17:30 UTC on 8 Mar: 8 and 7 days waiting)
  Rina  2 Mar 08:00-17:00 approved same day 23:30 (0 d); 3 Mar 08:00-16:00 written 23:30,
        approved 00:30 the next day (1 d: the same UTC day)
  Wati  1 Dec 2025 08:00-16:00 approved 3 Dec (2 d)
  Joko  2 Mar 08:00-14:00 approved 12 Mar (10 d); 3 Mar pending since 3 Mar
  Eko   10 Jan 2025 08:00-16:00 approved next day (1 d)
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from eduplatform.people.models import Organization
from eduplatform.placements.models import Company, JournalEntry, Placement, Supervisor

WIB = ZoneInfo("Asia/Jakarta")
TODAY = date(2026, 3, 16)
YEAR = "2025/2026"


def wib(month_day, hour=18, minute=0, year=2026):
    month, day = month_day
    return datetime(year, month, day, hour, minute, tzinfo=WIB).astimezone(UTC)


@dataclass
class Placements:
    companies: dict = field(default_factory=dict)  # letter -> (id, name, supervisor_id)
    placements: dict = field(default_factory=dict)  # student name -> Placement
    students: dict = field(default_factory=dict)  # name -> User


def add_company(db, name, sector, created_by=None):
    company = Organization(kind="industry", name=name, city="Surakarta", country="ID")
    db.add(company)
    db.commit()
    db.add(Company(organization_id=company.id, sector=sector))
    supervisor = Supervisor(company_id=company.id, full_name=f"Supervisor of {name}", phone="1")
    db.add(supervisor)
    db.commit()
    return SimpleNamespace(id=company.id, name=name, supervisor_id=supervisor.id)


def add_placement(db, student, company, school, starts_on, ends_on, status="running", **fields):
    values = {"ended_on": ends_on} if status == "finished" else {}
    placement = Placement(
        student_id=student.id,
        school_id=school.id,
        company_id=company.id,
        supervisor_id=company.supervisor_id,
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
        **{**values, **fields},
    )
    db.add(placement)
    db.commit()
    return placement


def add_entry(db, placement, day, *, written, hours=None, status="pending", decided=None):
    """An entry for `day`: at the workplace from hours[0] to hours[1] ("HH:MM"), or sick."""
    times = {"kind": "sick"}
    if hours:
        arrived, left = (time.fromisoformat(h) for h in hours)
        times = {"kind": "present", "arrived_at": arrived, "left_at": left}
    entry = JournalEntry(
        placement_id=placement.id,
        student_id=placement.student_id,
        day=day,
        activities="Worked on the battery pack.",
        status=status,
        created_at=written,
        updated_at=written,
        countersigned_at=decided,
        countersigned_by_id=placement.supervisor_id if decided else None,
        supervisor_comment="Redo the log." if status == "returned" else None,
        **times,
    )
    db.add(entry)
    db.commit()
    return entry


def placement_world(db, person, school, other_school, students, other_student):
    """The data set above; `students` are Siti, Agus and Rina of `school`."""
    world = Placements()
    siti, agus, rina = students
    wati = person("student", organization=school, full_name="Wati Lestari")
    budi = person("student", organization=school, full_name="Budi Kecil")
    eko = person("student", organization=school, full_name="Eko Prasetyo")
    world.students = {"Siti": siti, "Agus": agus, "Rina": rina, "Wati": wati, "Budi": budi,
                      "Eko": eko, "Joko": other_student}  # fmt: skip
    a = add_company(db, "Bengkel EV Sejahtera", "dealer_workshop")
    b = add_company(db, "Armada Listrik Solo", "fleet_operator")
    c = add_company(db, "Daur Ulang Baterai", "battery")
    d = add_company(db, "Konversi Motor", "conversion")
    world.companies = {"A": a, "B": b, "C": c, "D": d}
    p = world.placements
    p["Siti"] = add_placement(db, siti, a, school, date(2026, 2, 2), date(2026, 7, 31))
    p["Agus"] = add_placement(db, agus, a, school, date(2026, 2, 2), date(2026, 7, 31))
    p["Rina"] = add_placement(db, rina, b, school, date(2026, 3, 2), date(2026, 8, 31))
    p["Wati"] = add_placement(
        db, wati, a, school, date(2025, 8, 1), date(2026, 1, 31), status="finished"
    )
    p["Budi"] = add_placement(
        db, budi, b, school, date(2026, 4, 1), date(2026, 9, 30), status="planned"
    )
    p["Joko"] = add_placement(
        db, other_student, c, other_school, date(2026, 1, 5), date(2026, 6, 30)
    )
    p["Eko"] = add_placement(
        db, eko, d, school, date(2024, 9, 1), date(2025, 2, 28), status="finished"
    )

    def entry(name, day, written, **kwargs):
        return add_entry(db, p[name], date(day[0] > 6 and 2025 or 2026, *day), written=written,
                         **kwargs)  # fmt: skip

    entry("Siti", (3, 9), wib((3, 9)), hours=("08:00", "16:00"), status="approved",
          decided=wib((3, 10), 9))  # fmt: skip
    entry("Siti", (3, 10), wib((3, 10), 19), hours=("08:00", "15:30"), status="approved",
          decided=wib((3, 10), 21))  # fmt: skip
    entry("Siti", (3, 11), wib((3, 11)), status="approved", decided=wib((3, 12), 8))
    entry("Siti", (3, 12), wib((3, 12)), hours=("08:00", "16:00"))
    entry("Agus", (3, 2), wib((3, 2), 20), hours=("07:30", "16:00"), status="approved",
          decided=wib((3, 5), 10))  # fmt: skip
    entry("Agus", (3, 3), wib((3, 3)), hours=("08:00", "12:00"), status="returned",
          decided=wib((3, 9), 10))  # fmt: skip
    entry("Agus", (3, 4), wib((3, 4), 20), hours=("08:00", "16:00"))
    entry("Agus", (3, 5), wib((3, 8), 23, 30), hours=("08:00", "16:00"))
    entry("Agus", (3, 6), wib((3, 9), 0, 30), hours=("08:00", "16:00"))
    entry("Rina", (3, 2), wib((3, 2), 17, 30), hours=("08:00", "17:00"), status="approved",
          decided=wib((3, 2), 23, 30))  # fmt: skip
    entry("Rina", (3, 3), wib((3, 3), 23, 30), hours=("08:00", "16:00"), status="approved",
          decided=wib((3, 4), 0, 30))  # fmt: skip
    entry("Wati", (12, 1), wib((12, 1), year=2025), hours=("08:00", "16:00"), status="approved",
          decided=wib((12, 3), 10, year=2025))  # fmt: skip
    entry("Joko", (3, 2), wib((3, 2)), hours=("08:00", "14:00"), status="approved",
          decided=wib((3, 12), 10))  # fmt: skip
    entry("Joko", (3, 3), wib((3, 3)), hours=("08:00", "16:00"))
    add_entry(db, p["Eko"], date(2025, 1, 10), written=wib((1, 10), year=2025),
              hours=("08:00", "16:00"), status="approved",
              decided=wib((1, 11), 10, year=2025))  # fmt: skip
    return world
