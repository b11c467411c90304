"""Class pages for teachers and the office: classes, their students, student profiles."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import col, select

from eduplatform import scope as scoped
from eduplatform.auth.access import in_scope, roles_required, school_scope
from eduplatform.curriculum.models import Program
from eduplatform.db import get_session
from eduplatform.errors import Invalid
from eduplatform.forms import apply_errors, choices
from eduplatform.i18n import translated
from eduplatform.people import activation, cohorts, schools
from eduplatform.people.cohort_forms import CohortForm, EnrolForm, MoveForm
from eduplatform.people.loaders import CLASS_ROLES, load_cohort, load_school, load_student
from eduplatform.people.models import Cohort, EnrollmentStatus, Organization, User

bp = Blueprint("cohorts", __name__)


@bp.route("/classes/")
@roles_required(*CLASS_ROLES)
def index():
    db = get_session()
    scope = school_scope(current_user)
    school = scoped.query_id("school")  # 404 when unknown or not the user's
    query = select(Cohort).where(in_scope(current_user, Cohort.school_id))
    if school:
        query = query.where(Cohort.school_id == school.id)
    classes = db.exec(query.order_by(col(Cohort.academic_year).desc(), Cohort.name)).all()
    ids = [c.id for c in classes]
    return render_template(
        "people/cohorts.html",
        cohorts=classes,
        cohort_teachers=cohorts.cohort_teachers(db, ids),
        counts=schools.active_enrollment_counts(db, ids),
        show_school=scope is None or len(scope) > 1,
        school_names={s.id: s.name for s in db.exec(select(Organization)).all()},
    )


def _program_label(program):
    title = translated(program.title)
    return f"{program.code} — {title}" if title else program.code


def _fill_choices(db, form, school_id):
    form.program_id.choices = choices(
        ((p.id, _program_label(p)) for p in cohorts.programs(db)), blank="—"
    )
    teachers = schools.school_teachers(db, school_id)
    form.teachers.choices = choices((t.id, t.full_name) for t in teachers if t.active)
    return {t.id: t for t in teachers}


def _cohort_values(form, teachers):
    return {
        "name": form.name.data,
        "academic_year": form.academic_year.data,
        "program_id": getattr(
            scoped.find("program", form.program_id.data, source="form", name="program_id"),
            "id",
            None,
        ),
        # the school's own teachers only (the choices): another id is refused as not offered
        "teachers": [
            teachers[t.id]
            for i in form.teachers.data or []
            if (t := scoped.find("teacher", i, source="form", name="teachers")) and t.id in teachers
        ],
    }


@bp.route("/classes/new", methods=["GET", "POST"])
@roles_required(*CLASS_ROLES)
def create():
    db = get_session()
    scope = school_scope(current_user)
    school = scoped.query_id("school")  # 404 when unknown or not the user's
    if school is None and scope is not None and len(scope) == 1:
        (school_id,) = scope
        school = load_school(db, school_id)
    if school is None:  # the office, or a teacher of several schools: which school's class?
        choices_ = [s for s in schools.active_schools(db) if scope is None or s.id in scope]
        return render_template("people/cohort_school.html", schools=choices_)
    form = CohortForm()
    teachers = _fill_choices(db, form, school.id)
    if request.method == "GET" and current_user.id in teachers:
        form.teachers.data = [current_user.id]
    if form.validate_on_submit():
        try:
            cohort = cohorts.create_cohort(
                db, actor=current_user, school=school, **_cohort_values(form, teachers)
            )
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
        else:
            flash(_("The class %(name)s was created.", name=cohort.name), "success")
            return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
    return render_template("people/cohort_form.html", form=form, school=school, cohort=None)


@bp.route("/classes/<int:cohort_id>/edit", methods=["GET", "POST"])
@roles_required(*CLASS_ROLES)
def edit(cohort_id):
    db = get_session()
    cohort = load_cohort(db, cohort_id)
    school = db.get(Organization, cohort.school_id)
    current = cohorts.cohort_teachers(db, [cohort.id])[cohort.id]
    form = CohortForm(
        name=cohort.name,
        academic_year=cohort.academic_year,
        program_id=str(cohort.program_id or ""),
        teachers=[t.id for t in current],
    )
    teachers = _fill_choices(db, form, school.id)
    if form.validate_on_submit():
        try:
            cohorts.update_cohort(
                db, actor=current_user, cohort=cohort, **_cohort_values(form, teachers)
            )
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
    return render_template("people/cohort_form.html", form=form, school=school, cohort=cohort)


@bp.route("/classes/<int:cohort_id>")
@roles_required(*CLASS_ROLES)
def detail(cohort_id):
    db = get_session()
    return _detail_page(db, load_cohort(db, cohort_id))


def _detail_page(db, cohort, enrol_form=None):
    roster = cohorts.cohort_roster(db, cohort.id)
    program = db.get(Program, cohort.program_id) if cohort.program_id else None
    return render_template(
        "people/cohort.html",
        cohort=cohort,
        school=db.get(Organization, cohort.school_id),
        program=_program_label(program) if program else None,
        teachers=cohorts.cohort_teachers(db, [cohort.id])[cohort.id],
        roster=roster,
        awaiting=activation.awaiting_activation(
            db, [student.id for _enrollment, student in roster]
        ),
        enrol_form=enrol_form or EnrolForm(),
    )


@bp.route("/classes/<int:cohort_id>/enrol", methods=["POST"])
@roles_required(*CLASS_ROLES)
def enrol(cohort_id):
    db = get_session()
    cohort = load_cohort(db, cohort_id)
    form = EnrolForm()
    if form.validate_on_submit():
        nisn = form.nisn.data.strip()
        student = db.exec(select(User).where(User.nisn == nisn)).first()
        try:
            cohorts.enroll_student(db, actor=current_user, cohort=cohort, student=student)
        except Invalid as refused:
            db.rollback()
            form.nisn.errors.extend(e["message"] for e in refused.errors)
        else:
            flash(_("%(name)s joined the class.", name=student.full_name), "success")
            return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
    return _detail_page(db, cohort, enrol_form=form), 422


@bp.route("/students/<int:student_id>")
@roles_required(*CLASS_ROLES)
def student(student_id):
    db = get_session()
    return _student_page(db, load_student(db, student_id))


def _move_form(db, student, form=None):
    """The form to move a student to another class of the school (or enrol them in one)."""
    current = cohorts.active_enrollment(db, student.id)
    options = cohorts.school_cohorts(
        db, student.organization_id, exclude_id=current.cohort_id if current else None
    )
    form = form or MoveForm()
    form.cohort_id.choices = choices((c.id, f"{c.name} ({c.academic_year})") for c in options)
    return form


def _student_page(db, student, move_form=None):
    history = cohorts.student_history(db, student.id)
    return render_template(
        "people/student.html",
        student=student,
        school=db.get(Organization, student.organization_id),
        history=history,
        current=next((e for e, _ in history if e.status == EnrollmentStatus.ACTIVE), None),
        move_form=move_form or _move_form(db, student),
        awaiting=activation.awaiting_activation(db, [student.id]),
    )


@bp.route("/students/<int:student_id>/move", methods=["POST"])
@roles_required(*CLASS_ROLES)
def move(student_id):
    db = get_session()
    student = load_student(db, student_id)
    form = _move_form(db, student)
    if form.validate_on_submit():
        target = scoped.load("cohort", form.cohort_id.data, source="form", name="cohort_id")
        try:
            if cohorts.active_enrollment(db, student.id) is None:
                cohorts.enroll_student(db, actor=current_user, cohort=target, student=student)
            else:
                cohorts.move_student(db, actor=current_user, student=student, to_cohort=target)
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
        else:
            message = _(
                "%(name)s is now in %(cohort)s.", name=student.full_name, cohort=target.name
            )
            flash(message, "success")
            return redirect(url_for("cohorts.student", student_id=student.id))
    return _student_page(db, student, move_form=form), 422


@bp.route("/students/<int:student_id>/withdraw", methods=["POST"])
@roles_required(*CLASS_ROLES)
def withdraw(student_id):
    db = get_session()
    student = load_student(db, student_id)
    try:
        cohorts.withdraw_student(db, actor=current_user, student=student)
    except Invalid as refused:
        db.rollback()
        flash(refused.errors[0]["message"], "error")
    else:
        flash(_("%(name)s was withdrawn from the class.", name=student.full_name), "success")
    return redirect(url_for("cohorts.student", student_id=student.id))
