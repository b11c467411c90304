"""Authoring pages: new module, the draft editor, units, prerequisites, publish and retire.

Authors and teachers edit the modules of their own organization (admins every module); a
draft is invisible (404) to everyone else. The rules themselves live in authoring.py.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eduplatform import scope
from eduplatform.auth.access import roles_required
from eduplatform.curriculum import authoring, draft_units, service
from eduplatform.curriculum.content import prerequisite_codes, version_units
from eduplatform.curriculum.forms import (
    DetailsForm,
    ModuleForm,
    PrerequisitesForm,
    UnitForm,
    fill_translated,
    translated_data,
    unit_data,
)
from eduplatform.curriculum.models import Module, ModuleVersion, Unit, VersionStatus
from eduplatform.curriculum.views import bp, load_module
from eduplatform.db import get_session
from eduplatform.errors import Conflict, Invalid
from eduplatform.forms import ConfirmForm, apply_errors, choices
from eduplatform.i18n import translated
from eduplatform.people.memberships import schools_of
from eduplatform.people.models import Role

editors = roles_required(*service.AUTHORING_ROLES)


def load_draft(version_id):
    """(module, draft) the user may edit; 404 otherwise, a redirect once it is published."""
    db = get_session()
    version = db.get(ModuleVersion, version_id) or abort(404)
    module = db.get(Module, version.module_id)
    if not service.can_edit(current_user, module):
        abort(404)
    if version.status != VersionStatus.DRAFT:
        flash(_("This version is published and frozen. Start a new draft to make changes."), "info")
        abort(redirect(url_for("curriculum.module", code=module.code, version=version.number)))
    return module, version


def load_unit(version, unit_id):
    unit = get_session().get(Unit, unit_id)
    if unit is None or unit.version_id != version.id:
        abort(404)
    return unit


def _refused(refused):
    get_session().rollback()
    for error in refused.errors:
        flash(error["message"], "error")


@bp.route("/modules/new", methods=["GET", "POST"])
@editors
def new_module():
    db = get_session()
    form = ModuleForm()
    form.program_id.choices = choices(
        (p.id, f"{p.code} · {translated(p.title)}") for p in service.list_programs(db)
    )
    schools = schools_of(db, current_user) if current_user.role == Role.TEACHER else []
    if len(schools) > 1:
        form.school_id.choices = choices((s.id, s.name) for s in schools)
    else:
        del form.school_id
    school = scope.form_id("school_id", "school") if request.method == "POST" else None
    if form.validate_on_submit():
        try:
            module, version = authoring.create_module(
                db,
                actor=current_user,
                program_id=scope.load(
                    "program", form.program_id.data, source="form", name="program_id"
                ).id,
                code=form.code.data,
                level=form.level.data,
                title=translated_data(form, "title"),
                summary=translated_data(form, "summary"),
                school_id=school.id if school else None,
            )
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
        else:
            flash(_("Module %(code)s created as a draft.", code=module.code), "success")
            return redirect(url_for("curriculum.draft", version_id=version.id))
    return render_template(
        "curriculum/module_form.html", form=form, for_school=current_user.role == Role.TEACHER
    )


@bp.route("/modules/<code>/draft", methods=["POST"])
@editors
def start_draft(code):
    db = get_session()
    module = load_module(code)
    if not service.can_edit(current_user, module):
        abort(403)
    try:
        draft = authoring.start_draft(db, actor=current_user, module=module)
    except Conflict:
        draft = service.draft_of(db, module.id) or abort(409)
    return redirect(url_for("curriculum.draft", version_id=draft.id))


@bp.route("/drafts/<int:version_id>", methods=["GET", "POST"])
@editors
def draft(version_id):
    db = get_session()
    module, version = load_draft(version_id)
    form = DetailsForm(level=module.level, alignment="\n".join(version.alignment))
    if not form.is_submitted():
        fill_translated(form, "title", version.title)
        fill_translated(form, "summary", version.summary)
    if form.validate_on_submit():
        try:
            authoring.update_details(
                db,
                actor=current_user,
                module=module,
                version=version,
                level=form.level.data,
                title=translated_data(form, "title"),
                summary=translated_data(form, "summary"),
                alignment=form.alignment.data,
            )
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("curriculum.draft", version_id=version.id))
    units = version_units(db, version.id)
    return render_template(
        "curriculum/draft.html",
        module=module,
        version=version,
        form=form,
        units=units,
        required=prerequisite_codes(db, units),
        missing=service.missing_translations(version, units),
        current=service.current_version(db, module),
    )


@bp.route("/drafts/<int:version_id>/units/new", methods=["GET", "POST"])
@editors
def new_unit(version_id):
    db = get_session()
    module, version = load_draft(version_id)
    count = len(version_units(db, version.id))
    form = UnitForm(code=f"{module.code}-U{count + 1}", theory_hours=0, practice_hours=0)
    if form.validate_on_submit():
        try:
            unit = draft_units.add_unit(
                db, actor=current_user, module=module, version=version, data=unit_data(form)
            )
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
        else:
            flash(_("Unit %(code)s added.", code=unit.code), "success")
            return redirect(url_for("curriculum.draft", version_id=version.id, _anchor="units"))
    return render_template(
        "curriculum/unit_form.html", module=module, version=version, form=form, unit=None
    )


@bp.route("/drafts/<int:version_id>/units/<int:unit_id>", methods=["GET", "POST"])
@editors
def edit_unit(version_id, unit_id):
    db = get_session()
    module, version = load_draft(version_id)
    unit = load_unit(version, unit_id)
    form = _unit_form(unit)
    if form.validate_on_submit():
        try:
            draft_units.update_unit(
                db,
                actor=current_user,
                module=module,
                version=version,
                unit=unit,
                data=unit_data(form),
            )
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
        else:
            flash(_("Unit %(code)s saved.", code=unit.code), "success")
            return redirect(url_for("curriculum.draft", version_id=version.id, _anchor="units"))
    return render_template(
        "curriculum/unit_form.html",
        module=module,
        version=version,
        form=form,
        unit=unit,
        prerequisites_form=_prerequisites_form(version, unit),
    )


def _unit_form(unit, **kwargs):
    """The unit's form, filled from the unit unless a submitted form is being shown again."""
    form = UnitForm(obj=unit, **kwargs)
    if not form.is_submitted() or kwargs.get("formdata", True) is None:
        for group in ("title", "task"):
            fill_translated(form, group, getattr(unit, group))
        for group in ("outcomes", "criteria"):
            fill_translated(form, group, getattr(unit, group), lines=True)
    return form


