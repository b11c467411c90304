"""School pages for the education office: list, enrol, edit, teachers, deactivate."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eduplatform import scope
from eduplatform.auth.access import roles_required
from eduplatform.db import get_session
from eduplatform.errors import Conflict, Invalid
from eduplatform.forms import ConfirmForm, apply_errors
from eduplatform.people import cohorts, schools, staffing
from eduplatform.people.loaders import load_school
from eduplatform.people.memberships import school_ids
from eduplatform.people.models import Role, User
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
    teachers = staffing.school_teachers(db, school.id)
    return render_template(
        "people/school.html",
        school=school,
        teachers=teachers,
        other_schools=staffing.other_schools(db, [t.id for t, _m in teachers], school.id),
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
    if not active and school.active and request.form.get("confirm") != "1":
        return render_template(  # ask once, naming what it means
            "people/confirm_deactivate_school.html",
            preview=schools.deactivation_preview(db, school),
            form=ConfirmForm(),
        )
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
            teacher = staffing.assign_teacher(
                db, actor=current_user, school=school, email=form.email.data
            )
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
        else:
            flash(
                _(
                    "%(name)s now also teaches at this school; their other schools and "
                    "classes stay.",
                    name=teacher.full_name,
                ),
                "success",
            )
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


def _school_teacher(db, school, teacher_id):
    """A teacher who belongs to this school, or 404."""
    teacher = db.get(User, teacher_id)
    if teacher is None or teacher.role != Role.TEACHER:
        abort(404)
    if school.id not in school_ids(teacher, db):
        abort(404)
    return teacher


@bp.route("/<int:school_id>/teachers/<int:teacher_id>/remove", methods=["GET", "POST"])
@roles_required(*OFFICE_ROLES)
def remove_teacher(school_id, teacher_id):
    """Ask first, naming the classes that lose the teacher; then take the school from them."""
    db = get_session()
    school = load_school(db, school_id)
    teacher = _school_teacher(db, school, teacher_id)
    form = ConfirmForm()
    removal = staffing.removal_preview(db, teacher=teacher, school=school)
    if form.validate_on_submit() and not removal.only_school:
        confirmed = [cohort.id for cohort in scope.form_ids("cohort")]
        try:
            staffing.remove_teacher(
                db,
                actor=current_user,
                teacher=teacher,
                school=school,
                confirmed_cohort_ids=confirmed,
            )
        except Conflict as conflict:
            db.rollback()
            flash(str(conflict), "warning")
            removal = staffing.removal_preview(db, teacher=teacher, school=school)
        else:
            flash(
                _(
                    "%(name)s no longer teaches at %(school)s.",
                    name=teacher.full_name,
                    school=school.name,
                ),
                "success",
            )
            return redirect(url_for("schools.detail", school_id=school.id))
    return render_template(
        "people/remove_teacher.html",
        school=school,
        teacher=teacher,
        removal=removal,
        form=form,
        others=staffing.other_schools(db, [teacher.id], school.id)[teacher.id],
    )


@bp.route("/<int:school_id>/teachers/<int:teacher_id>/reactivate", methods=["GET", "POST"])
@roles_required(*OFFICE_ROLES)
def reactivate_teacher(school_id, teacher_id):
    """A deactivated teacher of the school (or one whose invitation was withdrawn): ask once,
    saying who deactivated them and what reactivating does; then reactivate or invite again."""
    db = get_session()
    school = load_school(db, school_id)
    teacher = _school_teacher(db, school, teacher_id)
    form = ConfirmForm()
    if form.validate_on_submit() and staffing.inactive_state(teacher) is not None:
        try:
            state = staffing.reactivate_teacher(
                db, actor=current_user, teacher=teacher, school=school
            )
        except Invalid as refused:
            db.rollback()
            flash(str(refused.errors[0]["message"]), "error")
        else:
            flash(
                _("A new invitation was sent to %(email)s.", email=teacher.email)
                if state == staffing.INVITATION_WITHDRAWN
                else _("%(name)s was reactivated.", name=teacher.full_name),
                "success",
            )
            return redirect(url_for("schools.detail", school_id=school.id, _anchor="teachers"))
    return render_template(
        "people/reactivate_teacher.html",
        school=school,
        teacher=teacher,
        state=staffing.inactive_state(teacher),
        deactivation=staffing.last_deactivation(db, teacher),
        others=staffing.other_schools(db, [teacher.id], school.id)[teacher.id],
        form=form,
    )
