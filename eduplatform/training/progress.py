"""Where a student stands: each unit's state in the module versions their cohort follows.

A unit is verified, submitted (awaiting review), rejected, not started, or locked: locked while a
prerequisite is not verified, or, for a safety-critical unit, while any unit of the high-voltage
safety module (in the version the cohort follows) is not verified.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from flask import current_app, has_app_context
from sqlalchemy import String, bindparam, cast, func
from sqlalchemy.orm import load_only
from sqlmodel import col, select

from eduplatform.curriculum.models import (
    Module,
    ModuleVersion,
    Unit,
    UnitPrerequisite,
    VersionStatus,
)
from eduplatform.curriculum.service import (
    cohort_program,
    cohort_version,
    current_version,
)
from eduplatform.dashboard.cache import RenderCache
from eduplatform.people.models import CohortModuleVersion, Enrollment, EnrollmentStatus
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
    # The verified, pending or latest record: a row of unit_completion (its fields by name, as
    # on UnitCompletion), read only.
    completion: UnitCompletion | None = None
    missing: list[Unit] = field(default_factory=list)  # what must be verified first
    reason: LockReason | None = None

    @property
    def can_log(self):
        return self.state in (UnitState.NOT_STARTED, UnitState.REJECTED)


@dataclass
class ModuleProgress:
    """A module's units in the version the student follows (read, never changed: the counts
    below are computed once)."""

    module: Module
    version: ModuleVersion | None
    units: list[UnitProgress]
    certificate: "Certificate | CertificateCode | None" = None  # the home reads only the code

    @property
    def total(self):
        return len(self.units)

    @cached_property
    def verified(self):
        return sum(1 for u in self.units if u.state == UnitState.VERIFIED)

    @cached_property
    def waiting(self):
        """Units logged and waiting for the teacher's review."""
        return sum(1 for u in self.units if u.state == UnitState.SUBMITTED)

    @cached_property
    def rejected(self):
        """Units the teacher rejected, to be logged again."""
        return sum(1 for u in self.units if u.state == UnitState.REJECTED)

    @cached_property
    def locked(self):
        """Whether nothing of the module can be done yet: every unit not verified is locked."""
        left = [u for u in self.units if u.state != UnitState.VERIFIED]
        return bool(left) and all(u.state == UnitState.LOCKED for u in left)

    @cached_property
    def lock_reason(self):
        """SAFETY when the high-voltage safety rule locks it, else PREREQUISITES."""
        reasons = {u.reason for u in self.units if u.state == UnitState.LOCKED}
        return LockReason.SAFETY if LockReason.SAFETY in reasons else LockReason.PREREQUISITES

    @cached_property
    def missing(self):
        """The units outside this module that must be verified before it opens, in order."""
        own = {u.unit.id for u in self.units}
        found = {}
        for progress in self.units:
            if progress.state == UnitState.LOCKED:
                for unit in progress.missing:
                    if unit.id not in own:
                        found.setdefault(unit.id, unit)
        return list(found.values())

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
    """(module, version followed or None) for every module offered to the cohort, in order.

    Offered: the program's shared modules and the cohort's school's own. Where the school has
    adapted a shared module, the cohort follows one of the two in the original's place (see
    followed_module).
    """
    return _cohort_modules(session, cohort)[0]


def _cohort_modules(session, cohort):
    """(cohort_modules(), every module offered, adaptations not yet resolved)."""
    if cohort is None or cohort.program_id is None:
        return [], []
    modules, pins = cohort_program(session, cohort)
    listed = {m.id for m in modules}
    adaptations = {m.adapted_from_id: m for m in modules if m.school_id and m.adapted_from_id}
    chosen = []
    for module in modules:
        if module.school_id and module.adapted_from_id in listed:
            continue  # takes its original's place, or not at all
        if module.id in adaptations:
            module = followed_module(session, cohort, module, adaptations[module.id])
        chosen.append((module, cohort_version(session, cohort=cohort, module=module)))
    del pins  # held until here: cohort_version() found them in the session
    return chosen, modules


