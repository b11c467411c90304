"""Pages of university quality assurance: the reviewers' queue and reviews, plans, the teachers'
own sampled decisions and actions, and the public endorsement credential."""

from functools import wraps

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from eduplatform import scope, uploads
from eduplatform.auth.access import login_required, roles_required
from eduplatform.clock import local_today
from eduplatform.credentials.views import _public_json, jwt_response, wants_jwt
from eduplatform.curriculum.models import Program, Unit
from eduplatform.dashboard import exports, present
from eduplatform.dashboard.periods import academic_year_of, local_now
from eduplatform.dashboard.service import term_label
from eduplatform.db import get_session
from eduplatform.errors import Conflict, Invalid
from eduplatform.extensions import limiter
from eduplatform.forms import apply_errors, choices
from eduplatform.i18n import current_language, translated
from eduplatform.ids import page_number
from eduplatform.navigation import NAV_PERMISSIONS
from eduplatform.people.models import Role, User
from eduplatform.quality import endorsement_status, figures, service
from eduplatform.quality.blueprint import bp
from eduplatform.quality.forms import AnswerActionForm, DisputeForm, PlanForm, ReviewSampleForm
from eduplatform.quality.labels import RULE_LABELS
from eduplatform.quality.models import SamplingPlan
from eduplatform.quality.plans import PLAN_FIELDS
from eduplatform.training.models import UnitCompletion
from eduplatform.workbooks import XLSX


