"""Students' training pages (home, logging a unit, passport settings) and certificates.

The teachers' pages are in teaching.py, the pages open to anyone in public.py.
"""

import uuid

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from eduplatform import uploads
from eduplatform.auth.access import login_required, roles_required, wants_json
from eduplatform.credentials import service as credentials
from eduplatform.credentials.views import download_response
from eduplatform.db import get_session
from eduplatform.errors import Conflict, Invalid
from eduplatform.forms import apply_errors
from eduplatform.i18n import current_language
from eduplatform.ids import page_arg
from eduplatform.people.models import Organization, Role
from eduplatform.training import home, service
from eduplatform.training.forms import ConsentForm, LogUnitForm, RevokeForm
from eduplatform.training.models import UnitCompletion
from eduplatform.training.signals import endorsements_of, panels_of
from eduplatform.urls import public_url

bp = Blueprint("training", __name__)

CERTIFICATE_READERS = (Role.STUDENT, Role.TEACHER, Role.OFFICE, Role.ADMIN)


@bp.app_template_filter("unit_label")
def unit_label_filter(unit):
    """A unit as people name it: its code and its title in the page's language."""
    return service.unit_label(unit)


def student_home():
    """The student's home: modules of their class in the versions it follows, unit by unit."""
    db = get_session()
    cohort, school, programme, certificates = service.student_home_class(db, current_user)
    organization = school  # the student's school, read with the class
    if organization is None or organization.id != current_user.organization_id:
        organization = (
            db.get(Organization, current_user.organization_id)
            if current_user.organization_id
            else None
        )
    cards = ()
    if cohort is not None:
        cards = home.student_cards(
            db,
            student_id=current_user.id,
            cohort=cohort,
            programme=programme,
            certificates=certificates,
            asked_open=request.args.get("open", ""),
        )
    return render_template(
        "training/home_student.html", organization=organization, cohort=cohort, cards=cards
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
    """The phone's log form. Sent by the page's script, the success is a JSON answer; sent from
    the offline queue (Accept: application/json) every answer is JSON."""
    db = get_session()
    enrollment, cohort, programme = service.student_cohort_programme(db, current_user)
    # A unit of the class's versions (from the per-process cache of published ones), or 404.
    unit = service.class_unit(db, programme, unit_id) or abort(404)
    standing = service.unit_standing(
        db, student_id=current_user.id, cohort=cohort, unit=unit, programme=programme
    )
    if standing is None:
        abort(404)
    module = standing.module
    form = LogUnitForm()
    if request.method == "GET":
        form.performed_on.data = service.local_today()
        form.idempotency_key.data = uuid.uuid4().hex  # a double submit sends it twice: one record
    created = None
    if form.validate_on_submit():
        photo = form.photo.data
        try:
            _check_owner(form.owner.data)
            completion, created = service.log_completion_once(
                db,
                actor=current_user,
                unit=unit,
                idempotency_key=form.idempotency_key.data,
                performed_on=form.performed_on.data,
                hours=form.hours.data,
                note=form.note.data,
                photo=photo.stream if photo and photo.filename else None,
                known=(enrollment, cohort, standing),
            )
        except Invalid as refused:
            apply_errors(form, refused)
            # A hidden field shows no errors of its own: at the form's top.
            form.form_errors.extend(form.idempotency_key.errors)
            form.idempotency_key.errors = []
        except Conflict as conflict:
            form.form_errors.append(str(conflict))
        else:
            if wants_json():  # the offline queue: it says "sent" on the page itself
                status = "created" if created else "already_received"
                return jsonify(id=completion.id, status=status), 201 if created else 200
            flash(_("Saved. Your teacher will review it."), "success")
            # ?open= opens that module's <details> (an anchor alone cannot, without JavaScript).
            home = url_for("core.home", open=module.id, _anchor=f"module-{module.id}")
            if _sent_by_script():
                # The page's script sent the form (to show its progress): it goes on to `home`
                # itself, where the message above is shown (a redirect would be followed, and
                # the message spent, by the script's request).
                return jsonify(redirect=home)
            return redirect(home)
    if request.method == "POST" and wants_json():
        return _refused_json(form)
    progress = standing.progress
    if request.method == "POST":  # refused: the unit as it is now (another tab may have sent it)
        standing = service.unit_standing(db, student_id=current_user.id, cohort=cohort, unit=unit)
        progress = standing.progress if standing is not None else progress
    photo_dropped = bool(request.method == "POST" and form.photo.data and form.photo.data.filename)
    return render_template(
        "training/log_unit.html",
        form=form,
        unit=unit,
        module=module,
        progress=progress,
        today=service.local_today(),
        UnitState=service.UnitState,
        photo_dropped=photo_dropped,
        panels=panels_of(progress.completion, db, current_user)
        if progress.state == service.UnitState.REJECTED
        else [],
        locked_message=service.locked_message(progress)
        if progress.state == service.UnitState.LOCKED
        else None,
    ), (422 if form.errors or form.form_errors else 200)


def _check_owner(owner):
    """An entry from the phone's offline queue names the account that made it: it is sent only
    while that same account is signed in (a phone shared by two students sends neither's
    entries as the other)."""
    if owner not in (None, "") and owner != str(current_user.id):
        raise Conflict(_("This entry was made by another account on this phone; it was not sent."))


def _refused_json(form):
    """The refusal of a queued entry, for the phone to show on that entry: 409 for the unit's
    state (or another account's entry), 422 naming each field, 400 for an expired form."""
    if getattr(form, "csrf_token", None) is not None and form.csrf_token.errors:
        return jsonify(detail=_("The form expired. Please send it again."), errors=[]), 400
    fields = {name: messages for name, messages in form.errors.items() if name in form}
    errors = [
        {"field": name, "label": str(form[name].label.text), "message": str(message)}
        for name, messages in fields.items()
        for message in messages
    ]
    errors += [{"field": None, "label": None, "message": str(m)} for m in form.form_errors]
    if not fields and form.form_errors:
        return jsonify(detail=" ".join(str(m) for m in form.form_errors), errors=errors), 409
    return jsonify(detail=" ".join(e["message"] for e in errors), errors=errors), 422


def _sent_by_script():
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


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


@bp.route("/training/completions/<int:completion_id>/thumbnail")
@login_required
def completion_thumbnail(completion_id):
    """A small square of the evidence photo for lists, made on the server (not the full photo)."""
    db = get_session()
    completion = completion_or_404(db, completion_id)
    if not completion.photo_name:
        abort(404)
    # A few kilobytes: read at once rather than streamed from an open file.
    response = make_response(uploads.thumbnail(completion.photo_name).read_bytes())
    response.mimetype = "image/jpeg"
    # The URL carries the photo's fingerprint (?v=): a browser may keep it for a day.
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _suffix(mime_type):
    return {"image/png": ".png", "image/webp": ".webp"}.get(mime_type, ".jpg")


# Certificates.


@bp.route("/certificates")
@roles_required(*CERTIFICATE_READERS)
def certificates():
    db = get_session()
    page = page_arg()
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
        endorsements=endorsements_of(certificate, db),
        form=form,
        may_revoke=may_revoke,
    ), (422 if form.errors else 200)


