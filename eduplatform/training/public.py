"""Pages anyone may open without an account: certificate checks, the signing key, passports."""

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for

from eduplatform.db import get_session
from eduplatform.extensions import limiter
from eduplatform.people.models import Organization, OrgKind
from eduplatform.training import service
from eduplatform.training.credentials import CONTEXTS

bp = Blueprint("public", __name__)

LOOKUP_LIMIT = "60 per minute"


@bp.route("/verify")
@limiter.limit(LOOKUP_LIMIT)
def lookup():
    """A form to type a certificate's code; a typed code goes to its page."""
    raw = request.args.get("code")
    if raw is not None:
        code = service.normalize_code(raw)
        if code:
            return redirect(url_for("public.certificate", code=code))
        return render_template("training/verify_lookup.html", raw=raw, invalid=True), 422
    return render_template("training/verify_lookup.html", raw="", invalid=False)


@bp.route("/verify/<code>")
@limiter.limit(LOOKUP_LIMIT)
def certificate(code):
    """Valid or revoked, with holder, module, school, partner and dates; nothing else."""
    db = get_session()
    found = service.find_certificate(db, code)
    if found is None:
        return render_template("training/verify_lookup.html", raw=code, invalid=True), 404
    if found.code != code:
        return redirect(url_for("public.certificate", code=found.code))
    return render_template("training/verify.html", view=service.certificate_view(db, found))


@bp.route("/.well-known/jwks.json")
def jwks():
    response = jsonify(service.jwks())
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/issuers/<int:organization_id>")
def issuer(organization_id):
    """The Open Badges issuer profile of a school or university named in credentials."""
    organization = get_session().get(Organization, organization_id)
    if organization is None or organization.kind == OrgKind.OFFICE:
        abort(404)
    profile = {
        "@context": CONTEXTS,
        "id": url_for("public.issuer", organization_id=organization.id, _external=True),
        "type": ["Profile"],
        "name": organization.name,
    }
    return jsonify(profile)


@bp.route("/passport/<slug>")
def passport(slug):
    passport = service.public_passport(get_session(), slug)
    if passport is None:
        abort(404)
    response = render_template("training/passport.html", passport=passport)
    return response, 200, {"X-Robots-Tag": "noindex"}
