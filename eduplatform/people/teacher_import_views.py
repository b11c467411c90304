"""The office imports a school's teacher list: upload, preview, confirm (all rows or none).

As with the student roster, nothing lives on the server between the preview and the
confirmation: the preview carries the checked rows in a signed field, and confirming checks
them against the database again.
"""

from flask import Blueprint, abort, current_app, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from eduplatform.auth.access import roles_required
from eduplatform.db import get_session
from eduplatform.errors import Invalid
from eduplatform.people.loaders import load_school
from eduplatform.people.models import Role
from eduplatform.people.school_forms import TeacherListConfirmForm, TeacherListUploadForm
from eduplatform.people.sheets import MAX_BYTES, SheetError
from eduplatform.people.teacher_import import import_teachers, plan_teacher_import
from eduplatform.people.teacher_list import (
    parse_teacher_list,
    teachers_from_payload,
    teachers_to_payload,
)

bp = Blueprint("teacher_imports", __name__, url_prefix="/schools")

OFFICE_ROLES = (Role.OFFICE, Role.ADMIN)


def _serializer():
    return URLSafeSerializer(current_app.secret_key, salt="teacher-list-preview")


@bp.route("/<int:school_id>/teachers/import", methods=["GET", "POST"])
@roles_required(*OFFICE_ROLES)
def upload(school_id):
    db = get_session()
    school = load_school(db, school_id)
    form = TeacherListUploadForm()
    file_errors = []
    if not school.active:
        file_errors = [{"row": None, "column": None, "message": _("This school is deactivated.")}]
    elif form.validate_on_submit():
        try:
            teachers = parse_teacher_list(form.file.data.stream.read(MAX_BYTES + 1))
        except SheetError as refused:
            file_errors = refused.errors
        else:
            return _preview_page(db, school, teachers)
    status = 422 if request.method == "POST" else 200
    page = render_template(
        "people/teacher_upload.html", school=school, form=form, file_errors=file_errors
    )
    return page, status


def _preview_page(db, school, teachers, status=200):
    result = plan_teacher_import(db, school=school, teachers=teachers)
    payload = {"school": school.id, **teachers_to_payload(teachers)}
    confirm = TeacherListConfirmForm(formdata=None, payload=_serializer().dumps(payload))
    page = render_template(
        "people/teacher_preview.html",
        school=school,
        teachers=teachers,
        result=result,
        refused=result.rows("rejected"),
        confirm=confirm,
        form=TeacherListUploadForm(),
        file_errors=[],
    )
    return page, status


@bp.route("/<int:school_id>/teachers/import/confirm", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def confirm(school_id):
    db = get_session()
    school = load_school(db, school_id)
    form = TeacherListConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        payload = _serializer().loads(form.payload.data or "")
    except BadSignature:
        abort(400)
    if payload.get("school") != school.id:
        abort(400)
    teachers = teachers_from_payload(payload)
    try:
        result = import_teachers(db, actor=current_user, school=school, teachers=teachers)
    except Invalid as refused:
        db.rollback()
        replanned = plan_teacher_import(db, school=school, teachers=teachers)
        if not school.active or not replanned.errors:
            for error in refused.errors:  # the school closed, or a clash at the same moment
                flash(error["message"], "error")
        else:
            flash(_("Something changed since the preview, so nothing was imported."), "error")
        return _preview_page(db, school, teachers, status=409)
    flash(_("The teacher list was imported."), "success")
    return render_template("people/teacher_done.html", school=school, result=result)