def _verify_url(certificate):
    return public_url("public.certificate", code=certificate.code)


def _credential(db, certificate, view):
    """The certificate's Open Badges credential in both proof forms: the JSON-LD document with
    its Data Integrity proof, and the VC-JWT (the same content and status)."""
    signed = credentials.signed_credential(db, view, current_language())
    return signed.document, signed.jwt


@bp.route("/certificates/<code>/pdf")
@roles_required(*CERTIFICATE_READERS)
def certificate_download(code):
    """The certificate as a PDF/A-3 document that carries its credential."""
    db = get_session()
    certificate = _certificate_or_404(db, code)
    if not certificate.valid:
        abort(404)
    view = service.certificate_view(db, certificate)
    credential, token = _credential(db, certificate, view)
    from eduplatform.training.pdf import certificate_pdf  # reportlab: when asked for

    data = certificate_pdf(
        view,
        verify_url=_verify_url(certificate),
        endorsements=endorsements_of(certificate, db),
        locale=current_language(),
        credential=credential,
        signed_credential=token,
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
    """The Open Badges 3.0 credential to save or hand to a wallet, in the language of `?lang=`:
    a VC-JWT, or with `?format=json` the JSON-LD form with its Data Integrity proof."""
    db = get_session()
    certificate = _certificate_or_404(db, code)
    if not certificate.valid:
        abort(404)
    document = credentials.credential_document(
        db, service.certificate_view(db, certificate), current_language()
    )
    return download_response(document, f"certificate-{certificate.code}")


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
        has_learner_record=credentials.has_learner_record(db, current_user, current_language()),
    ), (422 if form.errors or form.form_errors else 200)