def followed_module(session, cohort, original, adaptation):
    """Which of a shared module and its adaptation by the cohort's school the cohort follows.

    A class keeps what it started on: the adaptation once it follows it; the original when its
    students have logged work in it. A class that has not started either follows the
    adaptation as soon as the adaptation has a published version.
    """
    pins = {
        pin.module_id: pin
        for pin in session.exec(
            select(CohortModuleVersion).where(
                CohortModuleVersion.cohort_id == cohort.id,
                col(CohortModuleVersion.module_id).in_([original.id, adaptation.id]),
            )
        )
    }
    if adaptation.id in pins:
        return adaptation
    if original.id in pins and _started(session, cohort, pins[original.id].version_id):
        return original
    if current_version(session, adaptation) is not None:
        return adaptation
    return original


def _started(session, cohort, version_id):
    """Whether the cohort's students logged any unit of this version."""
    return (
        session.exec(
            select(UnitCompletion.id)
            .join(Unit, col(Unit.id) == UnitCompletion.unit_id)
            .where(UnitCompletion.cohort_id == cohort.id, Unit.version_id == version_id)
            .limit(1)
        ).first()
        is not None
    )


def safety_version(session, cohort):
    """The version of the high-voltage safety module the cohort follows (None if there is none);
    its school's adaptation of it when the cohort follows that."""
    module = session.exec(select(Module).where(Module.code == SAFETY_MODULE_CODE)).first()
    if module is None:
        return None
    adaptation = session.exec(
        select(Module).where(
            Module.adapted_from_id == module.id, Module.school_id == cohort.school_id
        )
    ).first()
    if adaptation is not None:
        module = followed_module(session, cohort, module, adaptation)
    return cohort_version(session, cohort=cohort, module=module)


@dataclass(frozen=True, slots=True)
class FrozenUnit:
    """A unit of a published or retired version as this process read it once (read-only: its
    texts are shared by every request that shows the version)."""

    id: int
    version_id: int
    code: str
    position: int
    title: dict
    outcomes: list
    task: dict
    criteria: list
    theory_hours: Decimal
    practice_hours: Decimal
    safety_critical: bool
    alignment: list

    @classmethod
    def of(cls, unit):
        return cls(**{name: getattr(unit, name) for name in cls.__slots__})


@dataclass(frozen=True, slots=True)
class VersionUnits:
    """A version's units in order and each one's prerequisites ({unit id: [required ids]})."""

    units: tuple
    prerequisites: dict


def frozen(version):
    """Whether a version can no longer change: published or retired (a draft still can)."""
    return version.status in (VersionStatus.PUBLISHED, VersionStatus.RETIRED)


def version_key(version):
    """What names a frozen version's content in a per-process cache. Its id would do, since a
    published version is never edited or deleted; the publication's time and content hash
    guard against a database replaced under a running worker (a restore with --force)."""
    return (version.id, version.published_at, version.content_hash)


# Frozen versions' units per process: a hundred versions at about 60 KB each at most.
FROZEN_VERSIONS = 128


def _frozen_cache():
    if not has_app_context():
        return None
    return current_app.extensions.setdefault(
        "training.frozen_versions", RenderCache(size=FROZEN_VERSIONS)
    )


def version_units(session, versions):
    """{version id: VersionUnits} for these versions. A frozen version's units are read once
    per process and then shared (FrozenUnit); a draft's are read every time (Unit rows)."""
    cache = _frozen_cache()
    found, missing = {}, []
    for version in versions:
        cached = None
        if cache is not None and frozen(version):
            cached = cache.get(version_key(version))
        if cached is None:
            missing.append(version)
        else:
            found[version.id] = cached
    if missing:
        units = units_by_version(session, [v.id for v in missing])
        prerequisites = _prerequisites(session, [u.id for v in missing for u in units[v.id]])
        for version in missing:
            rows = units[version.id]
            keep = frozen(version) and cache is not None
            entry = VersionUnits(
                units=tuple(FrozenUnit.of(u) for u in rows) if keep else tuple(rows),
                prerequisites={u.id: tuple(prerequisites[u.id]) for u in rows},
            )
            if keep:
                cache.put(version_key(version), entry)
            found[version.id] = entry
    return found


