"""The supervisor's final-assessment page (through an assessment link) and the school's grade."""

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlmodel import select

from eduplatform.auth.access import login_required, roles_required
from eduplatform.credentials.views import LOOKUP_LIMIT
from eduplatform.db import get_session
from eduplatform.errors import Conflict, Invalid
from eduplatform.extensions import limiter
from eduplatform.i18n import asked_language, current_language
from eduplatform.people.models import Organization, User
from eduplatform.placements import assessment, links, service
from eduplatform.placements.blueprint import bp
from eduplatform.placements.link_views import _check_post, _load
from eduplatform.placements.link_views import bp as supervisor_bp
from eduplatform.placements.models import ATTITUDES, Placement, PlacementAssessment
from eduplatform.placements.views import load_placement
from eduplatform.training.public import ECHO_LIMIT
from eduplatform.urls import public_url

LEVEL_LABELS = {
    1: _l("Needs improvement"),
    2: _l("Fair"),
    3: _l("Good"),
    4: _l("Very good"),
}
ATTITUDE_LABELS = {
    "discipline": _l("Discipline"),
    "safety": _l("Safety at work"),
    "teamwork": _l("Teamwork"),
    "initiative": _l("Initiative"),
    "communication": _l("Communication"),
}


def assessment_page(db, token, link, placement, supervisor, errors=None, status=200):
    """The assessment form; `errors` ({field: message}) are shown at their questions."""
    done, _levels = assessment.assessment_of(db, placement.id)
    errors = errors or {}
    units = service.expected_units(db, placement.id)
    return make_response(
        render_template(
            "placements/assessment_page.html",
            token=token,
            placement=placement,
            student_name=db.get(User, placement.student_id).full_name,
            school=db.get(Organization, placement.school_id),
            company=db.get(Organization, placement.company_id),
            units=units,
            unit_labels=service.unit_labels(db, units),
            attitudes=ATTITUDES,
            attitude_labels=ATTITUDE_LABELS,
            level_labels=LEVEL_LABELS,
            form_token=links.form_token(link),
            done=done is not None,
            errors=errors,
            # Each message once at the top (the five attitudes share theirs).
            summary=list(dict.fromkeys(errors.values())),
            values=request.form,
            lang=request.args.get("lang"),
        ),
        status,
    )


@supervisor_bp.route("/<token>/assessment", methods=["POST"])
def submit(token):
    db = get_session()
    link, placement, supervisor = _load(db, token)
    _check_post(link)
    if link.purpose != "assessment":
        abort(404)
    try:
        assessment.submit_assessment(
            db,
            link=link,
            unit_levels={k.removeprefix("unit_"): v for k, v in request.form.items()},
            attitudes=request.form,
            comment=request.form.get("comment", ""),
        )
    except Invalid as refused:
        messages = {e.get("field") or "": str(e["message"]) for e in refused.errors}
        return assessment_page(db, token, link, placement, supervisor, messages, 422)
    except Conflict:
        pass
    return redirect(url_for("supervisor.page", token=token, **asked_language()))


@bp.route("/<int:placement_id>/grade", methods=["POST"])
@roles_required(*service.MANAGERS)
def grade(placement_id):
    db = get_session()
    placement = load_placement(db, placement_id, manage=True)
    try:
        assessment.grade_placement(
            db,
            actor=current_user,
            placement=placement,
            grade=request.form.get("grade", ""),
            comment=request.form.get("comment", ""),
        )
    except (Invalid, Conflict) as refused:
        flash(str(refused), "error")
    else:
        flash(_("The school's grade is recorded; the placement is finished."), "success")
    return redirect(url_for("placements.detail", placement_id=placement.id, _anchor="assessment"))


def _certificate_parts(db, placement):
    found = db.get(PlacementAssessment, placement.id)
    if found is None or not found.certificate_code:
        abort(404)
    return (
        db.get(User, placement.student_id),
        db.get(Organization, placement.school_id),
        db.get(Organization, placement.company_id),
        found,
    )


@bp.route("/<int:placement_id>/certificate.pdf")
@login_required
def certificate_pdf(placement_id):
    """The placement certificate: the student's own, or one of a placement the user sees."""
    db = get_session()
    placement = db.get(Placement, placement_id)
    if placement is None or not service.can_see(current_user, placement):
        abort(404)
    student, school, company, found = _certificate_parts(db, placement)
    if found.revoked_at is not None:
        abort(404)
    from eduplatform.placements.certificate import placement_pdf  # reportlab: when asked for

    data = placement_pdf(
        student=student,
        school=school,
        company=company,
        placement=placement,
        assessment=found,
        verify_url=public_url("placements.verify", code=found.certificate_code),
        locale=current_language(),
    )
    response = make_response(data)
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="pkl-{found.certificate_code}.pdf"'
    )
    return response


@bp.route("/verify/<code>")
@limiter.limit(LOOKUP_LIMIT)
def verify(code):
    """The public check of a placement certificate (what the QR code opens); an unknown code
    says so (404), as the module certificates' check does. Limited as that one is: codes are
    not to be tried one after another."""
    db = get_session()
    found = db.exec(
        select(PlacementAssessment).where(PlacementAssessment.certificate_code == code.upper())
    ).first()
    if found is None:
        shown = code if len(code) <= ECHO_LIMIT else code[: ECHO_LIMIT - 1] + "…"
        return render_template("placements/verify_unknown.html", shown=shown), 404
    placement = db.get(Placement, found.placement_id)
    student, school, company, found = _certificate_parts(db, placement)
    return render_template(
        "placements/verify.html",
        student=student,
        school=school,
        company=company,
        placement=placement,
        assessment=found,
        credential_url=public_url("placements.public_credential", code=found.certificate_code),
        credential_jwt_url=public_url(
            "placements.public_credential_jwt", code=found.certificate_code
        ),
    )
