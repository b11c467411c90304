"""Who in a class is behind: every module of the class at once, against two yardsticks.

The rule (shown on the page as well):
- A student's progress is the share of all units of the class's modules (in the versions the
  class follows) that are verified.
- Against the class: the class's median progress.
- Against time: the share of the school year (1 July to 30 June of the class's academic year)
  that has passed since the student joined, or since 1 July when they joined before it. A
  student who joined in January is expected to have done, by March, what fits in those months.
- Red when the student is RED_POINTS percentage points or more behind either yardstick, amber
  when AMBER_POINTS or more, green otherwise.
"""

import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from sqlmodel import col, func, select

from eduplatform.curriculum.models import Unit
from eduplatform.people.models import Enrollment, EnrollmentStatus, User
from eduplatform.training.models import CompletionStatus, UnitCompletion
from eduplatform.training.progress import cohort_modules, units_by_version

AMBER_POINTS = 10
RED_POINTS = 25
SORTS = ("name", "progress", "-progress")


class Flag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


@dataclass
class ModuleShare:
    module: object
    version: object
    verified: int
    total: int

    @property
    def percent(self):
        return round(100 * self.verified / self.total) if self.total else 0


@dataclass
class Standing:
    student: User
    enrolled_on: date | None
    modules: list[ModuleShare]
    expected: float | None = None  # percent of all units expected by now (None: unknown year)
    behind_class: float = 0.0  # percentage points below the class median (negative: ahead)
    behind_time: float | None = None  # percentage points below the expected share
    flag: Flag = Flag.GREEN

    @property
    def verified(self):
        return sum(m.verified for m in self.modules)

    @property
    def total(self):
        return sum(m.total for m in self.modules)

    @property
    def percent(self):
        return 100 * self.verified / self.total if self.total else 0.0


@dataclass
class ClassStanding:
    rows: list[Standing]
    median: float
    year_start: date | None
    year_end: date | None
    modules: list = field(default_factory=list)  # (module, version) of the class


def school_year(academic_year):
    """(1 July, 30 June) of an academic year like "2025/2026", or (None, None)."""
    found = re.fullmatch(r"(\d{4})/(\d{4})", academic_year or "")
    if not found or int(found.group(2)) != int(found.group(1)) + 1:
        return None, None
    return date(int(found.group(1)), 7, 1), date(int(found.group(2)), 6, 30)


def expected_share(*, enrolled_on, year_start, year_end, today):
    """Percent of the work expected by `today`: the share of the year since the student began."""
    if year_start is None:
        return None
    begun = max(year_start, enrolled_on or year_start)
    if today <= begun:
        return 0.0
    if begun >= year_end or today >= year_end:
        return 100.0
    return 100 * (today - begun).days / (year_end - begun).days


def flag_for(*gaps):
    worst = max((g for g in gaps if g is not None), default=0)
    if worst >= RED_POINTS:
        return Flag.RED
    if worst >= AMBER_POINTS:
        return Flag.AMBER
    return Flag.GREEN


def _verified_counts(session, student_ids, version_ids):
    """{student id: {version id: units verified}}."""
    counts = defaultdict(dict)
    if student_ids and version_ids:
        rows = session.exec(
            select(
                UnitCompletion.student_id,
                Unit.version_id,
                func.count(func.distinct(UnitCompletion.unit_id)),
            )
            .join(Unit, col(Unit.id) == UnitCompletion.unit_id)
            .where(
                col(UnitCompletion.student_id).in_(student_ids),
                col(Unit.version_id).in_(version_ids),
                UnitCompletion.status == CompletionStatus.VERIFIED,
            )
            .group_by(UnitCompletion.student_id, Unit.version_id)
        ).all()
        for student_id, version_id, count in rows:
            counts[student_id][version_id] = count
    return counts


def class_standing(session, *, cohort, today, sort="name"):
    """Each active student's progress over every module of the class, flagged by the rule."""
    modules = cohort_modules(session, cohort)
    versions = [v.id for _m, v in modules if v is not None]
    totals = {vid: len(units) for vid, units in units_by_version(session, versions).items()}
    people = session.exec(
        select(User, Enrollment.enrolled_on)
        .join(Enrollment, col(Enrollment.student_id) == User.id)
        .where(
            Enrollment.cohort_id == cohort.id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
        )
        .order_by(User.full_name, User.id)
    ).all()
    counts = _verified_counts(session, [s.id for s, _d in people], versions)
    rows = [
        Standing(
            student=student,
            enrolled_on=enrolled_on,
            modules=[
                ModuleShare(
                    module,
                    version,
                    counts[student.id].get(version.id, 0) if version else 0,
                    totals.get(version.id, 0) if version else 0,
                )
                for module, version in modules
            ],
        )
        for student, enrolled_on in people
    ]
    median = statistics.median([r.percent for r in rows]) if rows else 0.0
    year_start, year_end = school_year(cohort.academic_year)
    for row in rows:
        row.expected = expected_share(
            enrolled_on=row.enrolled_on, year_start=year_start, year_end=year_end, today=today
        )
        row.behind_class = median - row.percent
        if row.expected is not None and row.total:  # with nothing to do, time asks nothing
            row.behind_time = row.expected - row.percent
        row.flag = flag_for(row.behind_class, row.behind_time)
    if sort == "progress":
        rows.sort(key=lambda r: (r.percent, r.student.full_name))
    elif sort == "-progress":
        rows.sort(key=lambda r: (-r.percent, r.student.full_name))
    return ClassStanding(rows, median, year_start, year_end, modules)
