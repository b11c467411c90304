"""Authoring rules: create a module, edit its one draft version, publish, retire.

Published versions are frozen; draft_units.py edits the units of a draft.
Each function validates, writes, records audit events where they matter and commits once.
"""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, func, select

from eduplatform.audit.service import record_event
from eduplatform.curriculum.content import (
    content_hash,
    next_version_number,
    version_document,
    write_units,
)
from eduplatform.curriculum.models import (
    Level,
    Module,
    ModuleVersion,
    Program,
    Unit,
    UnitPrerequisite,
    VersionStatus,
)
from eduplatform.curriculum.schema import LANGUAGES
from eduplatform.curriculum.service import can_edit, current_version, draft_of
from eduplatform.errors import Conflict, Invalid
from eduplatform.people.memberships import school_ids
from eduplatform.people.models import Role
from eduplatform.sqltypes import utcnow

CODE_RE = re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+)*$")


def _refusal(message):
    return Invalid([{"field": None, "message": message}])


def require_editor(actor, module):
    if not can_edit(actor, module):
        raise _refusal(_l("You may not edit this module."))


def require_draft(version):
    if version.status != VersionStatus.DRAFT:
        raise _refusal(_l("Published versions are frozen. Start a new draft to make changes."))


def translated_text(values, *, field, required=True, errors):
    """{lang: text} from a form's {lang: value}; Indonesian required when `required`."""
    text = {lang: (values.get(lang) or "").strip() for lang in LANGUAGES}
    text = {lang: value for lang, value in text.items() if value}
    if required and not text.get("id"):
        errors.append(
            {"field": f"{field}_id", "message": _l("Write at least the Indonesian text.")}
        )
    return text


def create_module(session, *, actor, program_id, code, level, title, summary, school_id=None):
    """A new module with an empty draft version 1: the university's (an author's) in the shared
    programme; a teacher's belongs to their school alone (`school_id`, one of theirs;
    default their home school)."""
    errors = []
    owner_id = actor.organization_id
    if actor.role == Role.TEACHER:
        owner_id = school_id or actor.organization_id
        if owner_id not in school_ids(actor, session):
            errors.append({"field": "school_id", "message": _l("Choose one of your schools.")})
    code = (code or "").strip().upper()
    program = session.get(Program, program_id) if program_id else None
    if program is None:
        errors.append({"field": "program_id", "message": _l("Choose a program.")})
    if not CODE_RE.match(code) or len(code) > 40:
        errors.append(
            {
                "field": "code",
                "message": _l("Use capital letters, digits and hyphens, like EV-201."),
            }
        )
    elif session.exec(select(Module.id).where(Module.code == code)).first():
        errors.append({"field": "code", "message": _l("A module with this code exists.")})
    if level not in set(Level):
        errors.append({"field": "level", "message": _l("Choose a level.")})
    title = translated_text(title, field="title", errors=errors)
    summary = translated_text(summary, field="summary", required=False, errors=errors)
    if owner_id is None:
        errors.append({"field": None, "message": _l("Your account belongs to no organization.")})
    if errors:
        raise Invalid(errors)
    last = session.exec(
        select(func.max(Module.position)).where(Module.program_id == program.id)
    ).one()
    module = Module(
        code=code,
        program_id=program.id,
        owner_id=owner_id,
        school_id=owner_id if actor.role == Role.TEACHER else None,
        level=level,
        position=(last or 0) + 1,
    )
    session.add(module)
    session.flush()
    version = ModuleVersion(
        module_id=module.id, number=1, title=title, summary=summary, created_by_id=actor.id
    )
    session.add(version)
    session.flush()
    record_event(
        session, actor=actor, action="module.created", target=module, details={"code": code}
    )
    session.commit()
    return module, version


