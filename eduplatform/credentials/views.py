"""What verifiers and wallets fetch without an account: keys, the DID document, status lists, and a
certificate's credential by its public code (the same code the /verify page shows)."""

import json

from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user

from eduplatform.auth.access import roles_required
from eduplatform.credentials import service
from eduplatform.db import get_session
from eduplatform.extensions import limiter
from eduplatform.i18n import current_language
from eduplatform.people.models import Role
from eduplatform.training import service as training

bp = Blueprint("credentials", __name__)

JWT_TYPES = ("application/vc+jwt", "application/jwt")
LOOKUP_LIMIT = "60 per minute"


def _public_json(payload, mimetype="application/json", max_age=300):
    response = jsonify(payload)
    response.mimetype = mimetype
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def wants_jwt():
    """True when the client asks for the VC-JWT form rather than JSON(-LD): by naming a JWT type
    above JSON. A client that takes anything (curl's and most libraries' `*/*`) gets the
    JSON-LD the page's link promises: of equal matches, the first offered wins."""
    best = request.accept_mimetypes.best_match(["application/json", *JWT_TYPES])
    return best in JWT_TYPES and request.accept_mimetypes[best] > 0


def download_response(document, name):
    """A holder's own credential as a file: signed JSON-LD with `?format=json`, else a VC-JWT;
    named `<name>-<language>.<json|jwt>`, never cached by others."""
    if request.args.get("format") == "json":
        body = json.dumps(service.sign_document(document), indent=2)
        response = current_app.response_class(body, mimetype="application/json")
        extension = "json"
    else:
        response = current_app.response_class(service.sign_jwt(document))
        response.mimetype, extension = "application/vc+jwt", "jwt"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{name}-{current_language()}.{extension}"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def jwt_response(token, max_age=0):
    response = current_app.response_class(token, mimetype="application/vc+jwt")
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/.well-known/jwks.json")
def jwks():
    """Every key that signs or signed VC-JWTs (RS256), as a JWK Set."""
    return _public_json(service.jwks())


@bp.route("/credentials/keys/<thumbprint>")
def jwk(thumbprint):
    """One public key as a JWK: what a VC-JWT's `kid` dereferences to."""
    found = service.find_jwk(thumbprint)
    if found is None:
        abort(404)
    return _public_json(found, mimetype="application/jwk+json")


@bp.route("/.well-known/did.json")
@bp.route("/did.json")  # where did:web looks when the base URL has a path
def did_document():
    """The issuer's did:web document with every Ed25519 key (Data Integrity proofs)."""
    return _public_json(service.did_document(), mimetype="application/did+json")


@bp.route("/credentials/status/<int:list_id>")
def status_list(list_id):
    """The signed BitstringStatusListCredential: JSON-LD with a Data Integrity proof, or the
    VC-JWT with `Accept: application/vc+jwt`. Never cached long: a revocation shows at once."""
    document = service.status_list_document(get_session(), list_id)
    if document is None:
        abort(404)
    if wants_jwt():
        return jwt_response(service.sign_jwt(document))
    return _public_json(service.sign_document(document), max_age=0)


@bp.route("/verify/<code>/credential")
@limiter.limit(LOOKUP_LIMIT)
def public_credential(code):
    """A certificate's credential by its public code, for a wallet to import by URL: JSON-LD
    with a Data Integrity proof, or VC-JWT (`Accept: application/vc+jwt`); `?lang=id|en|zh`."""
    db = get_session()
    certificate = training.find_certificate(db, code)
    if certificate is None:
        abort(404)
    view = training.certificate_view(db, certificate)
    document = service.credential_document(db, view, current_language())
    if wants_jwt():
        return jwt_response(service.sign_jwt(document))
    return _public_json(service.sign_document(document), max_age=0)


@bp.route("/verify/<code>/credential.jwt")
@limiter.limit(LOOKUP_LIMIT)
def public_credential_jwt(code):
    """The same credential as a VC-JWT (a link that needs no Accept header)."""
    db = get_session()
    certificate = training.find_certificate(db, code)
    if certificate is None:
        abort(404)
    view = training.certificate_view(db, certificate)
    return jwt_response(service.sign_jwt(service.credential_document(db, view, current_language())))


def _record_response(record, filename, attachment):
    if wants_jwt() or request.args.get("format") == "jwt":
        response = jwt_response(record.jwt)
        filename += ".jwt"
    else:
        response = _public_json(record.document, max_age=0)
        filename += ".json"
    if attachment:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.headers["Cache-Control"] = "private, no-store"
        del response.headers["Access-Control-Allow-Origin"]
    return response


@bp.route("/passport/<slug>/clr")
@limiter.limit(LOOKUP_LIMIT)
def passport_record(slug):
    """A public skills passport as a signed Comprehensive Learner Record (CLR 2.0): JSON-LD with
    a Data Integrity proof, or VC-JWT (`Accept: application/vc+jwt`); `?lang=id|en|zh`."""
    db = get_session()
    passport = training.public_passport(db, slug)
    record = passport and service.learner_record(db, passport.student, current_language())
    if record is None:
        abort(404)
    return _record_response(record, f"learner-record-{slug}", attachment=False)


@bp.route("/passport/clr")
@roles_required(Role.STUDENT)
def own_record():
    """The signed-in student's Comprehensive Learner Record to download (`?format=jwt`)."""
    db = get_session()
    record = service.learner_record(db, current_user, current_language())
    if record is None:
        abort(404)
    return _record_response(record, f"learner-record-{current_language()}", attachment=True)
