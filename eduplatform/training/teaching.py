"""Teachers' pages: the verification queue, reviewing records, class progress, a student."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlmodel import col, select

from eduplatform import scope, uploads
from eduplatform.auth.access import login_required, roles_required, school_scope
from eduplatform.curriculum.models import Module, Unit
from eduplatform.dashboard.cache import RenderCache
from eduplatform.db import get_session
from eduplatform.errors import Conflict, Invalid
from eduplatform.forms import apply_errors
from eduplatform.i18n import current_language, translated
from eduplatform.ids import page_arg
from eduplatform.people.models import Cohort, Organization, Role, User
from eduplatform.training import service, standing
from eduplatform.training.forms import BulkApproveForm, ConsentForm, ReviewForm
from eduplatform.training.models import UnitCompletion
from eduplatform.training.progress import unit_context
from eduplatform.training.signals import panels_of

bp = Blueprint("teaching", __name__, url_prefix="/training")

REVIEWERS = (Role.TEACHER, Role.ADMIN)
WATCHERS = (Role.TEACHER, Role.OFFICE, Role.ADMIN)


def _school_names(db):
    """{school id: name} when the teacher has several schools (pages then name the school)."""
    scope = school_scope(current_user)
    if scope is None or len(scope) < 2:
        return {}
    rows = db.exec(select(Organization).where(col(Organization.id).in_(sorted(scope)))).all()
    return {school.id: school.name for school in rows}


# The verification queue and reviews.

# The queue's module filter lists them all (built once: building a statement costs about as
# much as running it).
ALL_MODULES = select(Module).order_by(Module.position, Module.code)


def _queue_filters():
    """The queue's filters: each id through the scope guard (404 when unknown or not yours)."""
    found = {
        "cohort_id": scope.query_id("cohort"),
        "module_id": scope.query_id("module"),
        "student_id": scope.query_id("student"),
    }
    return {key: item.id if item is not None else None for key, item in found.items()}


def _filter_args(filters):
    """The queue's filters as URL arguments, so that a review leads on within the same filter."""
    names = {"cohort_id": "cohort", "module_id": "module", "student_id": "student"}
    return {names[key]: value for key, value in filters.items() if value}


def thumbnail_url(completion):
    if not completion.photo_name:
        return None
    return url_for(
        "training.completion_thumbnail",
        completion_id=completion.id,
        v=uploads.thumbnail_version(completion.photo_name),
    )


# Rows of the queue kept per process: a city's teachers' first pages (about 50 rows each), in
# the languages they read them in; a row is about 1.5 KB.
QUEUE_ROWS_KEPT = 2048
QUEUE_ROW = "training/_queue_row.html"


def queue_rows(rows, filter_args, school_names):
    """The queue's rows as HTML, each rendered once per process and kept under a key holding
    everything it shows: the record (its dates, hours and photo), the student's name, the class,
    the school, the unit's code and title, the page's language and the filters its links keep.
    A record awaiting review changes only through what the key holds, so a row is never stale;
    fifty rows were most of the page's cost, and the queue is read again and again."""
    cache = current_app.extensions.get("teaching.queue_rows")
    if cache is None:
        cache = current_app.extensions["teaching.queue_rows"] = RenderCache(QUEUE_ROWS_KEPT)
    shared = (current_language(), tuple(sorted(filter_args.items())), request.script_root)
    macro, shown = None, []
    for row in rows:
        completion, unit = row.completion, row.unit
        school = school_names.get(row.cohort.school_id) if school_names else None
        key = (
            completion.id, completion.photo_name, completion.performed_on, completion.created_at,
            completion.hours, row.student.full_name, row.cohort.name, school, unit.code,
            tuple(sorted((unit.title or {}).items())), *shared,
        )  # fmt: skip
        html = cache.get(key)
        if html is None:
            if macro is None:
                module = current_app.jinja_env.get_template(QUEUE_ROW)
                macro = module.make_module({"tr": translated}).queue_row
            review_url = url_for("teaching.review", completion_id=completion.id, **filter_args)
            html = macro(row, review_url, thumbnail_url(completion), school)
            cache.put(key, html)
        shown.append(html)
    return shown