def _prerequisites_form(version, unit, formdata=None):
    db = get_session()
    units = version_units(db, version.id)
    others = [u for u in units if u.id != unit.id]
    required = prerequisite_codes(db, units).get(unit.id, [])
    chosen = [u.id for u in others if u.code in required]
    form = PrerequisitesForm(formdata=formdata, prerequisites=chosen)
    form.prerequisites.choices = choices(
        (u.id, f"{u.code} · {translated(u.title)}") for u in others
    )
    return form


@bp.route("/drafts/<int:version_id>/units/<int:unit_id>/prerequisites", methods=["POST"])
@editors
def set_prerequisites(version_id, unit_id):
    db = get_session()
    module, version = load_draft(version_id)
    unit = load_unit(version, unit_id)
    form = _prerequisites_form(version, unit, formdata=request.form)
    if form.validate_on_submit():
        try:
            draft_units.set_prerequisites(
                db,
                actor=current_user,
                module=module,
                version=version,
                unit=unit,
                requires_ids=form.prerequisites.data or [],
            )
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
        else:
            flash(_("Prerequisites of %(code)s saved.", code=unit.code), "success")
            return redirect(url_for("curriculum.draft", version_id=version.id, _anchor="units"))
    return render_template(
        "curriculum/unit_form.html",
        module=module,
        version=version,
        form=_unit_form(unit, formdata=None),
        unit=unit,
        prerequisites_form=form,
    ), 422


