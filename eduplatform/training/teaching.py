"""Teachers' pages: the verification queue, reviewing records, class progress, a student."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from eduplatform.auth.access import login_required, require_school, roles_required, school_scope
from eduplatform.curriculum.models import Module, Unit
from eduplatform.db import get_session
from eduplatform.errors import Conflict, Invalid
from eduplatform.forms import apply_errors
from eduplatform.people.models import Cohort, Role, User
from eduplatform.training import service
from eduplatform.training.forms import ConsentForm, ReviewForm
from eduplatform.training.progress import unit_context
from eduplatform.training.views import completion_or_404

bp = Blueprint("teaching", __name__, url_prefix="/training")

REVIEWERS = (Role.TEACHER, Role.ADMIN)
WATCHERS = (Role.TEACHER, Role.OFFICE, Role.ADMIN)


def _cohort_or_404(db, cohort_id):
    cohort = db.get(Cohort, cohort_id) or abort(404)
    require_school(current_user, cohort.school_id)
    return cohort


def _student_or_404(db, student_id):
    student = db.get(User, student_id)
    if student is None or student.role != Role.STUDENT:
        abort(404)
    require_school(current_user, student.organization_id)
    return student


# The verification queue and reviews.


def _queue_filters():
    args = request.args
    return {
        "cohort_id": args.get("cohort", type=int),
        "module_id": args.get("module", type=int),
        "student_id": args.get("student", type=int),
    }


@bp.route("/verification")
@roles_required(*REVIEWERS)
def queue():
    db = get_session()
    page = max(request.args.get("page", 1, type=int), 1)
    filters = _queue_filters()
    scope = school_scope(current_user)
    rows, total = service.review_queue(db, school_id=scope, page=page, **filters)
    cohorts = [c for c, _n in service.cohorts_in_scope(db, school_id=scope)]
    students = service.active_students(db, filters["cohort_id"]) if filters["cohort_id"] else []
    return render_template(
        "training/queue.html",
        rows=rows,
        total=total,
        page=page,
        filters=filters,
        cohorts=cohorts,
        modules=db.exec(select(Module).order_by(Module.position, Module.code)).all(),
        students=students,
    )


@bp.route("/verification/approve", methods=["POST"])
@roles_required(*REVIEWERS)
def approve_selected():
    """Step one lists the chosen records for confirmation; step two (confirm=1) approves them."""
    db = get_session()
    ids = [int(i) for i in request.form.getlist("completion") if i.isdigit()]
    if not ids:
        flash(_("Choose at least one record."), "warning")
        return redirect(url_for("teaching.queue"))
    rows, _total = service.review_queue(
        db, school_id=school_scope(current_user), ids=ids, per_page=len(ids)
    )
    if request.form.get("confirm") != "1":
        return render_template("training/confirm_approve.html", rows=rows)
    result = service.approve_many(db, actor=current_user, completions=[r.completion for r in rows])
    flash(_("%(count)d records verified.", count=len(result.approved)), "success")
    if result.skipped or len(rows) < len(ids):
        flash(
            _(
                "%(count)d records were already reviewed by someone else and were skipped.",
                count=len(result.skipped) + len(ids) - len(rows),
            ),
            "warning",
        )
    if result.certificates:
        flash(_("%(count)d certificates issued.", count=len(result.certificates)), "success")
    return redirect(url_for("teaching.queue"))


@bp.route("/completions/<int:completion_id>", methods=["GET", "POST"])
@login_required
def review(completion_id):
    """One record with its evidence; its school's teachers verify or reject it here."""
    db = get_session()
    completion = completion_or_404(db, completion_id)  # the student, school, office, admin
    may_review = service.can_review(db, current_user, completion)
    form = ReviewForm()
    if request.method == "POST":
        if not may_review:
            abort(403)
        decision = request.form.get("decision")
        try:
            if decision == "reject":
                service.reject_completion(
                    db, actor=current_user, completion=completion, feedback=form.feedback.data
                )
                flash(_("Sent back to the student with your feedback."), "success")
            else:
                certificate = service.approve_completion(
                    db, actor=current_user, completion=completion, feedback=form.feedback.data
                )
                flash(_("Verified."), "success")
                if certificate:
                    flash(
                        _(
                            "The module is complete: certificate %(code)s issued.",
                            code=certificate.code,
                        ),
                        "success",
                    )
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
        except Conflict as conflict:
            flash(str(conflict), "error")
            return redirect(url_for("teaching.review", completion_id=completion.id))
        else:
            return redirect(_next_to_review(db))
    unit = db.get(Unit, completion.unit_id)
    version, module = unit_context(db, unit)
    return render_template(
        "training/review.html",
        form=form,
        completion=completion,
        unit=unit,
        module=module,
        student=db.get(User, completion.student_id),
        cohort=db.get(Cohort, completion.cohort_id),
        reviewer=db.get(User, completion.reviewer_id) if completion.reviewer_id else None,
        may_review=may_review,
    ), (422 if form.errors else 200)