@bp.route("/verification")
@roles_required(*REVIEWERS)
def queue():
    db = get_session()
    page = page_arg()
    filters = _queue_filters()
    scope = school_scope(current_user)
    rows, total = service.review_queue(db, school_ids=scope, page=page, **filters)
    cohorts = [c for c, _n in service.cohorts_in_scope(db, school_ids=scope)]
    students = service.active_students(db, filters["cohort_id"]) if filters["cohort_id"] else []
    filter_args, school_names = _filter_args(filters), _school_names(db)
    return render_template(
        "training/queue.html",
        rows=rows,
        row_html=queue_rows(rows, filter_args, school_names),
        total=total,
        page=page,
        filters=filters,
        filter_args=filter_args,
        cohorts=cohorts,
        modules=db.exec(ALL_MODULES).all(),
        students=students,
        form=BulkApproveForm(),
        school_names=school_names,
    )


@bp.route("/verification/approve", methods=["POST"])
@roles_required(*REVIEWERS)
def approve_selected():
    """Step one lists the chosen records for confirmation; step two (confirm=1) approves them."""
    db = get_session()
    ids = [completion.id for completion in scope.form_ids("completion")]
    if not ids:
        flash(_("Choose at least one record."), "warning")
        return redirect(url_for("teaching.queue"))
    rows, _total = service.review_queue(
        db, school_ids=school_scope(current_user), ids=ids, per_page=len(ids)
    )
    form = BulkApproveForm()
    if request.form.get("confirm") != "1":
        return render_template("training/confirm_approve.html", rows=rows, form=form)
    try:
        result = service.approve_many(
            db,
            actor=current_user,
            completions=[r.completion for r in rows],
            criteria_checked=form.criteria_checked.data,
        )
    except Invalid as refused:
        db.rollback()
        apply_errors(form, refused)
        return render_template("training/confirm_approve.html", rows=rows, form=form), 422
    verified = len(result.approved)
    flash(ngettext("%(num)d record verified.", "%(num)d records verified.", verified), "success")
    skipped = len(result.skipped) + len(ids) - len(rows)
    if skipped:
        flash(
            ngettext(
                "%(num)d record was already reviewed by someone else and was skipped.",
                "%(num)d records were already reviewed by someone else and were skipped.",
                skipped,
            ),
            "warning",
        )
    if result.certificates:
        issued = len(result.certificates)
        flash(
            ngettext("%(num)d certificate issued.", "%(num)d certificates issued.", issued),
            "success",
        )
    return redirect(url_for("teaching.queue"))


@bp.route("/completions/<int:completion_id>", methods=["GET", "POST"])
@login_required
def review(completion_id):
    """One record with its evidence; its school's teachers verify or reject it here."""
    db = get_session()
    completion, cohort, student = _record_or_404(db, completion_id)
    may_review = service.can_review(db, current_user, completion)
    unit = db.get(Unit, completion.unit_id)
    filters = _queue_filters()
    form = ReviewForm()
    if request.method == "POST":
        if not may_review:
            abort(403)
        try:
            _decide(db, form, completion, unit, student)
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
        except Conflict as conflict:
            flash(str(conflict), "error")
            return redirect(
                url_for("teaching.review", completion_id=completion.id, **_filter_args(filters))
            )
        else:
            return redirect(_next_to_review(db, filters))
    version, module = unit_context(db, unit)
    waiting = None
    if may_review:
        _none, waiting = service.review_queue(
            db, school_ids=school_scope(current_user), per_page=0, **filters
        )
    return render_template(
        "training/review.html",
        form=form,
        completion=completion,
        unit=unit,
        module=module,
        student=student,
        cohort=cohort,
        reviewer=db.get(User, completion.reviewer_id) if completion.reviewer_id else None,
        ticks=service.criteria_ticks(db, [completion.id]).get(completion.id, {}),
        ticked=set(form.criteria.data or ()),
        may_review=may_review,
        waiting=waiting,
        filter_args=_filter_args(filters),
        school_names=_school_names(db),
        panels=panels_of(completion, db, current_user),
    ), (422 if form.errors else 200)