@bp.route("/drafts/<int:version_id>/units/<int:unit_id>/move", methods=["POST"])
@editors
def move_unit(version_id, unit_id):
    module, version = load_draft(version_id)
    unit = load_unit(version, unit_id)
    offset = -1 if request.form.get("direction") == "up" else 1
    draft_units.move_unit(
        get_session(),
        actor=current_user,
        module=module,
        version=version,
        unit=unit,
        offset=offset,
    )
    return redirect(url_for("curriculum.draft", version_id=version.id, _anchor=f"unit-{unit.id}"))


@bp.route("/drafts/<int:version_id>/units/<int:unit_id>/remove", methods=["POST"])
@editors
def remove_unit(version_id, unit_id):
    module, version = load_draft(version_id)
    unit = load_unit(version, unit_id)
    draft_units.remove_unit(
        get_session(), actor=current_user, module=module, version=version, unit=unit
    )
    flash(_("Unit %(code)s removed.", code=unit.code), "success")
    return redirect(url_for("curriculum.draft", version_id=version.id, _anchor="units"))


@bp.route("/drafts/<int:version_id>/publish", methods=["POST"])
@editors
def publish(version_id):
    """Publish the draft, once the author confirmed it: a published version cannot change."""
    db = get_session()
    module, version = load_draft(version_id)
    if request.form.get("confirm") != "1":
        units = version_units(db, version.id)
        return render_template(
            "curriculum/confirm_publish.html",
            module=module,
            version=version,
            units=units,
            missing=service.missing_translations(version, units),
            form=ConfirmForm(),
        )
    try:
        authoring.publish(db, actor=current_user, module=module, version=version)
    except Invalid as refused:
        _refused(refused)
        return redirect(url_for("curriculum.draft", version_id=version.id))
    flash(
        _("Version %(number)d of %(code)s is published.", number=version.number, code=module.code),
        "success",
    )
    return redirect(url_for("curriculum.module", code=module.code))


@bp.route("/drafts/<int:version_id>/discard", methods=["POST"])
@editors
def discard(version_id):
    """Discard the draft, once the author confirmed it: its changes are lost."""
    module, version = load_draft(version_id)
    if request.form.get("confirm") != "1":
        return render_template(
            "curriculum/confirm_discard.html", module=module, version=version, form=ConfirmForm()
        )
    gone = authoring.discard_draft(
        get_session(), actor=current_user, module=module, version=version
    )
    flash(_("The draft was discarded."), "success")
    if gone:
        return redirect(url_for("curriculum.catalogue"))
    return redirect(url_for("curriculum.module", code=module.code))


@bp.route("/modules/<code>/versions/<int:number>/retire", methods=["POST"])
@editors
def retire(code, number):
    db = get_session()
    module = load_module(code)
    if not service.can_edit(current_user, module):
        abort(403)
    versions = service.module_versions(db, module.id)
    version = next((v for v in versions if v.number == number), None) or abort(404)
    if request.form.get("confirm") != "1" and version.status == VersionStatus.PUBLISHED:
        published = [v for v in versions if v.status == VersionStatus.PUBLISHED]
        return render_template(
            "curriculum/confirm_retire.html",
            module=module,
            version=version,
            last=published == [version],
            form=ConfirmForm(),
        )
    try:
        authoring.retire(db, actor=current_user, module=module, version=version)
    except Invalid as refused:
        _refused(refused)
    else:
        flash(
            _("Version %(number)d of %(code)s is retired.", number=number, code=module.code),
            "success",
        )
    return redirect(url_for("curriculum.history", code=module.code))