def _safety_among(modules, offered):
    """The version of the high-voltage safety module the cohort follows, as safety_version()
    finds it, when the cohort's program offers that module (the cohort then follows it or its
    school's adaptation among `modules`); False when the program does not offer it."""
    original = next((m for m in offered if m.code == SAFETY_MODULE_CODE), None)
    if original is None:
        return False
    for module, version in modules:
        if module.id == original.id or (module.school_id and module.adapted_from_id == original.id):
            return version
    return False


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


# Records read to tell states are only read, never changed: they come as rows of the table
# (each field by its name, as on the model), not as objects the session tracks. Building an
# object for each of a student's tens of records cost more than the statement's round trip
# (every home and every log form reads them all).
RECORD = UnitCompletion.__table__
# Built once: building a statement costs about as much as running it (every student home).
COMPLETIONS = (
    select(RECORD)
    .where(
        RECORD.c.student_id.in_(bindparam("student_ids", expanding=True)),
        RECORD.c.unit_id.in_(bindparam("unit_ids", expanding=True)),
    )
    .order_by(RECORD.c.created_at, RECORD.c.id)
)
# One student's records, all of them (tens; a few hundred after four years), found through the
# index that starts with the student; the units asked for are picked in Python. Naming every
# unit of the class in the statement (a hundred parameters) cost more than the statement itself,
# and on PostgreSQL more than its round trip, to render and send on each home and log form.
STUDENT_COMPLETIONS = (
    select(RECORD)
    .where(RECORD.c.student_id == bindparam("student_id"))
    .order_by(RECORD.c.created_at, RECORD.c.id)
)
VALID_CERTIFICATES = select(Certificate).where(
    Certificate.student_id == bindparam("student_id"), col(Certificate.revoked_at).is_(None)
)


# The same certificates as one text column ("version id:code;..."), for a statement that reads
# them beside something else: the student home reads them with the class, one round trip less.
CERTIFICATE_CODES = (
    select(
        func.aggregate_strings(
            cast(col(Certificate.version_id), String) + ":" + col(Certificate.code), ";"
        )
    )
    .where(Certificate.student_id == bindparam("student_id"), col(Certificate.revoked_at).is_(None))
    .scalar_subquery()
    .label("certificate_codes")
)


@dataclass(frozen=True, slots=True)
class CertificateCode:
    """A valid certificate as the student home shows it (a link to it by its code)."""

    code: str


def certificate_codes(text):
    """{version id: CertificateCode} of CERTIFICATE_CODES' text (None: no certificate)."""
    found = {}
    for item in (text or "").split(";"):
        if item:
            version_id, code = item.split(":")
            found[int(version_id)] = CertificateCode(code)
    return found


def student_records(session, student_id):
    """Every record of one student, oldest first, as rows (see STUDENT_COMPLETIONS)."""
    return session.execute(STUDENT_COMPLETIONS, {"student_id": student_id}).all()


def valid_certificates(session, student_id):
    """{version id: Certificate} of the student's certificates that are not revoked."""
    return {
        c.version_id: c
        for c in session.exec(VALID_CERTIFICATES, params={"student_id": student_id}).all()
    }


def _completions(session, student_ids, unit_ids, records=None):
    """{student_id: {unit_id: [records oldest first]}}; `records`: one student's, read already
    (student_records())."""
    found = defaultdict(lambda: defaultdict(list))
    if not student_ids or not unit_ids:
        return found
    if len(student_ids) == 1:
        (student_id,) = student_ids
        wanted = set(unit_ids)
        if records is None:
            records = student_records(session, student_id)
        rows = [row for row in records if row.unit_id in wanted]
    else:
        rows = session.execute(
            COMPLETIONS, {"student_ids": list(student_ids), "unit_ids": list(unit_ids)}
        ).all()
    for row in rows:
        found[row.student_id][row.unit_id].append(row)
    return found