def reviewer_required(view):
    """Signed in (else sent to sign in) and holding a quality reviewer's permission (else 403)."""

    @login_required
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not service.is_reviewer(get_session(), current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _sample_or_404(db, sample_id):
    return service.sample_for_reviewer(db, current_user, sample_id) or abort(404)


def _queue_filters(db):
    """The queue's filters from the URL; an id that names nothing of this university is 404."""
    schools, teachers, modules = service.queue_filters(db, actor=current_user)
    filters = {}
    for name, options in (("school", schools), ("teacher", teachers), ("module", modules)):
        raw = request.args.get(name, "").strip()
        if not raw:
            continue
        found = scope.chosen(raw, {o.id: o for o in options}, source="query", name=name, kind=name)
        if found is None:
            abort(404)  # unknown, malformed and another university's alike
        filters[f"{name}_id"] = found.id
    return filters, schools, teachers, modules


@bp.route("/quality/samples")
@reviewer_required
def queue():
    """Ready for sampling (or reviewed), oldest decision first, by school, teacher or module."""
    db = get_session()
    filters, schools, teachers, modules = _queue_filters(db)
    status = "reviewed" if request.args.get("status") == "reviewed" else "ready"
    page = page_number(request.args.get("page"))
    rows, total = service.reviewer_queue(db, actor=current_user, status=status, page=page,
                                         **filters)  # fmt: skip
    return render_template(
        "quality/queue.html", rows=rows, total=total, page=page, status=status,
        filters=filters, schools=schools, teachers=teachers, modules=modules,
    )  # fmt: skip


@bp.route("/quality/samples/<int:sample_id>", methods=["GET", "POST"])
@reviewer_required
def sample(sample_id):
    db = get_session()
    found = _sample_or_404(db, sample_id)
    form = ReviewSampleForm()
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        agrees = {"yes": True, "no": False}.get(form.agrees.data)
        try:
            _review, action = service.submit_review(
                db, actor=current_user, sample=found, agrees=agrees,
                rating=form.rating.data, feedback=form.feedback.data,
            )  # fmt: skip
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
            status = 422
        except Conflict as conflict:
            form.form_errors.append(str(conflict))
            status = 409
        else:
            flash(_("Review saved.") + (" " + _("An action was opened for the teacher.") if action
                                        else ""), "success")  # fmt: skip
            return redirect(url_for("quality.queue"))
    elif request.method == "POST":
        status = 422
    detail = service.sample_detail(db, found)
    return render_template("quality/sample.html", detail=detail, form=form), status


@bp.route("/quality/samples/<int:sample_id>/photo")
@reviewer_required
def sample_photo(sample_id):
    """The evidence photo, named by the sample's pseudonym (the stored photo carries no EXIF)."""
    db = get_session()
    found = _sample_or_404(db, sample_id)
    completion = db.get(UnitCompletion, found.completion_id)
    if not completion.photo_name:
        abort(404)
    suffix = {"image/png": ".png", "image/webp": ".webp"}.get(completion.photo_mime_type, ".jpg")
    return uploads.send_stored(
        completion.photo_name, completion.photo_mime_type, f"{found.pseudonym}{suffix}"
    )


@bp.route("/quality/my-samples")
@roles_required(Role.TEACHER)
def my_samples():
    """A teacher's own sampled decisions, the reviewers' feedback and the actions to answer."""
    db = get_session()
    return render_template(
        "quality/my_samples.html", rows=service.teacher_samples(db, actor=current_user)
    )


@bp.route("/quality/actions/<int:action_id>", methods=["GET", "POST"])
@roles_required(Role.TEACHER)
def action(action_id):
    db = get_session()
    found = service.action_for_teacher(db, current_user, action_id) or abort(404)
    form = AnswerActionForm()
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            service.answer_action(db, actor=current_user, action=found, response=form.response.data)
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
            status = 422
        except Conflict as conflict:
            form.form_errors.append(str(conflict))
            status = 409
        else:
            flash(_("Thank you: your answer was sent to the reviewer."), "success")
            return redirect(url_for("quality.my_samples"))
    elif request.method == "POST":
        status = 422
    row = service.teacher_sample_of_action(db, actor=current_user, action=found)
    return render_template("quality/action.html", row=row, action=found, form=form), status


@bp.route("/training/completions/<int:completion_id>/dispute", methods=["GET", "POST"])
@roles_required(Role.STUDENT)
def dispute(completion_id):
    """A student disputes their teacher's decision that sent their record back (once, within
    the plan's days); afterwards the page shows the dispute's state."""
    db = get_session()
    completion = db.get(UnitCompletion, completion_id)
    if not service.is_own_decision(current_user, completion):
        abort(404)  # another's record, one not sent back and an unknown id alike
    form = DisputeForm()
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            service.open_dispute(db, actor=current_user, completion=completion,
                                 reason=form.reason.data)  # fmt: skip
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
            status = 422
        except Conflict as conflict:
            form.form_errors.append(str(conflict))
            status = 409
        else:
            flash(_("Your dispute was sent. The university's reviewer will give a second "
                    "opinion; your teacher was told."), "success")  # fmt: skip
            return redirect(url_for("quality.dispute", completion_id=completion.id))
    elif request.method == "POST":
        status = 422
    teacher = db.get(User, completion.reviewer_id) if completion.reviewer_id else None
    return render_template(
        "quality/dispute.html", form=form, completion=completion, teacher=teacher,
        unit=db.get(Unit, completion.unit_id), found=service.dispute_of(db, completion.id),
        disputable=service.disputable(db, completion),
    ), status  # fmt: skip


@bp.route("/verify/<code>/endorsement")
@limiter.limit("60 per minute")
def endorsement_credential(code):
    """The university's endorsement of a certificate's achievement: an OB 3.0
    EndorsementCredential, JSON-LD with a Data Integrity proof or VC-JWT (`Accept`)."""
    db = get_session()
    certificate = service.find_certificate(db, code)
    found = service.certificate_endorsement(db, certificate) if certificate else None
    if found is None:
        abort(404)
    document = found.document(current_language())
    if wants_jwt():
        return jwt_response(service.sign_jwt(document))
    return _public_json(service.sign_document(document), max_age=0)


@bp.route("/credentials/endorsements/status/<int:list_id>")
def endorsement_status_list(list_id):
    """The endorsements' signed BitstringStatusListCredential: JSON-LD with a Data Integrity
    proof, or the VC-JWT (`Accept`). Never cached long: a withdrawal shows at once."""
    document = endorsement_status.status_list_document(get_session(), list_id)
    if document is None:
        abort(404)
    if wants_jwt():
        return jwt_response(service.sign_jwt(document))
    return _public_json(service.sign_document(document), max_age=0)


def _reviews(user):
    return service.is_reviewer(get_session(), user)


for _endpoint in ("quality.queue", "quality.figures_page"):
    NAV_PERMISSIONS[_endpoint] = _reviews


@bp.context_processor
def _calendar():
    return {"today": local_today(), "rule_labels": RULE_LABELS}


def _university_tables():
    grant = service.reviewer_grant(get_session(), current_user)
    return figures.university_tables(
        get_session(), university_id=grant.university_id, term_label=term_label
    )


@bp.route("/quality/figures")
@reviewer_required
def figures_page():
    """Per school and teacher: decisions sampled, agreement rate, open and overdue actions; the
    trend per term."""
    return render_template("quality/figures.html", tables=_university_tables(), cell=present.cell)


@bp.route("/quality/figures/<name>.<fmt>")
@reviewer_required
def figures_export(name, fmt):
    """One of the figures' tables as CSV or XLSX, like the dashboard's exports."""
    if name not in figures.TABLE_NAMES or fmt not in exports.FORMATS:
        abort(404)
    table = _university_tables()[name]
    now = local_now()
    file_name = exports.file_name(name, [], now, fmt, prefix="quality-")
    if fmt == "csv":
        response = Response(exports.csv_bytes(table), mimetype="text/csv")
    else:
        about = [
            (_("Table"), table.title),
            (_("Exported at"), now),
            (_("Time zone"), exports.zone_text(now)),
            (_("Note"), table.note or ""),
        ]
        response = Response(exports.xlsx_bytes(table, about), mimetype=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# Sampling plans: a reviewer sets their university's rules per programme and term.


def _plan_or_404(db, plan_id):
    plan = db.get(SamplingPlan, plan_id)
    if plan is None or plan.university_id != service.plan_university(db, current_user):
        abort(404)
    return plan


def _plan_form(db, plan=None):
    form = PlanForm(obj=plan) if request.method == "GET" and plan else PlanForm()
    form.program_id.choices = choices(
        (p.id, f"{p.code} · {translated(p.title, current_language()) or p.code}")
        for p in db.exec(select(Program).order_by(Program.code)).all()
    )
    today = local_today()
    this_year = academic_year_of(today)
    start = int(this_year[:4])
    form.academic_year.choices = choices(
        (f"{year}/{year + 1}", f"{year}/{year + 1}") for year in range(start - 1, start + 2)
    )
    if request.method == "GET" and plan is None:
        form.academic_year.data = this_year
        form.term.data = "1" if today.month >= 7 else "2"
        form.agreement_threshold.data = "80"
    return form


def _plan_values(form):
    return {name: getattr(form, name).data for name in (*PLAN_FIELDS, "program_id",
                                                        "academic_year", "term")}  # fmt: skip


@bp.route("/quality/plans")
@reviewer_required
def plans():
    db = get_session()
    university_id = service.plan_university(db, current_user)
    rows = service.plans_of(db, university_id)
    programs = {p.id: p for p in db.exec(select(Program)).all()}
    return render_template("quality/plans.html", plans=rows, programs=programs)


@bp.route("/quality/plans/new", methods=["GET", "POST"])
@reviewer_required
def new_plan():
    db = get_session()
    form = _plan_form(db)
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            service.create_plan(db, actor=current_user, values=_plan_values(form))
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
            status = 422
        else:
            flash(_("Sampling plan saved."), "success")
            return redirect(url_for("quality.plans"))
    elif request.method == "POST":
        status = 422
    return render_template("quality/plan_form.html", form=form, plan=None), status


@bp.route("/quality/plans/<int:plan_id>", methods=["GET", "POST"])
@reviewer_required
def edit_plan(plan_id):
    db = get_session()
    plan = _plan_or_404(db, plan_id)
    form = _plan_form(db, plan)
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            service.update_plan(db, actor=current_user, plan=plan, values=_plan_values(form))
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
            status = 422
        else:
            flash(_("Sampling plan saved."), "success")
            return redirect(url_for("quality.plans"))
    elif request.method == "POST":
        status = 422
    return render_template("quality/plan_form.html", form=form, plan=plan), status
