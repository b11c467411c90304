"""Reading the curriculum: current versions, the catalogue, cohorts' pinned versions, diffs.

The "current" version of a module is its highest-numbered published version. A cohort keeps
the version it started on: cohort_version pins it the first time it is asked.
"""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from eduplatform.curriculum.changes import compare
from eduplatform.curriculum.content import version_document
from eduplatform.curriculum.models import Module, ModuleVersion, Program, Unit, VersionStatus
from eduplatform.curriculum.schema import LANGUAGES
from eduplatform.db import writer_engine
from eduplatform.people.memberships import school_ids
from eduplatform.people.models import CohortModuleVersion, Organization, Role

AUTHORING_ROLES = (Role.AUTHOR, Role.TEACHER, Role.ADMIN)
# Who sees every school's own modules: the university's curriculum staff (no personal data
# in a module), the education office and admins.
ALL_MODULES_ROLES = (Role.AUTHOR, Role.OFFICE, Role.ADMIN)


def visible_school_ids(user):
    """The schools whose own modules `user` may see: None for every school."""
    if user is None or not getattr(user, "is_authenticated", True):
        return frozenset()
    if user.role in ALL_MODULES_ROLES:
        return None
    return school_ids(user)


def can_see(user, module):
    """Shared modules: everyone signed in. A school's own module: that school's teachers and
    students, the university's authors, the office and admins (anyone else: as if unknown)."""
    if module.school_id is None:
        return True
    ids = visible_school_ids(user)
    return ids is None or module.school_id in ids


def can_edit(user, module):
    """Admins edit every module; authors and teachers those their organization (for a
    teacher: one of their schools) owns."""
    if user.role == Role.ADMIN:
        return True
    return user.role in (Role.AUTHOR, Role.TEACHER) and module.owner_id in school_ids(user)


def current_versions(session, module_ids=None):
    """{module id: its current published version} for the given modules (default: all)."""
    latest = select(ModuleVersion.module_id, func.max(ModuleVersion.number).label("number")).where(
        ModuleVersion.status == VersionStatus.PUBLISHED
    )
    if module_ids is not None:
        latest = latest.where(col(ModuleVersion.module_id).in_(list(module_ids)))
    latest = latest.group_by(ModuleVersion.module_id).subquery()
    rows = session.exec(
        select(ModuleVersion).join(
            latest,
            (ModuleVersion.module_id == latest.c.module_id)
            & (ModuleVersion.number == latest.c.number),
        )
    ).all()
    return {version.module_id: version for version in rows}


def current_version(session, module):
    return current_versions(session, [module.id]).get(module.id)


def module_by_code(session, code):
    return session.exec(select(Module).where(Module.code == code)).first()


def module_versions(session, module_id):
    """Every version of a module, newest first."""
    return session.exec(
        select(ModuleVersion)
        .where(ModuleVersion.module_id == module_id)
        .order_by(col(ModuleVersion.number).desc())
    ).all()


def draft_of(session, module_id):
    return session.exec(
        select(ModuleVersion).where(
            ModuleVersion.module_id == module_id, ModuleVersion.status == VersionStatus.DRAFT
        )
    ).first()


def editable_drafts(session, user):
    """[(draft, module)] of the drafts this user may edit, by module code."""
    if user.role not in AUTHORING_ROLES:
        return []
    rows = session.exec(
        select(ModuleVersion, Module)
        .join(Module, col(Module.id) == ModuleVersion.module_id)
        .where(ModuleVersion.status == VersionStatus.DRAFT)
        .order_by(Module.code)
    ).all()
    return [(draft, module) for draft, module in rows if can_edit(user, module)]


def retired_modules(session, user):
    """[(last retired version, module)] of the modules this user may edit that have no published
    version and no draft left: out of the catalogue, found again here to write a new version."""
    if user.role not in AUTHORING_ROLES:
        return []
    current = (
        select(ModuleVersion.module_id)
        .where(col(ModuleVersion.status).in_([VersionStatus.PUBLISHED, VersionStatus.DRAFT]))
        .scalar_subquery()
    )
    rows = session.exec(
        select(ModuleVersion, Module)
        .join(Module, col(Module.id) == ModuleVersion.module_id)
        .where(
            ModuleVersion.status == VersionStatus.RETIRED,
            col(ModuleVersion.module_id).not_in(current),
        )
        .order_by(Module.code, col(ModuleVersion.number).desc())
    ).all()
    last = {}
    for version, module in rows:
        last.setdefault(module.id, (version, module))
    return [entry for entry in last.values() if can_edit(user, entry[1])]