class _Rules:
    """Everything needed to tell units' states, loaded once for many students and units."""

    def __init__(self, session, cohort, units, student_ids, *, loaded=None, records=None):
        """loaded: (the safety version, its units, the prerequisites of `units`) when the
        caller has them already; records: the one student's records, likewise."""
        if loaded is None:
            self.safety = safety_version(session, cohort)
            self.safety_units = (
                units_by_version(session, [self.safety.id])[self.safety.id] if self.safety else []
            )
            self.prerequisites = _prerequisites(session, [u.id for u in units])
        else:
            self.safety, self.safety_units, self.prerequisites = loaded
        self.units_by_id = {u.id: u for u in [*units, *self.safety_units]}
        missing_ids = {r for reqs in self.prerequisites.values() for r in reqs}
        missing_ids -= set(self.units_by_id)
        if missing_ids:  # prerequisites are in the same version, but stay safe
            for unit in session.exec(select(Unit).where(col(Unit.id).in_(missing_ids))).all():
                self.units_by_id[unit.id] = unit
        self.records = _completions(session, student_ids, list(self.units_by_id), records)

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


@dataclass(frozen=True, slots=True)
class StudentInputs:
    """What a student's progress is told from: the class's versions and their units, the safety
    version, the student's records and (when a version may be complete) certificates."""

    modules: list  # [(module, version or None)] as cohort_modules() gives them
    versions: list
    content: dict  # {version id: VersionUnits}, the safety version's too
    safety: object  # its ModuleVersion, or None
    records: list  # the student's records, oldest first (student_records())
    certificates: dict  # {version id: Certificate or CertificateCode} of the valid ones


def student_inputs(session, *, student_id, cohort, programme=None, certificates=None):
    """The StudentInputs of a student of `cohort`: the records' statement, and the certificates'
    only when the records complete a version (a certificate is issued then, and a verification
    is final); the rest from the per-process caches when the versions are frozen.

    `programme`: (cohort_modules(), every module offered) when the caller has them already
    (training.programme keeps them per process); `certificates`: {version id: certificate} of
    the student's valid ones when the caller read them already (CERTIFICATE_CODES)."""
    modules, offered = programme if programme is not None else _cohort_modules(session, cohort)
    versions = [v for _m, v in modules if v is not None]
    content = version_units(session, versions)
    safety = _safety_among(modules, offered)
    if safety is False:  # the safety module is not in the cohort's program: look it up
        safety = safety_version(session, cohort)
    if safety is not None and safety.id not in content:
        content.update(version_units(session, [safety]))
    records = student_records(session, student_id)
    verified = {r.unit_id for r in records if r.status == CompletionStatus.VERIFIED}
    if certificates is None:
        certificates = {}
        if any(
            content[v.id].units and all(u.id in verified for u in content[v.id].units)
            for v in versions
        ):
            certificates = valid_certificates(session, student_id)
    return StudentInputs(modules, versions, content, safety, records, certificates)


def student_progress(session, *, student_id, cohort, programme=None, inputs=None):
    """A ModuleProgress for each module of the cohort's program, in the versions it follows.

    `programme`: as student_inputs() takes it; `inputs`: the StudentInputs, read already."""
    if inputs is None:
        inputs = student_inputs(session, student_id=student_id, cohort=cohort, programme=programme)
    modules, versions, content, safety = (
        inputs.modules,
        inputs.versions,
        inputs.content,
        inputs.safety,
    )
    units = {version_id: entry.units for version_id, entry in content.items()}
    prerequisites = {}
    for entry in content.values():
        prerequisites.update(entry.prerequisites)
    rules = _Rules(
        session,
        cohort,
        [u for v in versions for u in units[v.id]],
        [student_id],
        loaded=(safety, list(units[safety.id]) if safety else [], prerequisites),
        records=inputs.records,
    )
    verified = rules.verified_ids(student_id)
    certificates = inputs.certificates
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


def following(modules, unit):
    """(module, version) of cohort_modules() whose version holds `unit`, or None: whether a
    class follows the unit at all."""
    return next(((m, v) for m, v in modules if v is not None and v.id == unit.version_id), None)


