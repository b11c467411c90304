"""The synthetic records of one student (logged, reviewed, certified) and of one school's exchange.

Rates follow what schools report: about one logged unit in eight is sent back once (and one in
sixty twice), a record waits one to five days for review, most former students finished every
module, and this year's students are as far along as the calendar allows.
"""

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import insert

from eduplatform.dashboard.periods import reporting_zone, term_months, year_months
from eduplatform.exchange.models import ActivityParticipant, ExchangeActivity, Partnership
from eduplatform.training.certificates import CODE_ALPHABET, CODE_LENGTH
from eduplatform.training.models import Certificate, UnitCompletion

REJECTION_RATE = 0.12
FINISHED_SHARE = 0.85  # former students who verified every unit
REVOKED_SHARE = 0.005
YEAR_DAYS = 320  # the teaching days over which a year's units are spread
KINDS = (
    ("teacher_training", 30),
    ("joint_workshop", 20),
    ("online_class", 20),
    ("guest_lecture", 10),
    ("student_exchange", 10),
    ("cultural_visit", 5),
    ("curriculum_workshop", 5),
)
TITLES = {
    "teacher_training": "Pelatihan guru: sistem tegangan tinggi",
    "joint_workshop": "Lokakarya bersama: baterai traksi",
    "online_class": "Kelas daring: diagnosis kendaraan listrik",
    "guest_lecture": "Kuliah tamu: pengisian daya",
    "student_exchange": "Pertukaran siswa",
    "cultural_visit": "Kunjungan budaya",
    "curriculum_workshop": "Lokakarya kurikulum",
}


def _moment(day, rng):
    """A working-hours moment of a local day, as an aware UTC datetime."""
    local = datetime.combine(day, time(rng.randrange(7, 17), rng.randrange(60)))
    return local.replace(tzinfo=reporting_zone()).astimezone(UTC)


def _hours(rng, practice):
    value = float(practice or 2) * rng.uniform(0.8, 1.2)
    return Decimal(str(round(min(max(value, 0.5), 24.0), 1)))


def _completion(student_id, unit_id, cohort_id, performed, hours, created, status, **review):
    return {
        "student_id": student_id,
        "unit_id": unit_id,
        "cohort_id": cohort_id,
        "performed_on": performed,
        "hours": hours,
        "note": "Latihan praktik (data sintetis).",
        "photo_name": None,
        "photo_mime_type": None,
        "photo_size": None,
        "status": status,
        "reviewer_id": review.get("reviewer_id"),
        "reviewed_at": review.get("reviewed_at"),
        "feedback": review.get("feedback"),
        "created_at": created,
    }


