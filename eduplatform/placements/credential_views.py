"""The placement certificate's Open Badges 3.0 credential: the student's (and staff's) download,
the public copy by verification code for a wallet, the placements' status lists, and the
office's revocation of a placement certificate."""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eduplatform.auth.access import login_required, roles_required
from eduplatform.credentials import service as credentials
from eduplatform.credentials.views import (
    LOOKUP_LIMIT,
    _public_json,
    download_response,
    jwt_response,
    wants_jwt,
)
from eduplatform.db import get_session
from eduplatform.errors import Conflict, Invalid
from eduplatform.extensions import limiter
from eduplatform.i18n import current_language
from eduplatform.placements import assessment, credential, service
from eduplatform.placements.blueprint import bp
from eduplatform.placements.models import Placement, PlacementAssessment


def valid_certificate(db, placement):
    """The placement's certificate (its assessment row) when it has one not revoked."""
    found = db.get(PlacementAssessment, placement.id)
    if found is None or not found.certificate_code or found.revoked_at is not None:
        return None
    return found


@bp.route("/<int:placement_id>/credential")
@login_required
def own_credential(placement_id):
    """The placement certificate's OB 3.0 credential to save or hand to a wallet, in the
    language of `?lang=`: a VC-JWT, or with `?format=json` the JSON-LD form with its Data
    Integrity proof. The student's own, or one of a placement the user sees."""
    db = get_session()
    placement = db.get(Placement, placement_id)
    if placement is None or not service.can_see(current_user, placement):
        abort(404)
    found = valid_certificate(db, placement)
    if found is None:
        abort(404)
    document = credential.credential_document(db, placement, current_language())
    return download_response(document, f"pkl-{found.certificate_code}")


def _public_document(code):
    db = get_session()
    placement, _found = credential.find_certificate(db, code)
    if placement is None:
        abort(404)
    return credential.credential_document(db, placement, current_language())


@bp.route("/verify/<code>/credential")
@limiter.limit(LOOKUP_LIMIT)
def public_credential(code):
    """The credential by the certificate's public code, for a wallet to import by URL: JSON-LD
    with a Data Integrity proof, or VC-JWT (`Accept: application/vc+jwt`); `?lang=id|en|zh`.
    A revoked certificate's credential is still served: its status says it is revoked."""
    document = _public_document(code)
    if wants_jwt():
        return jwt_response(credentials.sign_jwt(document))
    return _public_json(credentials.sign_document(document), max_age=0)


@bp.route("/verify/<code>/credential.jwt")
@limiter.limit(LOOKUP_LIMIT)
def public_credential_jwt(code):
    """The same credential as a VC-JWT (a link that needs no Accept header)."""
    return jwt_response(credentials.sign_jwt(_public_document(code)))


@bp.route("/credentials/status/<int:list_id>")
def status_list(list_id):
    """The placements' signed BitstringStatusListCredential (JSON-LD with a Data Integrity
    proof, or VC-JWT with `Accept: application/vc+jwt`); never cached long."""
    document = credential.status_list_document(get_session(), list_id)
    if document is None:
        abort(404)
    if wants_jwt():
        return jwt_response(credentials.sign_jwt(document))
    return _public_json(credentials.sign_document(document), max_age=0)


@bp.route("/<int:placement_id>/certificate/revoke", methods=["POST"])
@roles_required(*assessment.REVOKERS)
def revoke_certificate(placement_id):
    """The office or an admin withdraws a placement certificate, with a reason."""
    db = get_session()
    placement = db.get(Placement, placement_id)
    if placement is None or not service.can_see(current_user, placement):
        abort(404)
    found = db.get(PlacementAssessment, placement.id)
    if found is None or not found.certificate_code:
        abort(404)
    try:
        assessment.revoke_certificate(
            db, actor=current_user, placement=placement, reason=request.form.get("reason", "")
        )
    except (Invalid, Conflict) as refused:
        flash(str(refused), "error")
    else:
        flash(_("The placement certificate is revoked."), "success")
    return redirect(url_for("placements.detail", placement_id=placement.id, _anchor="assessment"))
