"""Where a student stands: each unit's state in the module versions their cohort follows.

A unit is verified, submitted (awaiting review), rejected, not started, or locked: locked while a
prerequisite is not verified, or, for a safety-critical unit, while any unit of the high-voltage
safety module (in the version the cohort follows) is not verified.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from sqlmodel import col, select

from eduplatform.curriculum.models import Module, ModuleVersion, Unit, UnitPrerequisite
from eduplatform.curriculum.service import cohort_version, program_modules
from eduplatform.people.models import Enrollment, EnrollmentStatus
from eduplatform.training.models import Certificate, CompletionStatus, UnitCompletion

# The module whose units every safety-critical unit elsewhere requires.
SAFETY_MODULE_CODE = "EV-101"


class UnitState(StrEnum):
    NOT_STARTED = "not_started"
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    REJECTED = "rejected"
    LOCKED = "locked"


class LockReason(StrEnum):
    PREREQUISITES = "prerequisites"
    SAFETY = "safety"


@dataclass
class UnitProgress:
    unit: Unit
    state: UnitState
    completion: UnitCompletion | None = None  # the verified, pending or latest record
    missing: list[Unit] = field(default_factory=list)  # what must be verified first
    reason: LockReason | None = None

    @property
    def can_log(self):
        return self.state in (UnitState.NOT_STARTED, UnitState.REJECTED)


@dataclass
class ModuleProgress:
    module: Module
    version: ModuleVersion | None
    units: list[UnitProgress]
    certificate: Certificate | None = None

    @property
    def total(self):
        return len(self.units)

    @property
    def verified(self):
        return sum(1 for u in self.units if u.state == UnitState.VERIFIED)

    @property
    def waiting(self):
        """Units logged and waiting for the teacher's review."""
        return sum(1 for u in self.units if u.state == UnitState.SUBMITTED)

    @property
    def rejected(self):
        """Units the teacher rejected, to be logged again."""
        return sum(1 for u in self.units if u.state == UnitState.REJECTED)

    @property
    def needs_attention(self):
        """Whether the student should see this module open: something waits or was rejected."""
        return bool(self.waiting or self.rejected)

    @property
    def percent(self):
        return round(100 * self.verified / self.total) if self.total else 0

    @property
    def hours_verified(self):
        return _hours(u for u in self.units if u.state == UnitState.VERIFIED)

    @property
    def hours_pending(self):
        return _hours(u for u in self.units if u.state == UnitState.SUBMITTED)


def _hours(units):
    return sum((u.completion.hours for u in units), Decimal("0"))


def active_enrollment(session, student_id):
    return session.exec(
        select(Enrollment).where(
            Enrollment.student_id == student_id, Enrollment.status == EnrollmentStatus.ACTIVE
        )
    ).first()


def cohort_modules(session, cohort):
    """(module, version followed or None) for every module of the cohort's program, in order."""
    if cohort is None or cohort.program_id is None:
        return []
    return [
        (module, cohort_version(session, cohort=cohort, module=module))
        for module in program_modules(session, program_id=cohort.program_id)
    ]


def safety_version(session, cohort):
    """The version of the high-voltage safety module the cohort follows (None if there is none)."""
    module = session.exec(select(Module).where(Module.code == SAFETY_MODULE_CODE)).first()
    if module is None:
        return None
    return cohort_version(session, cohort=cohort, module=module)


def units_by_version(session, version_ids):
    found = defaultdict(list)
    if version_ids:
        rows = session.exec(
            select(Unit)
            .where(col(Unit.version_id).in_(version_ids))
            .order_by(Unit.version_id, Unit.position, Unit.id)
        ).all()
        for unit in rows:
            found[unit.version_id].append(unit)
    return found


def _prerequisites(session, unit_ids):
    found = defaultdict(list)
    if unit_ids:
        rows = session.exec(
            select(UnitPrerequisite).where(col(UnitPrerequisite.unit_id).in_(unit_ids))
        ).all()
        for row in rows:
            found[row.unit_id].append(row.requires_id)
    return found


def _completions(session, student_ids, unit_ids):
    """{student_id: {unit_id: [records oldest first]}}."""
    found = defaultdict(lambda: defaultdict(list))
    if student_ids and unit_ids:
        rows = session.exec(
            select(UnitCompletion)
            .where(
                col(UnitCompletion.student_id).in_(student_ids),
                col(UnitCompletion.unit_id).in_(unit_ids),
            )
            .order_by(UnitCompletion.created_at, UnitCompletion.id)
        ).all()
        for row in rows:
            found[row.student_id][row.unit_id].append(row)
    return found


