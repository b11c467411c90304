"""The catalogue: programs and modules, a module's units, languages side by side, history."""

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user
from sqlmodel import col, select

from eduplatform import scope
from eduplatform.auth.access import login_required
from eduplatform.curriculum import adaptation, service
from eduplatform.curriculum.content import prerequisite_codes, version_units
from eduplatform.curriculum.forms import (
    CHANGE_LABELS,
    LEVEL_LABELS,
    STATUS_LABELS,
    UNIT_CHANGE_LABELS,
)
from eduplatform.curriculum.models import Module, ModuleVersion, Program, VersionStatus
from eduplatform.db import get_session
from eduplatform.people.models import Organization, User

bp = Blueprint("curriculum", __name__, url_prefix="/curriculum")


@bp.context_processor
def labels():
    return {
        "level_labels": LEVEL_LABELS,
        "status_labels": STATUS_LABELS,
        "change_labels": CHANGE_LABELS,
        "unit_change_labels": UNIT_CHANGE_LABELS,
    }


def load_module(code):
    """The module, or 404 when it does not exist or has nothing this user may see yet."""
    db = get_session()
    module = service.module_by_code(db, code) or abort(404)
    if not service.can_see(current_user, module):
        abort(404)
    if not service.can_edit(current_user, module):
        shown = db.exec(
            select(ModuleVersion.id).where(
                ModuleVersion.module_id == module.id, ModuleVersion.status != VersionStatus.DRAFT
            )
        ).first()
        if shown is None:
            abort(404)
    return module


def load_version(module, number=None):
    """Version `number` (drafts only for editors), else the current one, else the latest."""
    db = get_session()
    versions = service.module_versions(db, module.id)
    if not service.can_edit(current_user, module):
        versions = [v for v in versions if v.status != VersionStatus.DRAFT]
    if number is not None:
        return next((v for v in versions if v.number == number), None) or abort(404)
    published = [v for v in versions if v.status == VersionStatus.PUBLISHED]
    return (published or versions or [None])[0] or abort(404)


def _language(name, default):
    value = request.args.get(name)
    return value if value in current_app.config["LANGUAGES"] else default


@bp.route("/")
@login_required
def catalogue():
    db = get_session()
    programs = service.list_programs(db)
    program = scope.query_id("program")  # 404 when unknown
    program_id = program.id if program else None
    level = request.args.get("level") if request.args.get("level") in LEVEL_LABELS else None
    language = _language("language", None)
    entries = service.catalogue(
        db,
        viewer=current_user,
        query=request.args.get("q"),
        program_id=program_id,
        level=level,
        language=language,
    )
    return render_template(
        "curriculum/catalogue.html",
        programs=programs,
        entries=entries,
        drafts=service.editable_drafts(db, current_user),
        retired=service.retired_modules(db, current_user),
        filtered=bool(request.args.get("q") or program_id or level or language),
        can_author=current_user.role in service.AUTHORING_ROLES,
        sees_school_modules=current_user.role in service.ALL_MODULES_ROLES,
    )


def _version_context(module, version):
    db = get_session()
    units = version_units(db, version.id)
    return {
        "module": module,
        "version": version,
        "units": units,
        "required": prerequisite_codes(db, units),
        "titles": {u.code: u.title for u in units},
        "program": db.get(Program, module.program_id),
        "owner": db.get(Organization, module.owner_id) if module.owner_id else None,
        "publisher": db.get(User, version.published_by_id) if version.published_by_id else None,
        "languages": service.coverage(version, units),
        "hours": sum((u.theory_hours + u.practice_hours for u in units), 0),
        "can_edit": service.can_edit(current_user, module),
    }


@bp.route("/modules/<code>")
@login_required
def module(code):
    db = get_session()
    module = load_module(code)
    version = load_version(module, request.args.get("version", type=int))
    context = _version_context(module, version)
    current = service.current_version(db, module)
    context.update(
        current=current,
        draft=service.draft_of(db, module.id) if context["can_edit"] else None,
        **_school_context(module, version),
    )
    return render_template("curriculum/module.html", **context)


def _school_context(module, version):
    """Where a school's own module comes from; who may adapt or adopt it; who adapted it."""
    db = get_session()
    original = db.get(Module, module.adapted_from_id) if module.adapted_from_id else None
    based_on = db.get(ModuleVersion, version.based_on_id) if version.based_on_id else None
    adapt_schools, own_adaptations = adaptation.schools_to_adapt_for(db, current_user, module)
    sees_all = current_user.role in service.ALL_MODULES_ROLES
    return {
        "school": db.get(Organization, module.school_id) if module.school_id else None,
        "original": original,
        "based_on": based_on,
        # The university published a newer version of the original since this one was adapted.
        "original_newer": adaptation.newer_original(db, original, based_on),
        "adapt_schools": adapt_schools if current_version_of(module) else [],
        "own_adaptations": own_adaptations,
        "adaptations": adaptation.adaptations_of(db, module) if sees_all else [],
        "can_adopt": adaptation.can_adopt(current_user, module),
    }


def current_version_of(module):
    return service.current_version(get_session(), module)


@bp.route("/modules/<code>/languages")
@login_required
def languages(code):
    module = load_module(code)
    version = load_version(module, request.args.get("version", type=int))
    left, right = _language("left", "id"), _language("right", "zh")
    return render_template(
        "curriculum/languages.html", left=left, right=right, **_version_context(module, version)
    )


@bp.route("/modules/<code>/history")
@login_required
def history(code):
    db = get_session()
    module = load_module(code)
    versions = service.module_versions(db, module.id)
    if not service.can_edit(current_user, module):
        versions = [v for v in versions if v.status != VersionStatus.DRAFT]
    by_number = {v.number: v for v in versions}
    newer = by_number.get(request.args.get("b", type=int)) or (versions[0] if versions else None)
    older = by_number.get(request.args.get("a", type=int)) or (
        versions[1] if len(versions) > 1 else None
    )
    changes = None
    if older is not None and newer is not None and older.id != newer.id:
        changes = service.version_changes(db, older, newer)
    original = db.get(Module, module.adapted_from_id) if module.adapted_from_id else None
    based_on = None
    if original is not None and newer is not None and newer.based_on_id:
        based_on = db.get(ModuleVersion, newer.based_on_id)
    user_ids = {i for v in versions for i in (v.published_by_id, v.created_by_id) if i}
    users = {u.id: u for u in db.exec(select(User).where(col(User.id).in_(user_ids)))}
    return render_template(
        "curriculum/history.html",
        module=module,
        versions=versions,
        older=older,
        newer=newer,
        changes=changes,
        users=users,
        title=(versions[0].title if versions else {}),
        can_edit=service.can_edit(current_user, module),
        original=original,
        based_on=based_on,
        original_changes=service.version_changes(db, based_on, newer) if based_on else None,
        adaptations=(
            adaptation.adaptations_of(db, module)
            if current_user.role in service.ALL_MODULES_ROLES
            else []
        ),
    )


from eduplatform.curriculum import editor_views, school_views  # noqa: E402, F401 - routes join bp
