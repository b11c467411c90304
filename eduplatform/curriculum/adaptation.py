"""A school's own modules: adapting a shared module for one school, adopting a school's module.

"Adapt for my school" copies the shared module's current version into a new module of the
school (its own version line, each version naming the shared version it came from), which
that school's teachers edit and publish and which only that school's classes follow. The
university (an author) may adopt a school's module into the shared programme: an explicit,
confirmed, audited step after which every school sees it and the university edits it.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select, update

from eduplatform.audit.service import record_event
from eduplatform.curriculum.content import version_document, write_units
from eduplatform.curriculum.models import Module, ModuleVersion
from eduplatform.curriculum.service import current_version, current_versions, draft_of
from eduplatform.errors import Conflict, Invalid
from eduplatform.people.memberships import school_ids, schools_of
from eduplatform.people.models import Organization, OrgKind, Role


def adaptation_code(module, school):
    """EV-201 adapted by the school with NPSN 20100123: EV-201-20100123."""
    return f"{module.code}-{school.npsn or f'S{school.id}'}"


def adaptations_of(session, module):
    """The school modules adapted from `module`, by school name: [(adaptation, school)]."""
    rows = session.exec(
        select(Module, Organization)
        .join(Organization, col(Organization.id) == Module.school_id)
        .where(Module.adapted_from_id == module.id)
    ).all()
    return sorted(rows, key=lambda row: row[1].name.casefold())


def schools_to_adapt_for(session, user, module):
    """(schools of this teacher without an adaptation of `module` yet, their adaptations)."""
    if user.role != Role.TEACHER or not module.shared:
        return [], []
    own = school_ids(user, session)
    done = [(m, s) for m, s in adaptations_of(session, module) if s.id in own]
    adapted = {s.id for _m, s in done}
    return [s for s in schools_of(session, user) if s.id not in adapted], done


def adapt_module(session, *, actor, module, school_id):
    """The school's adaptation of shared `module` with a draft version 1 copied from the
    module's current version. (adaptation, draft, created): an adaptation the school already
    has is returned as it is (created False), also when another teacher made it a moment ago.
    """
    if actor.role != Role.TEACHER:
        raise Invalid.field(None, _l("Only a school's teachers adapt a module for their school."))
    if not module.shared:
        raise Invalid.field(None, _l("Only a module of the shared programme can be adapted."))
    if school_id not in school_ids(actor, session):
        raise Invalid.field("school_id", _l("Choose one of your schools."))
    source = current_version(session, module)
    if source is None:
        raise Invalid.field(None, _l("This module has no published version to adapt yet."))
    existing = _adaptation(session, module, school_id)
    if existing is not None:
        return existing, draft_of(session, existing.id), False
    school = session.get(Organization, school_id)
    code = adaptation_code(module, school)
    if session.exec(select(Module.id).where(Module.code == code)).first() is not None:
        existing = _adaptation(session, module, school_id)  # made since we looked
        if existing is not None:
            return existing, draft_of(session, existing.id), False
        raise Invalid.field(None, _l("A module with the code %(code)s exists.", code=code))
    adaptation = Module(
        code=code,
        program_id=module.program_id,
        owner_id=school.id,
        school_id=school.id,
        adapted_from_id=module.id,
        level=module.level,
        position=module.position,
    )
    try:
        session.add(adaptation)
        session.flush()
    except IntegrityError:  # another teacher of the school adapted it a moment ago
        session.rollback()
        existing = _adaptation(session, module, school_id)
        if existing is None:
            raise
        return existing, draft_of(session, existing.id), False
    draft = ModuleVersion(
        module_id=adaptation.id,
        number=1,
        title=dict(source.title),
        summary=dict(source.summary),
        alignment=list(source.alignment),
        created_by_id=actor.id,
        based_on_id=source.id,
    )
    session.add(draft)
    session.flush()
    write_units(session, draft, version_document(session, source, module)["units"])
    record_event(
        session,
        actor=actor,
        action="module.adapted",
        target=adaptation,
        details={
            "module": module.code,
            "version": source.number,
            "school_id": school.id,
            "adaptation": code,
        },
    )
    session.commit()
    return adaptation, draft, True


def _adaptation(session, module, school_id):
    return session.exec(
        select(Module).where(Module.adapted_from_id == module.id, Module.school_id == school_id)
    ).first()


def can_adopt(user, module):
    return user.role == Role.AUTHOR and not module.shared


def adopt_module(session, *, actor, module):
    """Move a school's module into the shared programme, owned by the author's university.

    Exactly one of two simultaneous adoptions succeeds (a conditional UPDATE); the other, and
    any adoption of a module already shared, raises Conflict.
    """
    university = session.get(Organization, actor.organization_id or 0)
    if actor.role != Role.AUTHOR or university is None or university.kind != OrgKind.UNIVERSITY:
        raise Invalid.field(None, _l("Only the university's curriculum staff adopt modules."))
    if module.shared:
        raise Conflict(_l("This module is already in the shared programme."))
    if current_version(session, module) is None:
        raise Invalid.field(None, _l("Only a module with a published version can be adopted."))
    school_id = module.school_id
    result = session.exec(
        update(Module)
        .where(col(Module.id) == module.id, col(Module.school_id) == school_id)
        .values(school_id=None, owner_id=university.id)
    )
    if result.rowcount != 1:
        session.rollback()
        raise Conflict(_l("This module is already in the shared programme."))
    record_event(
        session,
        actor=actor,
        action="module.adopted",
        target=module,
        details={"module": module.code, "school_id": school_id},
    )
    session.commit()
    session.refresh(module)
    return module


@dataclass
class SchoolModule:
    """A school's own module as the university sees it."""

    module: Module
    school: Organization
    original: Module | None  # the shared module it adapts, if it is an adaptation
    based_on: ModuleVersion | None  # the shared version its newest version came from
    version: ModuleVersion | None  # its current published version
    draft: ModuleVersion | None
    original_newer: ModuleVersion | None = None  # the original's current version, if newer