class _Rules:
    """Everything needed to tell units' states, loaded once for many students and units."""

    def __init__(self, session, cohort, units, student_ids):
        self.safety = safety_version(session, cohort)
        self.safety_units = (
            units_by_version(session, [self.safety.id])[self.safety.id] if self.safety else []
        )
        self.units_by_id = {u.id: u for u in [*units, *self.safety_units]}
        self.prerequisites = _prerequisites(session, [u.id for u in units])
        missing_ids = {r for reqs in self.prerequisites.values() for r in reqs}
        missing_ids -= set(self.units_by_id)
        if missing_ids:  # prerequisites are in the same version, but stay safe
            for unit in session.exec(select(Unit).where(col(Unit.id).in_(missing_ids))).all():
                self.units_by_id[unit.id] = unit
        self.records = _completions(session, student_ids, list(self.units_by_id))

    def verified_ids(self, student_id):
        return {
            unit_id
            for unit_id, rows in self.records[student_id].items()
            if any(r.status == CompletionStatus.VERIFIED for r in rows)
        }

    def state(self, student_id, unit, verified):
        rows = self.records[student_id].get(unit.id, [])
        for status, state in (
            (CompletionStatus.VERIFIED, UnitState.VERIFIED),
            (CompletionStatus.SUBMITTED, UnitState.SUBMITTED),
        ):
            record = next((r for r in rows if r.status == status), None)
            if record is not None:
                return UnitProgress(unit, state, record)
        latest = rows[-1] if rows else None
        # The high-voltage safety rule comes first: it is the reason a student must see even
        # when the unit's own prerequisites are missing too.
        needs_safety = unit.safety_critical and (
            self.safety is None or unit.version_id != self.safety.id
        )
        if needs_safety:
            missing = [u for u in self.safety_units if u.id not in verified]
            if missing or self.safety is None:
                return UnitProgress(unit, UnitState.LOCKED, latest, missing, LockReason.SAFETY)
        missing = [
            self.units_by_id[r] for r in self.prerequisites.get(unit.id, []) if r not in verified
        ]
        if missing:
            return UnitProgress(unit, UnitState.LOCKED, latest, missing, LockReason.PREREQUISITES)
        if latest is not None and latest.status == CompletionStatus.REJECTED:
            return UnitProgress(unit, UnitState.REJECTED, latest)
        return UnitProgress(unit, UnitState.NOT_STARTED, latest)


def student_progress(session, *, student_id, cohort):
    """A ModuleProgress for each module of the cohort's program, in the versions it follows."""
    modules = cohort_modules(session, cohort)
    versions = [v.id for _m, v in modules if v is not None]
    units = units_by_version(session, versions)
    rules = _Rules(session, cohort, [u for vs in units.values() for u in vs], [student_id])
    verified = rules.verified_ids(student_id)
    certificates = {
        c.version_id: c
        for c in session.exec(
            select(Certificate).where(
                Certificate.student_id == student_id, col(Certificate.revoked_at).is_(None)
            )
        ).all()
    }
    return [
        ModuleProgress(
            module=module,
            version=version,
            units=[rules.state(student_id, u, verified) for u in units.get(version.id, [])]
            if version
            else [],
            certificate=certificates.get(version.id) if version else None,
        )
        for module, version in modules
    ]


def unit_progress(session, *, student_id, cohort, unit):
    """The state of one unit for one student (the rules the logging service enforces)."""
    rules = _Rules(session, cohort, [unit], [student_id])
    return rules.state(student_id, unit, rules.verified_ids(student_id))


def cohort_matrix(session, *, cohort, version, student_ids):
    """{student_id: [UnitProgress per unit of the version]} for a cohort's progress grid."""
    units = units_by_version(session, [version.id])[version.id] if version else []
    rules = _Rules(session, cohort, units, student_ids)
    grid = {}
    for student_id in student_ids:
        verified = rules.verified_ids(student_id)
        grid[student_id] = [rules.state(student_id, u, verified) for u in units]
    return units, grid


def unit_context(session, unit):
    """(version, module) of a unit."""
    version = session.get(ModuleVersion, unit.version_id)
    return version, session.get(Module, version.module_id)
