"""School pages for the education office: list, enrol, edit, teachers, deactivate."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eduplatform.auth.access import roles_required
from eduplatform.db import get_session
from eduplatform.errors import Invalid
from eduplatform.forms import apply_errors
from eduplatform.people import cohorts, schools
from eduplatform.people.loaders import load_school
from eduplatform.people.models import Role
from eduplatform.people.school_forms import AssignTeacherForm, NewTeacherForm, SchoolForm

bp = Blueprint("schools", __name__, url_prefix="/schools")

OFFICE_ROLES = (Role.OFFICE, Role.ADMIN)


@bp.route("/")
@roles_required(*OFFICE_ROLES)
def index():
    return render_template("people/schools.html", rows=schools.schools_overview(get_session()))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*OFFICE_ROLES)
def create():
    db = get_session()
    form = SchoolForm()
    if form.validate_on_submit():
        try:
            school = schools.create_school(db, actor=current_user, **_school_values(form))
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
        else:
            flash(_("%(name)s was enrolled.", name=school.name), "success")
            return redirect(url_for("schools.detail", school_id=school.id))
    return render_template("people/school_form.html", form=form, school=None)


def _school_values(form):
    return {key: getattr(form, key).data for key in schools.SCHOOL_FIELDS}


@bp.route("/<int:school_id>")
@roles_required(*OFFICE_ROLES)
def detail(school_id):
    db = get_session()
    return _detail_page(db, load_school(db, school_id))


def _detail_page(db, school, assign_form=None, teacher_form=None):
    classes = cohorts.school_cohorts(db, school.id)
    ids = [c.id for c in classes]
    return render_template(
        "people/school.html",
        school=school,
        teachers=schools.school_teachers(db, school.id),
        cohorts=classes,
        cohort_teachers=cohorts.cohort_teachers(db, ids),
        counts=schools.active_enrollment_counts(db, ids),
        students=schools.school_student_count(db, school.id),
        assign_form=assign_form or AssignTeacherForm(prefix="assign"),
        teacher_form=teacher_form or NewTeacherForm(prefix="teacher"),
    )


@bp.route("/<int:school_id>/edit", methods=["GET", "POST"])
@roles_required(*OFFICE_ROLES)
def edit(school_id):
    db = get_session()
    school = load_school(db, school_id)
    form = SchoolForm(obj=school)
    if form.validate_on_submit():
        try:
            schools.update_school(db, actor=current_user, school=school, **_school_values(form))
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("schools.detail", school_id=school.id))
    return render_template("people/school_form.html", form=form, school=school)


@bp.route("/<int:school_id>/active", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def set_active(school_id):
    db = get_session()
    school = load_school(db, school_id)
    active = request.form.get("active") == "1"
    schools.set_school_active(db, actor=current_user, school=school, active=active)
    flash(
        _("The school takes part again.")
        if active
        else _("The school was deactivated; its classes and history are kept."),
        "success",
    )
    return redirect(url_for("schools.detail", school_id=school.id))


@bp.route("/<int:school_id>/teachers", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def assign_teacher(school_id):
    db = get_session()
    school = load_school(db, school_id)
    form = AssignTeacherForm(prefix="assign")
    if form.validate_on_submit():
        try:
            teacher = schools.assign_teacher(
                db, actor=current_user, school=school, email=form.email.data
            )
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
        else:
            flash(_("%(name)s now teaches at this school.", name=teacher.full_name), "success")
            return redirect(url_for("schools.detail", school_id=school.id))
    return _detail_page(db, school, assign_form=form), 422


@bp.route("/<int:school_id>/teachers/new", methods=["POST"])
@roles_required(*OFFICE_ROLES)
def create_teacher(school_id):
    db = get_session()
    school = load_school(db, school_id)
    form = NewTeacherForm(prefix="teacher")
    if form.validate_on_submit():
        try:
            teacher = schools.create_teacher(
                db,
                actor=current_user,
                school=school,
                full_name=form.full_name.data,
                email=form.email.data,
                password=form.password.data,
            )
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
        else:
            flash(_("Account created for %(name)s.", name=teacher.full_name), "success")
            return redirect(url_for("schools.detail", school_id=school.id))
    return _detail_page(db, school, teacher_form=form), 422