def start_draft(session, *, actor, module):
    """The module's draft, made from its current (or latest) version if there is none yet."""
    require_editor(actor, module)
    draft = draft_of(session, module.id)
    if draft is not None:
        return draft
    source = (
        current_version(session, module)
        or session.exec(
            select(ModuleVersion)
            .where(ModuleVersion.module_id == module.id)
            .order_by(col(ModuleVersion.number).desc())
        ).first()
    )
    draft = ModuleVersion(
        module_id=module.id,
        number=next_version_number(session, module.id),
        title=dict(source.title) if source else {},
        summary=dict(source.summary) if source else {},
        alignment=list(source.alignment) if source else [],
        created_by_id=actor.id,
        based_on_id=source.based_on_id if source else None,
    )
    try:
        session.add(draft)
        session.flush()
    except IntegrityError as clash:  # someone started the draft a moment ago
        session.rollback()
        raise Conflict("a draft of this module was just started") from clash
    if source is not None:
        write_units(session, draft, version_document(session, source, module)["units"])
    record_event(
        session,
        actor=actor,
        action="module.draft_started",
        target=draft,
        details={"module": module.code, "version": draft.number},
    )
    session.commit()
    return draft


def update_details(session, *, actor, module, version, level, title, summary, alignment):
    """Change a draft's title, summary and alignment, and the module's level."""
    require_editor(actor, module)
    require_draft(version)
    errors = []
    if level not in set(Level):
        errors.append({"field": "level", "message": _l("Choose a level.")})
    title = translated_text(title, field="title", errors=errors)
    summary = translated_text(summary, field="summary", required=False, errors=errors)
    references = [line.strip() for line in (alignment or "").splitlines() if line.strip()]
    if any(len(line) > 200 for line in references):
        errors.append({"field": "alignment", "message": _l("Use at most 200 characters a line.")})
    if errors:
        raise Invalid(errors)
    version.title, version.summary, version.alignment = title, summary, references
    module.level = level
    session.add_all([version, module])
    session.commit()


def publish(session, *, actor, module, version):
    """Freeze a draft as the module's current version (who and when are recorded)."""
    require_editor(actor, module)
    require_draft(version)
    units = session.exec(select(Unit).where(Unit.version_id == version.id)).all()
    if not units:
        raise _refusal(_l("Add at least one unit before publishing."))
    untitled = [u.code for u in units if not (u.title or {}).get("id")]
    if untitled or not (version.title or {}).get("id"):
        raise _refusal(_l("Every unit and the module need at least an Indonesian title."))
    # Students log a unit's practical task and teachers verify it against its criteria: a unit
    # without them could be logged but never judged.
    untasked = [u.code for u in units if not ((u.task or {}).get("id") or "").strip()]
    if untasked:
        raise _refusal(
            _l(
                "Write the practical task of %(units)s, at least in Indonesian, before publishing.",
                units=", ".join(untasked),
            )
        )
    unjudged = [u.code for u in units if not u.criteria]
    if unjudged:
        raise _refusal(
            _l(
                "Give %(units)s at least one assessment criterion before publishing.",
                units=", ".join(unjudged),
            )
        )
    version.status = VersionStatus.PUBLISHED
    version.published_at = utcnow()
    version.published_by_id = actor.id
    version.content_hash = content_hash(version_document(session, version, module))
    session.add(version)
    record_event(
        session,
        actor=actor,
        action="module.published",
        target=version,
        details={"module": module.code, "version": version.number},
    )
    session.commit()


def retire(session, *, actor, module, version):
    """Withdraw a published version; cohorts that follow it keep it."""
    require_editor(actor, module)
    if version.status != VersionStatus.PUBLISHED:
        raise _refusal(_l("Only a published version can be retired."))
    version.status = VersionStatus.RETIRED
    version.retired_at = utcnow()
    session.add(version)
    record_event(
        session,
        actor=actor,
        action="module.retired",
        target=version,
        details={"module": module.code, "version": version.number},
    )
    session.commit()


def discard_draft(session, *, actor, module, version):
    """Throw a draft away with its units; a module that was only this draft goes too.

    Returns True when the module itself was deleted.
    """
    require_editor(actor, module)
    require_draft(version)
    unit_ids = session.exec(select(Unit.id).where(Unit.version_id == version.id)).all()
    if unit_ids:
        session.exec(delete(UnitPrerequisite).where(col(UnitPrerequisite.unit_id).in_(unit_ids)))
        session.exec(delete(Unit).where(col(Unit.id).in_(unit_ids)))
    session.delete(version)
    session.flush()
    only_draft = next_version_number(session, module.id) == 1
    record_event(
        session,
        actor=actor,
        action="module.draft_discarded",
        target=module,
        details={"module": module.code, "version": version.number},
    )
    if only_draft:
        session.delete(module)
    session.commit()
    return only_draft
