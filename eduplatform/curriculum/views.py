"""The catalogue: programs and modules, a module's units, languages side by side, history."""

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user
from sqlmodel import col, select

from eduplatform.auth.access import login_required
from eduplatform.curriculum import service
from eduplatform.curriculum.content import prerequisite_codes, version_units
from eduplatform.curriculum.forms import LEVEL_LABELS, STATUS_LABELS
from eduplatform.curriculum.models import ModuleVersion, Program, VersionStatus
from eduplatform.db import get_session
from eduplatform.people.models import Organization, User

bp = Blueprint("curriculum", __name__, url_prefix="/curriculum")


@bp.context_processor
def labels():
    return {"level_labels": LEVEL_LABELS, "status_labels": STATUS_LABELS}


def load_module(code):
    """The module, or 404 when it does not exist or has nothing this user may see yet."""
    db = get_session()
    module = service.module_by_code(db, code) or abort(404)
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
    program_id = request.args.get("program", type=int)
    level = request.args.get("level") if request.args.get("level") in LEVEL_LABELS else None
    language = _language("language", None)
    entries = service.catalogue(
        db, query=request.args.get("q"), program_id=program_id, level=level, language=language
    )
    return render_template(
        "curriculum/catalogue.html",
        programs=programs,
        entries=entries,
        drafts=service.editable_drafts(db, current_user),
        filtered=bool(request.args.get("q") or program_id or level or language),
        can_author=current_user.role in service.AUTHORING_ROLES,
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
    )
    return render_template("curriculum/module.html", **context)


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
    diff = None
    if older is not None and newer is not None and older.id != newer.id:
        diff = service.diff_lines(
            service.version_text(db, older, module), service.version_text(db, newer, module)
        )
    user_ids = {i for v in versions for i in (v.published_by_id, v.created_by_id) if i}
    users = {u.id: u for u in db.exec(select(User).where(col(User.id).in_(user_ids)))}
    return render_template(
        "curriculum/history.html",
        module=module,
        versions=versions,
        older=older,
        newer=newer,
        diff=diff,
        users=users,
        title=(versions[0].title if versions else {}),
        can_edit=service.can_edit(current_user, module),
    )


from eduplatform.curriculum import editor_views  # noqa: E402, F401 - its routes join `bp`