def _record_or_404(db, completion_id):
    """(record, its class, its student) for the student, the school's teachers, the office and
    admins, else 404. The class and the student are read first and held here: the scope checks
    and the page then take them from the Session (which forgets an object nobody holds, and
    would read it again for each of them)."""
    completion = db.get(UnitCompletion, completion_id) or abort(404)
    cohort = db.get(Cohort, completion.cohort_id)
    student = db.get(User, completion.student_id)
    if not service.can_see_completion(db, current_user, completion):
        abort(404)
    return completion, cohort, student


def _decide(db, form, completion, unit, student):
    """Verify or reject as the form asks; the confirmation names whose unit it was."""
    names = {"unit": unit.code, "name": student.full_name}
    if request.form.get("decision") == "reject":
        service.reject_completion(
            db,
            actor=current_user,
            completion=completion,
            feedback=form.feedback.data,
            criteria_met=form.criteria.data or (),
        )
        flash(_("%(unit)s of %(name)s sent back with your feedback.", **names), "success")
        return
    certificate = service.approve_completion(
        db,
        actor=current_user,
        completion=completion,
        feedback=form.feedback.data,
        criteria_met=form.criteria.data or (),
        override_reason=form.override_reason.data,
    )
    flash(_("%(unit)s of %(name)s verified.", **names), "success")
    if certificate:
        flash(
            _("The module is complete: certificate %(code)s issued.", code=certificate.code),
            "success",
        )


def _next_to_review(db, filters):
    """The oldest record still waiting (within the queue's filters), or the queue when none is
    left: a teacher going through the morning's photos goes from one to the next."""
    oldest = service.oldest_waiting(db, school_ids=school_scope(current_user), **filters)
    args = _filter_args(filters)
    if oldest is not None:
        return url_for("teaching.review", completion_id=oldest, **args)
    return url_for("teaching.queue", **args)


# Progress: cohorts, the matrix, one student.


@bp.route("/progress")
@roles_required(*WATCHERS)
def progress():
    db = get_session()
    cohorts = service.cohorts_in_scope(db, school_ids=school_scope(current_user))
    return render_template(
        "training/progress.html", cohorts=cohorts, school_names=_school_names(db)
    )


@bp.route("/progress/cohorts/<int:cohort_id>")
@roles_required(*WATCHERS)
def cohort_matrix(cohort_id):
    """The class across all its modules (who is behind), or one module unit by unit."""
    db = get_session()
    cohort = scope.load("cohort", cohort_id, source="path")
    chosen = scope.query_id("module")
    if chosen is None:
        return _class_standing(db, cohort)
    modules = service.cohort_modules(db, cohort)
    module, version = next(
        ((m, v) for m, v in modules if m.id == chosen.id), modules[0] if modules else (None, None)
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


def _class_standing(db, cohort):
    sort = request.args.get("sort", "name")
    if sort not in standing.SORTS:
        sort = "name"
    today = service.local_today()
    return render_template(
        "training/class_progress.html",
        cohort=cohort,
        standing=standing.class_standing(db, cohort=cohort, today=today, sort=sort),
        sort=sort,
        today=today,
        rule=standing,
    )


@bp.route("/progress/students/<int:student_id>")
@roles_required(*WATCHERS)
def student(student_id):
    db = get_session()
    return _student_page(db, scope.load("student", student_id, source="path"), ConsentForm())


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
    student = scope.load("student", student_id, source="path")
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