def _next_to_review(db):
    """The oldest record still waiting in the teacher's school, or the queue when none is left:
    a teacher going through the morning's photos goes from one to the next."""
    rows, _total = service.review_queue(db, school_id=school_scope(current_user), per_page=1)
    if rows:
        return url_for("teaching.review", completion_id=rows[0].completion.id)
    return url_for("teaching.queue")


# Progress: cohorts, the matrix, one student.


@bp.route("/progress")
@roles_required(*WATCHERS)
def progress():
    db = get_session()
    cohorts = service.cohorts_in_scope(db, school_id=school_scope(current_user))
    return render_template("training/progress.html", cohorts=cohorts)


@bp.route("/progress/cohorts/<int:cohort_id>")
@roles_required(*WATCHERS)
def cohort_matrix(cohort_id):
    db = get_session()
    cohort = _cohort_or_404(db, cohort_id)
    modules = service.cohort_modules(db, cohort)
    chosen = request.args.get("module", type=int)
    module, version = next(
        ((m, v) for m, v in modules if m.id == chosen), modules[0] if modules else (None, None)
    )
    students = service.active_students(db, cohort.id)
    units, grid = service.cohort_matrix(
        db, cohort=cohort, version=version, student_ids=[s.id for s in students]
    )
    return render_template(
        "training/matrix.html",
        cohort=cohort,
        modules=modules,
        module=module,
        version=version,
        units=units,
        students=students,
        grid=grid,
        UnitState=service.UnitState,
    )


@bp.route("/progress/students/<int:student_id>")
@roles_required(*WATCHERS)
def student(student_id):
    db = get_session()
    return _student_page(db, _student_or_404(db, student_id), ConsentForm())


def _student_page(db, student, consent_form):
    _enrollment, cohort = service.student_cohort(db, student)
    modules = []
    if cohort is not None:
        modules = service.student_progress(db, student_id=student.id, cohort=cohort)
    passport = service.passport_of(db, student.id)
    return render_template(
        "training/student.html",
        student=student,
        cohort=cohort,
        modules=modules,
        UnitState=service.UnitState,
        passport=passport,
        needs_consent=service.needs_consent(student, service.local_today()),
        has_consent=service.has_consent(passport),
        may_record_consent=current_user.role in REVIEWERS,
        consent_form=consent_form,
    ), (422 if consent_form.errors or consent_form.form_errors else 200)


@bp.route("/progress/students/<int:student_id>/consent", methods=["POST"])
@roles_required(*REVIEWERS)
def record_consent(student_id):
    """The student's teacher records a parent's or guardian's signed consent to the passport."""
    db = get_session()
    student = _student_or_404(db, student_id)
    form = ConsentForm()
    if form.validate_on_submit():
        try:
            service.record_consent(
                db,
                actor=current_user,
                student=student,
                guardian_name=form.guardian_name.data,
                relationship=form.relationship.data,
                confirmed=form.confirmed.data,
            )
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
        else:
            flash(_("The guardian's consent is recorded."), "success")
            return redirect(url_for("teaching.student", student_id=student.id, _anchor="consent"))
    return _student_page(db, student, form)