def program_modules(session, *, program_id, school_id=None):
    """The program's modules offered to a school's classes, in the program's order: the shared
    programme's and the school's own (school_id None: the shared programme's only)."""
    offered = col(Module.school_id).is_(None)
    if school_id is not None:
        offered = offered | (Module.school_id == school_id)
    return session.exec(
        select(Module)
        .where(Module.program_id == program_id, offered)
        .order_by(Module.position, Module.code)
    ).all()


# Built once: building this statement costs about as much as running it (every student home).
COHORT_PROGRAM = (
    select(Module, CohortModuleVersion, ModuleVersion)
    .outerjoin(
        CohortModuleVersion,
        (col(CohortModuleVersion.module_id) == Module.id)
        & (col(CohortModuleVersion.cohort_id) == bindparam("cohort_id")),
    )
    .outerjoin(ModuleVersion, col(ModuleVersion.id) == CohortModuleVersion.version_id)
    .where(
        Module.program_id == bindparam("program_id"),
        # The shared programme's modules and the school's own (none when the school is None:
        # NULL equals nothing).
        col(Module.school_id).is_(None) | (col(Module.school_id) == bindparam("school_id")),
    )
    .order_by(Module.position, Module.code)
)


def cohort_program(session, cohort):
    """(program_modules() of the cohort's school, the rows that read them): one statement that
    also reads the version the cohort follows of each. While the caller holds the rows (the
    session keeps its objects only as long as someone does), cohort_version() finds the pins and
    their versions in the session instead of asking for each module twice."""
    rows = session.exec(
        COHORT_PROGRAM,
        params={
            "cohort_id": cohort.id,
            "program_id": cohort.program_id,
            "school_id": cohort.school_id,
        },
    ).all()
    return [module for module, _pin, _version in rows], rows


def cohort_version(session, *, cohort, module):
    """The version `cohort` follows for `module`; pins the current one the first time (commits).

    None while the module has no published version. Once pinned it never changes, so a later
    version never rewrites what the cohort's students already did.
    """
    cohort_id, module_id = getattr(cohort, "id", cohort), getattr(module, "id", module)
    pin = session.get(CohortModuleVersion, (cohort_id, module_id))
    if pin is not None:
        return session.get(ModuleVersion, pin.version_id)
    bind = session.get_bind()
    if bind.dialect.name == "sqlite" and bind.get_execution_options().get("sqlite_begin") is None:
        # A reading request's SQLite snapshot cannot turn into a write once another request
        # has written ("database is locked" at once): pin in a short writing session instead.
        with Session(writer_engine(bind)) as writer:
            version_id = _pin(writer, cohort_id, module_id)
    else:
        version_id = _pin(session, cohort_id, module_id)
    return session.get(ModuleVersion, version_id) if version_id else None


def _pin(session, cohort_id, module_id):
    """Pin the module's current version for the cohort (or keep an existing pin); its id."""
    pin = session.get(CohortModuleVersion, (cohort_id, module_id))
    if pin is not None:
        return pin.version_id
    version = current_versions(session, [module_id]).get(module_id)
    if version is None:
        return None
    session.add(
        CohortModuleVersion(cohort_id=cohort_id, module_id=module_id, version_id=version.id)
    )
    try:
        session.commit()
    except IntegrityError:  # another request pinned it a moment ago: theirs stands
        session.rollback()
    pin = session.get(CohortModuleVersion, (cohort_id, module_id), populate_existing=True)
    return pin.version_id


def translated_texts(version, units):
    """Every translated text of a version and its units, for coverage and search."""
    texts = [version.title, version.summary]
    for unit in units:
        texts += [unit.title, unit.task, *unit.outcomes, *unit.criteria]
    return texts


