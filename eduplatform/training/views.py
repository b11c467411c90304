"""Students' training pages (home, logging a unit, passport settings) and certificates.

The teachers' pages are in teaching.py, the pages open to anyone in public.py.
"""

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from eduplatform import uploads
from eduplatform.auth.access import login_required, roles_required
from eduplatform.curriculum.models import Unit
from eduplatform.db import get_session
from eduplatform.errors import Conflict, Invalid
from eduplatform.forms import apply_errors
from eduplatform.i18n import current_language
from eduplatform.people.models import Role
from eduplatform.training import service
from eduplatform.training.forms import ConsentForm, LogUnitForm, RevokeForm
from eduplatform.training.models import UnitCompletion
from eduplatform.training.pdf import certificate_pdf
from eduplatform.training.progress import unit_context

bp = Blueprint("training", __name__)

CERTIFICATE_READERS = (Role.STUDENT, Role.TEACHER, Role.OFFICE, Role.ADMIN)


def student_home(organization):
    """The student's home: modules of their class in the versions it follows, unit by unit."""
    db = get_session()
    _enrollment, cohort = service.student_cohort(db, current_user)
    modules = []
    if cohort is not None:
        modules = service.student_progress(db, student_id=current_user.id, cohort=cohort)
    return render_template(
        "training/home_student.html",
        organization=organization,
        cohort=cohort,
        modules=modules,
    )


def completion_or_404(db, completion_id):
    completion = db.get(UnitCompletion, completion_id)
    if completion is None or not service.can_see_completion(db, current_user, completion):
        abort(404)
    return completion


def _certificate_or_404(db, code):
    certificate = service.find_certificate(db, code)
    if certificate is None or not service.can_see_certificate(current_user, certificate):
        abort(404)
    return certificate


@bp.route("/training/units/<int:unit_id>/log", methods=["GET", "POST"])
@roles_required(Role.STUDENT)
def log_unit(unit_id):
    db = get_session()
    unit = db.get(Unit, unit_id) or abort(404)
    _enrollment, cohort = service.student_cohort(db, current_user)
    if cohort is None or not service.unit_in_cohort(db, cohort, unit):
        abort(404)
    _version, module = unit_context(db, unit)
    progress = service.unit_progress(db, student_id=current_user.id, cohort=cohort, unit=unit)
    form = LogUnitForm()
    if request.method == "GET":
        form.performed_on.data = service.local_today()
    if form.validate_on_submit():
        photo = form.photo.data
        try:
            service.log_completion(
                db,
                actor=current_user,
                unit=unit,
                performed_on=form.performed_on.data,
                hours=form.hours.data,
                note=form.note.data,
                photo=photo.stream if photo and photo.filename else None,
            )
        except Invalid as refused:
            apply_errors(form, refused)
        except Conflict as conflict:
            form.form_errors.append(str(conflict))
        else:
            flash(_("Saved. Your teacher will review it."), "success")
            # ?open= opens that module's <details> (an anchor alone cannot, without JavaScript).
            return redirect(url_for("core.home", open=module.id, _anchor=f"module-{module.id}"))
    return render_template(
        "training/log_unit.html",
        form=form,
        unit=unit,
        module=module,
        progress=progress,
        today=service.local_today(),
        UnitState=service.UnitState,
        locked_message=service.locked_message(progress)
        if progress.state == service.UnitState.LOCKED
        else None,
    ), (422 if form.errors or form.form_errors else 200)


@bp.route("/training/completions/<int:completion_id>/photo")
@login_required
def completion_photo(completion_id):
    db = get_session()
    completion = completion_or_404(db, completion_id)
    if not completion.photo_name:
        abort(404)
    return uploads.send_stored(
        completion.photo_name,
        completion.photo_mime_type,
        f"evidence-{completion.id}{_suffix(completion.photo_mime_type)}",
    )


def _suffix(mime_type):
    return {"image/png": ".png", "image/webp": ".webp"}.get(mime_type, ".jpg")


# Certificates.


@bp.route("/certificates")
@roles_required(*CERTIFICATE_READERS)
def certificates():
    db = get_session()
    page = max(request.args.get("page", 1, type=int), 1)
    rows, total = service.list_certificates(
        db, actor=current_user, search=request.args.get("q"), page=page
    )
    return render_template("training/certificates.html", rows=rows, total=total, page=page)


@bp.route("/certificates/<code>", methods=["GET", "POST"])
@roles_required(*CERTIFICATE_READERS)
def certificate(code):
    db = get_session()
    certificate = _certificate_or_404(db, code)
    form = RevokeForm()
    may_revoke = current_user.role in (Role.OFFICE, Role.ADMIN)
    if request.method == "POST":
        if not may_revoke:
            abort(403)
        try:
            service.revoke_certificate(
                db, actor=current_user, certificate=certificate, reason=form.reason.data
            )
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
        except Conflict as conflict:
            flash(str(conflict), "error")
        else:
            flash(_("Certificate revoked."), "success")
            return redirect(url_for("training.certificate", code=certificate.code))
    return render_template(
        "training/certificate.html",
        view=service.certificate_view(db, certificate),
        form=form,
        may_revoke=may_revoke,
    ), (422 if form.errors else 200)


def _verify_url(certificate):
    return url_for("public.certificate", code=certificate.code, _external=True)


@bp.route("/certificates/<code>/pdf")
@roles_required(*CERTIFICATE_READERS)
def certificate_download(code):
    db = get_session()
    certificate = _certificate_or_404(db, code)
    if not certificate.valid:
        abort(404)
    data = certificate_pdf(
        service.certificate_view(db, certificate),
        verify_url=_verify_url(certificate),
        locale=current_language(),
    )
    response = make_response(data)
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="certificate-{certificate.code}.pdf"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/certificates/<code>/credential")
@roles_required(*CERTIFICATE_READERS)
def certificate_credential(code):
    """The Open Badges 3.0 credential as a signed JWT (VC-JWT) to save or hand to a wallet."""
    db = get_session()
    certificate = _certificate_or_404(db, code)
    if not certificate.valid:
        abort(404)
    credential = service.build_credential(
        service.certificate_view(db, certificate),
        base_url=request.url_root.rstrip("/"),
        verify_url=_verify_url(certificate),
        locale=current_language(),
    )
    token = service.sign_credential(credential, jwks_url=url_for("public.jwks", _external=True))
    response = make_response(token)
    response.mimetype = "application/vc+jwt"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="certificate-{certificate.code}.jwt"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


# The skills passport's settings (the public page is in public.py).


@bp.route("/passport/settings", methods=["GET", "POST"])
@roles_required(Role.STUDENT)
def passport_settings():
    db = get_session()
    passport = service.passport_of(db, current_user.id)
    today = service.local_today()
    form = ConsentForm()
    action = request.form.get("action")
    if request.method == "POST":
        try:
            if action == "enable":
                service.enable_passport(db, actor=current_user, today=today)
                flash(_("Your skills passport is public now."), "success")
            elif action == "disable":
                service.disable_passport(db, actor=current_user)
                flash(
                    _("Your skills passport is private again; its link no longer works."), "success"
                )
            else:
                abort(400)
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
        else:
            return redirect(url_for("training.passport_settings"))
    return render_template(
        "training/passport_settings.html",
        passport=passport,
        form=form,
        needs_consent=service.needs_consent(current_user, today),
        has_consent=service.has_consent(passport),
    ), (422 if form.errors or form.form_errors else 200)