def student_training(
    inserter,
    rng,
    curriculum,
    *,
    student_id,
    cohort_id,
    school_id,
    reviewers,
    start,
    current,
    withdrawn,
    today,
    now,
):
    """One student's records over a school year, and the certificates they earned."""
    units = curriculum.units
    reach = len(units)
    if withdrawn:
        reach = rng.randrange(len(units) // 2)
    elif not current and rng.random() > FINISHED_SHARE:
        reach = rng.randrange(len(units) // 4, len(units))
    pace = rng.uniform(0.85, 1.15)
    verified, last_review = Counter(), {}
    for index, (version_id, unit_id, practice) in enumerate(units[:reach]):
        performed = start + timedelta(
            days=int((index + 0.5) / len(units) * YEAR_DAYS * pace) + rng.randrange(5)
        )
        if performed > today:
            break
        hours = _hours(rng, practice)
        reviewer = rng.choice(reviewers)
        while rng.random() < REJECTION_RATE:
            created = _moment(performed, rng)
            reviewed = created + timedelta(hours=rng.uniform(6, 96))
            if reviewed > now:
                break
            inserter.add(
                UnitCompletion,
                _completion(
                    student_id, unit_id, cohort_id, performed, hours, created, "rejected",
                    reviewer_id=reviewer, reviewed_at=reviewed,
                    feedback="Ulangi langkah pengukuran dengan benar.",
                ),
            )  # fmt: skip
            performed = reviewed.astimezone(reporting_zone()).date() + timedelta(
                days=rng.randrange(1, 6)
            )
        if performed > today:
            break
        created = _moment(performed, rng)
        if created > now:
            break
        reviewed = created + timedelta(hours=rng.uniform(6, 120))
        if reviewed > now:
            inserter.add(
                UnitCompletion,
                _completion(student_id, unit_id, cohort_id, performed, hours, created, "submitted"),
            )
            continue
        inserter.add(
            UnitCompletion,
            _completion(
                student_id, unit_id, cohort_id, performed, hours, created, "verified",
                reviewer_id=reviewer, reviewed_at=reviewed,
            ),
        )  # fmt: skip
        verified[version_id] += 1
        last_review[version_id] = max(reviewed, last_review.get(version_id, reviewed))
    sizes = Counter(version_id for version_id, _unit, _hours in units)
    for version_id, count in verified.items():
        if count == sizes[version_id]:
            _certificate(
                inserter, rng, student_id, version_id, school_id, cohort_id,
                last_review[version_id], now,
            )  # fmt: skip


def _certificate(inserter, rng, student_id, version_id, school_id, cohort_id, verified_at, now):
    issued = verified_at + timedelta(seconds=1)
    revoked = None
    if rng.random() < REVOKED_SHARE:
        revoked = issued + timedelta(days=rng.randrange(5, 30))
        revoked = revoked if revoked <= now else None
    inserter.add(
        Certificate,
        {
            "code": "".join(rng.choices(CODE_ALPHABET, k=CODE_LENGTH)),
            "student_id": student_id,
            "version_id": version_id,
            "school_id": school_id,
            "cohort_id": cohort_id,
            "issued_at": issued,
            "revoked_at": revoked,
            "revoked_by_id": None,
            "revoke_reason": "Pencabutan sintetis (demo)." if revoked else None,
        },
    )


def _partnership(session, school_id, *, partner_id, kind, areas, started_on, now):
    table = Partnership.__table__
    row = {
        "school_id": school_id,
        "partner_id": partner_id,
        "partner_name": None,
        "kind": kind,
        "areas": areas,
        "mou_reference": f"MOU/SINTETIS/{school_id}/{partner_id}",
        "mou_signed_on": started_on,
        "started_on": started_on,
        "ended_on": None,
        "status": "active",
        "contacts": [],
        "notes": "",
        "created_at": now,
        "updated_at": now,
        "created_by_id": None,
    }
    return session.execute(insert(table).returning(table.c.id), [row]).scalar_one()


def sister_schools(session, school_id, partner_id, today, now):
    """Two synthetic schools twinned as sister schools."""
    started = date(today.year - 2, 8, 17)
    _partnership(
        session, school_id, partner_id=partner_id, kind="sister_school",
        areas=["education", "culture"], started_on=started, now=now,
    )  # fmt: skip


def exchange(session, inserter, rng, school_id, university_id, teachers, years, today, now):
    """The school's partnership with the partner university and its activities, term by term."""
    first_month = year_months(years[-1])[0]
    partnership_id = _partnership(
        session, school_id, partner_id=university_id, kind="university", areas=["education"],
        started_on=date(int(first_month[:4]), 7, 1), now=now,
    )  # fmt: skip
    kinds, weights = zip(*KINDS, strict=True)
    terms = []
    for year in reversed(years):
        terms += [(year, 1), (year, 2)]
    activities, shares = [], []
    for term in terms:
        months = term_months(term)
        if months[0] > today.strftime("%Y-%m"):
            continue
        for _ in range(rng.randrange(2, 4)):
            kind = rng.choices(kinds, weights)[0]
            month = rng.choice(months)
            starts = date(int(month[:4]), int(month[5:]), rng.randrange(1, 28))
            days = rng.randrange(1, 4)
            activity = _activity(rng, partnership_id, kind, starts, days, today, now)
            if activity is None:
                continue
            activities.append(activity)
            shares.append((kind, activity["status"], activity["report_hours"]))
    if not activities:
        return
    table = ExchangeActivity.__table__
    ids = [
        row[0]
        for row in session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), activities
        )
    ]
    for activity_id, (kind, status, report_hours) in zip(ids, shares, strict=True):
        _participants(inserter, rng, activity_id, kind, status, report_hours, teachers, now)


def _activity(rng, partnership_id, kind, starts, days, today, now):
    ends = starts + timedelta(days=days - 1)
    if starts > today + timedelta(days=60):
        return None
    status = "planned"
    if ends < today:
        status = "completed" if rng.random() < 0.9 else "cancelled"
    completed = status == "completed"
    created = _moment(starts - timedelta(days=30), rng)
    return {
        "partnership_id": partnership_id,
        "kind": kind,
        "title": TITLES[kind],
        "description": "Kegiatan sintetis (demo).",
        "starts_on": starts,
        "ends_on": ends,
        "place": "Bengkel sekolah",
        "online_url": "",
        "languages": ["id", "en"],
        "sending_org_id": None,
        "receiving_org_id": None,
        "funding_source": "",
        "currency": "IDR",
        "cost_travel": Decimal("0"),
        "cost_subsistence": Decimal("0"),
        "cost_fees": Decimal("0"),
        "cost_other": Decimal("0"),
        "status": status,
        "outcomes": "Peserta memahami materi (sintetis)." if completed else None,
        "report_hours": Decimal(6 * days) if completed else None,
        "follow_up": "Tindak lanjut di semester berikutnya." if completed else None,
        "completed_at": min(_moment(ends, rng), now) if completed else None,
        "completed_by_id": None,
        "cancelled_at": min(_moment(starts, rng), now) if status == "cancelled" else None,
        "cancel_reason": "Jadwal bentrok." if status == "cancelled" else "",
        "created_at": min(created, now),
        "updated_at": now,
        "created_by_id": None,
    }


def _participants(inserter, rng, activity_id, kind, status, report_hours, teachers, now):
    people = rng.sample(teachers, rng.randrange(2, 5) if kind == "teacher_training" else 2)
    hours = report_hours if status == "completed" else Decimal("0")
    for teacher_id in people:
        inserter.add(
            ActivityParticipant,
            {
                "activity_id": activity_id,
                "user_id": teacher_id,
                "guest_name": None,
                "guest_affiliation": "",
                "role": "participant",
                "hours": hours,
                "created_at": now,
            },
        )
    inserter.add(
        ActivityParticipant,
        {
            "activity_id": activity_id,
            "user_id": None,
            "guest_name": "Dosen tamu (sintetis)",
            "guest_affiliation": "Partner university",
            "role": "facilitator",
            "hours": hours,
            "created_at": now,
        },
    )
