"""`curricula import` and `curricula export`: YAML files to versions and back.

Import is idempotent: a module whose content matches a version already stored is unchanged,
so re-running it (as `make run` does) neither duplicates nor reverts anything; changed content
becomes a new published version and older versions stay frozen. All or nothing: one commit.
"""

from sqlmodel import col, select

from eduplatform.audit.service import record_event
from eduplatform.curriculum.content import (
    content_hash,
    file_document,
    next_version_number,
    version_document,
    write_units,
)
from eduplatform.curriculum.models import Module, ModuleVersion, Program, VersionStatus
from eduplatform.curriculum.source import FileErrors
from eduplatform.curriculum.yamldump import dump_module
from eduplatform.people.models import Organization, OrgKind
from eduplatform.sqltypes import utcnow


def default_owner(session):
    """The partner university when exactly one university is registered, else None."""
    universities = session.exec(
        select(Organization).where(Organization.kind == OrgKind.UNIVERSITY).limit(2)
    ).all()
    return universities[0] if len(universities) == 1 else None


def school_module_clashes(session, programs):
    """Errors for files whose module code is a school's own module: the shared curriculum never
    writes into (or shows) one school's module. The CLI reports them like any file error."""
    owned = set(session.exec(select(Module.code).where(col(Module.school_id).is_not(None))).all())
    errors = FileErrors()
    for program in programs:
        for module in program.modules:
            if module.model is not None and module.model.code in owned:
                errors.add(
                    module.path,
                    f"module code {module.model.code} is a school's own module; "
                    "choose another code for the shared curriculum",
                    ("code",),
                    module.node,
                )
    return errors.errors


def import_curricula(session, *, actor, programs, owner=None, progress=None):
    """Write validated programs (see source.read_curricula) in one transaction.

    Returns {"programs", "created", "updated", "unchanged"}; each module entry names its code,
    module id and the number and id of the version that now represents the file.
    """
    summary = {"programs": [], "created": [], "updated": [], "unchanged": []}
    modules = {m.code: m for m in session.exec(select(Module)).all()}
    stored = {}
    for version in session.exec(select(ModuleVersion)).all():
        stored.setdefault(version.module_id, []).append(version)
    for source in programs:
        program, status = _save_program(session, source.model)
        summary["programs"].append({"code": program.code, "id": program.id, "status": status})
        for position, module_source in enumerate(source.modules, start=1):
            document = file_document(module_source.model)
            module = modules.get(document["code"])
            status, version = _save_module(
                session, actor, program, module, document, position, owner, stored
            )
            module = module or session.get(Module, version.module_id)
            summary[status].append(
                {
                    "code": module.code,
                    "module_id": module.id,
                    "version": version.number,
                    "version_id": version.id,
                }
            )
            if progress is not None:
                progress(module.code)
    if summary["created"] or summary["updated"]:
        record_event(
            session,
            actor=actor,
            action="curricula.imported",
            details={key: [m["code"] for m in summary[key]] for key in ("created", "updated")},
        )
    session.commit()
    return summary


def _save_program(session, model):
    program = session.exec(select(Program).where(Program.code == model.code)).first()
    title, summary = model.title.model_dump(), model.summary.model_dump()
    if program is None:
        program = Program(code=model.code, title=title, summary=summary)
        session.add(program)
        session.flush()
        return program, "created"
    if program.title == title and program.summary == summary:
        return program, "unchanged"
    program.title, program.summary = title, summary
    session.add(program)
    return program, "updated"


def _save_module(session, actor, program, module, document, position, owner, stored):
    digest = content_hash(document)
    if module is None:
        module = Module(
            code=document["code"],
            program_id=program.id,
            owner_id=owner.id if owner else None,
            level=document["level"],
            position=position,
        )
        session.add(module)
        session.flush()
        return "created", _publish_imported(session, actor, module, document, digest, [])

    versions = stored.get(module.id, [])
    attributes = {"program_id": program.id, "level": document["level"], "position": position}
    moved = any(getattr(module, name) != value for name, value in attributes.items())
    for name, value in attributes.items():
        setattr(module, name, value)
    if module.owner_id is None and owner is not None:
        module.owner_id = owner.id
    session.add(module)
    known = next((v for v in versions if v.content_hash == digest), None)
    if known is not None:
        # The file says what a stored version says: nothing new, even if the module has
        # moved on in the app since (re-importing must never revert an author's work).
        return ("updated" if moved else "unchanged"), _current_or(versions, known)
    return "updated", _publish_imported(session, actor, module, document, digest, versions)


def _current_or(versions, fallback):
    published = [v for v in versions if v.status == VersionStatus.PUBLISHED]
    return max(published, key=lambda v: v.number) if published else fallback


def _publish_imported(session, actor, module, document, digest, versions):
    number = next_version_number(session, module.id)
    draft = next((v for v in versions if v.status == VersionStatus.DRAFT), None)
    if draft is not None:
        # An open draft stays the newest version: it moves up one number.
        number, draft.number = draft.number, number
        session.add(draft)
        session.flush()
    now = utcnow()
    actor_id = getattr(actor, "id", None)
    version = ModuleVersion(
        module_id=module.id,
        number=number,
        status=VersionStatus.PUBLISHED,
        title=dict(document["title"]),
        summary=dict(document["summary"]),
        alignment=list(document.get("alignment", [])),
        content_hash=digest,
        created_by_id=actor_id,
        published_at=now,
        published_by_id=actor_id,
    )
    session.add(version)
    session.flush()
    write_units(session, version, document["units"])
    versions.append(version)
    record_event(
        session,
        actor=actor,
        action="module.published",
        target=version,
        details={"module": module.code, "version": number, "source": "import"},
    )
    return version


def export_version(session, code):
    """(module, version) to export for a module code: the current published, else the latest."""
    module = session.exec(select(Module).where(Module.code == code)).first()
    if module is None:
        return None, None
    versions = session.exec(
        select(ModuleVersion)
        .where(ModuleVersion.module_id == module.id)
        .order_by(col(ModuleVersion.number).desc())
    ).all()
    published = [v for v in versions if v.status == VersionStatus.PUBLISHED]
    version = published[0] if published else (versions[0] if versions else None)
    return module, version


def export_module(session, code):
    """The module's YAML text in the input format, or None when there is no such module."""
    module, version = export_version(session, code)
    if version is None:
        return None
    return dump_module(version_document(session, version, module))