@dataclass(frozen=True, slots=True)
class UnitStanding:
    """A unit of the student's class: the version and module it is part of, and its state."""

    version: ModuleVersion
    module: Module
    progress: UnitProgress


def class_unit(session, programme, unit_id):
    """The unit `unit_id` of a version the class follows, or None when the class follows none
    with that unit (`programme`: the class's modules as student_cohort_programme() gives them,
    None without a class).

    The log form asks it on every opening and sending: when every version the class follows is
    frozen, their units come from the per-process cache of frozen versions and no statement is
    run; with a draft among them the unit is read by its id (not every unit of the draft).
    """
    if programme is None:
        return None
    modules = programme[0]
    versions = [version for _module, version in modules if version is not None]
    if all(frozen(version) for version in versions):
        for entry in version_units(session, versions).values():
            found = next((unit for unit in entry.units if unit.id == unit_id), None)
            if found is not None:
                return found
        return None
    unit = session.get(Unit, unit_id)
    return unit if unit is not None and following(modules, unit) is not None else None


def unit_standing(session, *, student_id, cohort, unit, programme=None):
    """Where a student stands on a unit of their class (a UnitStanding), or None when the class
    does not follow the unit's version.

    The question the log form asks on every opening and every sending: the class's modules
    (`programme`, as training.programme keeps them, or read here in one statement) answer both
    whether the unit is the class's and which safety version locks it; the units of both
    versions come from the per-process cache of frozen versions; one more statement reads the
    student's records.
    """
    if cohort is None:
        return None
    modules, offered = programme if programme is not None else _cohort_modules(session, cohort)
    followed = following(modules, unit)
    if followed is None:
        return None
    module, version = followed
    safety = _safety_among(modules, offered)
    if safety is False:  # the safety module is not in the class's program: look it up
        safety = safety_version(session, cohort)
    versions = [version] if safety is None or safety.id == version.id else [version, safety]
    content = version_units(session, versions)
    rules = _Rules(
        session,
        cohort,
        list(content[version.id].units),
        [student_id],
        loaded=(
            safety,
            list(content[safety.id].units) if safety else [],
            content[version.id].prerequisites,
        ),
    )
    progress = rules.state(student_id, unit, rules.verified_ids(student_id))
    return UnitStanding(version=version, module=module, progress=progress)


def cohort_matrix(session, *, cohort, version, student_ids):
    """{student_id: [UnitProgress per unit of the version]} for a cohort's progress grid."""
    units = units_by_version(session, [version.id])[version.id] if version else []
    rules = _Rules(session, cohort, units, student_ids)
    grid = {}
    for student_id in student_ids:
        verified = rules.verified_ids(student_id)
        grid[student_id] = [rules.state(student_id, u, verified) for u in units]
    return units, grid


# Lists name a record's unit by its code and title, and the API its criteria: the unit's task,
# outcomes and alignment (JSON documents, most of a unit's bytes) are read only if asked for.
UNITS_WITH_MODULES = (
    select(Unit, Module)
    .join(ModuleVersion, col(ModuleVersion.id) == Unit.version_id)
    .join(Module, col(Module.id) == ModuleVersion.module_id)
    .where(col(Unit.id).in_(bindparam("unit_ids", expanding=True)))
    .options(
        load_only(
            Unit.id,
            Unit.version_id,
            Unit.code,
            Unit.position,
            Unit.title,
            Unit.criteria,
            Unit.safety_critical,
        )
    )
)


def units_with_modules(session, unit_ids):
    """{unit id: (unit, its module)}, in one statement: for lists of records, where many records
    share a unit (a class logs the same units)."""
    if not unit_ids:
        return {}
    rows = session.exec(UNITS_WITH_MODULES, params={"unit_ids": sorted(unit_ids)}).all()
    return {unit.id: (unit, module) for unit, module in rows}


def unit_context(session, unit):
    """(version, module) of a unit."""
    version = session.get(ModuleVersion, unit.version_id)
    return version, session.get(Module, version.module_id)