def coverage(version, units):
    """The languages in which every text of the version is written (empty texts aside)."""
    texts = [text for text in translated_texts(version, units) if any((text or {}).values())]
    return [lang for lang in LANGUAGES if all((text or {}).get(lang) for text in texts)]


def missing_translations(version, units):
    """[(what, [languages])] for each text not yet in every language, for the draft editor.

    `what` names the text as people do ("EV-101-U2: learning outcome 1"), in the page's language.
    """
    missing = []

    def check(what, text):
        languages = [lang for lang in LANGUAGES if not (text or {}).get(lang)]
        if languages:
            missing.append((what, languages))

    check(_l("Module title"), version.title)
    check(_l("Module summary"), version.summary)
    for unit in units:
        check(_l("%(unit)s: title", unit=unit.code), unit.title)
        check(_l("%(unit)s: practical task", unit=unit.code), unit.task)
        for n, item in enumerate(unit.outcomes, start=1):
            check(_l("%(unit)s: learning outcome %(number)d", unit=unit.code, number=n), item)
        for n, item in enumerate(unit.criteria, start=1):
            check(_l("%(unit)s: assessment criterion %(number)d", unit=unit.code, number=n), item)
    return missing


@dataclass
class CatalogueEntry:
    module: Module
    version: ModuleVersion
    program: Program
    owner: Organization | None
    units: list = field(default_factory=list)

    @property
    def hours(self):
        return sum((u.theory_hours + u.practice_hours for u in self.units), 0)

    @property
    def languages(self):
        return coverage(self.version, self.units)

    def matches(self, query):
        needle = query.casefold()
        texts = [self.version.title, *(u.title for u in self.units)]
        texts += [item for u in self.units for item in u.outcomes]
        return needle in self.module.code.casefold() or any(
            needle in value.casefold() for text in texts for value in (text or {}).values()
        )


def catalogue(session, *, viewer=None, query=None, program_id=None, level=None, language=None):
    """Modules with a published version, in program order, filtered.

    The shared programme's modules, and those of the schools of `viewer` when it is a teacher
    or a student (without a viewer, as for the public: the shared programme only). The
    university, the office and admins find the schools' modules on their own page.

    The catalogue holds tens of modules, so searching in Python over the current versions is
    simple and behaves the same on SQLite and PostgreSQL.
    """
    programs = {p.id: p for p in session.exec(select(Program)).all()}
    own = visible_school_ids(viewer) if viewer is not None else frozenset()
    modules = session.exec(select(Module).order_by(Module.position, Module.code)).all()
    modules = [m for m in modules if m.school_id is None or (own and m.school_id in own)]
    if program_id is not None:
        modules = [m for m in modules if m.program_id == program_id]
    if level:
        modules = [m for m in modules if m.level == level]
    versions = current_versions(session, [m.id for m in modules])
    units = {}
    if versions:
        for unit in session.exec(
            select(Unit)
            .where(col(Unit.version_id).in_([v.id for v in versions.values()]))
            .order_by(Unit.position, Unit.id)
        ).all():
            units.setdefault(unit.version_id, []).append(unit)
    owner_ids = {m.owner_id for m in modules if m.owner_id}
    owners = {
        o.id: o
        for o in session.exec(select(Organization).where(col(Organization.id).in_(owner_ids)))
    }
    entries = [
        CatalogueEntry(
            module=m,
            version=versions[m.id],
            program=programs[m.program_id],
            owner=owners.get(m.owner_id),
            units=units.get(versions[m.id].id, []),
        )
        for m in modules
        if m.id in versions
    ]
    if query:
        entries = [e for e in entries if e.matches(query.strip())]
    if language:
        entries = [e for e in entries if language in e.languages]
    entries.sort(key=lambda e: (e.program.code, e.module.position, e.module.code))
    return entries


def list_programs(session):
    return session.exec(select(Program).order_by(Program.code)).all()


def version_changes(session, old, new):
    """What changed from version `old` to version `new` (of one module, or an adaptation
    and its original), as curriculum.changes.Changes."""
    return compare(version_document(session, old), version_document(session, new))