def newer_original(session, original, based_on):
    """The original's current published version when it is newer than the version an
    adaptation came from (the university evolved the module since the school adapted it), or
    None."""
    if original is None or based_on is None:
        return None
    current = current_version(session, original)
    if current is None or current.number <= based_on.number:
        return None
    return current


def school_modules(session):
    """Every school's own module, adaptations first by original and school."""
    rows = session.exec(
        select(Module, Organization)
        .join(Organization, col(Organization.id) == Module.school_id)
        .where(col(Module.school_id).is_not(None))
    ).all()
    modules = [m for m, _s in rows]
    current = current_versions(session, [m.id for m in modules])
    originals = {
        m.id: m
        for m in session.exec(
            select(Module).where(
                col(Module.id).in_([m.adapted_from_id for m in modules if m.adapted_from_id])
            )
        )
    }
    drafts = {
        v.module_id: v
        for v in session.exec(
            select(ModuleVersion).where(
                col(ModuleVersion.module_id).in_([m.id for m in modules]),
                ModuleVersion.status == "draft",
            )
        )
    }
    entries = []
    for module, school in rows:
        newest = current.get(module.id) or drafts.get(module.id)
        based_on = (
            session.get(ModuleVersion, newest.based_on_id)
            if newest and newest.based_on_id
            else None
        )
        entries.append(
            SchoolModule(
                module=module,
                school=school,
                original=originals.get(module.adapted_from_id),
                based_on=based_on,
                version=current.get(module.id),
                draft=drafts.get(module.id),
                original_newer=newer_original(
                    session, originals.get(module.adapted_from_id), based_on
                ),
            )
        )
    entries.sort(
        key=lambda e: (
            e.original is None,
            e.original.code if e.original else e.module.code,
            e.school.name.casefold(),
        )
    )
    return entries
