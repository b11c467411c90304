"""Pages anyone may open without an account: certificate checks, the signing key, passports."""

import re
from urllib.parse import unquote

from flask import (
    Blueprint,
    abort,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from eduplatform.credentials import clr, status
from eduplatform.credentials import documents as credential_documents
from eduplatform.credentials import service as credentials
from eduplatform.credentials.jsonld import OB_V3, VC_V2
from eduplatform.db import get_session
from eduplatform.extensions import limiter
from eduplatform.i18n import asked_language, current_language
from eduplatform.people.models import Organization, OrgKind
from eduplatform.training import service
from eduplatform.training.achievements import find_achievement as achievement_view
from eduplatform.training.certificates import CODE_LENGTH
from eduplatform.training.signals import endorsements_of
from eduplatform.urls import public_url

bp = Blueprint("public", __name__)

LOOKUP_LIMIT = "60 per minute"
ECHO_LIMIT = 40  # characters of a refused code shown back: a pasted essay must not widen the page
REFILL_LIMIT = 100  # longer input is not put back into the field either

# A pasted link to a certificate page (any scheme and host, perhaps a query or fragment).
VERIFY_LINK = re.compile(r"(?:^|/)verify/([^/?#\s]+)", re.IGNORECASE)


def code_from_input(raw):
    """The code in what was typed: the code itself, or taken from a pasted /verify/<code> link."""
    raw = raw.strip()
    match = VERIFY_LINK.search(raw)
    return unquote(match.group(1)) if match else raw


def lookup_problem(raw):
    """Why a typed code leads to no certificate: "empty", "format" or "unknown"."""
    compact = re.sub(r"[\s-]", "", raw).upper()
    if not compact:
        return "empty"
    if len(compact) != CODE_LENGTH or not re.fullmatch(r"[A-Z0-9]+", compact):
        return "format"
    return "unknown"


def refused(raw, status):
    """The lookup form again, saying why the code leads nowhere (raw is echoed only in part)."""
    shown = raw if len(raw) <= ECHO_LIMIT else raw[: ECHO_LIMIT - 1] + "…"
    page = render_template(
        "training/verify_lookup.html",
        raw=raw if len(raw) <= REFILL_LIMIT else "",
        shown=shown,
        problem=lookup_problem(raw),
    )
    return page, status


@bp.route("/verify")
@limiter.limit(LOOKUP_LIMIT)
def lookup():
    """A form to type a certificate's code; a typed code (or pasted link) goes to its page."""
    raw = request.args.get("code")
    if raw is not None:
        raw = code_from_input(raw)
        code = service.normalize_code(raw)
        if code:
            return redirect(url_for("public.certificate", code=code, **asked_language()))
        return refused(raw, 422)
    return render_template("training/verify_lookup.html", raw="", problem=None)


def wants_json():
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def verification(db, certificate, code):
    """The machine-readable answer of /verify/<code>: valid, revoked or unknown."""
    if certificate is None:
        return {"status": "unknown", "code": code}
    list_id, index, _subject = credentials.credential_rows(db, certificate)
    result = {
        "status": "valid" if certificate.valid else "revoked",
        "code": certificate.code,
        "id": public_url("public.certificate", code=certificate.code),
        "issued_at": credential_documents.timestamp(certificate.issued_at),
        "revoked_at": certificate.revoked_at
        and credential_documents.timestamp(certificate.revoked_at),
        "credentialStatus": status.entry(list_id, index),
        "credential": {
            "json": public_url("credentials.public_credential", code=certificate.code),
            "jwt": public_url("credentials.public_credential_jwt", code=certificate.code),
        },
    }
    return result


@bp.route("/verify/<code>")
@limiter.limit(LOOKUP_LIMIT)
def certificate(code):
    """Valid or revoked, with holder, module, school, partner and dates; nothing else.
    With `Accept: application/json`: the status, the credential's id and status entry."""
    db = get_session()
    found = service.find_certificate(db, code)
    if wants_json():
        response = jsonify(verification(db, found, code))
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Cache-Control"] = "no-cache"
        return response, (404 if found is None else 200)
    if found is None:
        return refused(code, 404)
    if found.code != code:
        return redirect(url_for("public.certificate", code=found.code, **asked_language()))
    credential_url = public_url("credentials.public_credential", code=found.code)
    return render_template(
        "training/verify.html",
        view=service.certificate_view(db, found),
        credential_url=credential_url,
        credential_jwt_url=public_url("credentials.public_credential_jwt", code=found.code),
        qr_code=qr_image(credential_url),
        endorsements=endorsements_of(found, db),
    )


def qr_image(url):
    """A QR code of `url` as a PNG data URI (the page's policy allows data: images)."""
    import segno  # imported when a QR code is drawn: 9 MB a worker that never draws one keeps

    return segno.make(url, error="m").png_data_uri(scale=4, border=4)


JSON_LD = "application/ld+json"


def wants_linked_data():
    """The JSON-LD type a client asks for above HTML (`application/ld+json`, or plain JSON),
    or None for a browser. A client that takes anything (`*/*`, curl's and most libraries')
    gets JSON-LD, as for credentials: of equal matches, the first offered wins."""
    best = request.accept_mimetypes.best_match([JSON_LD, "application/json", "text/html"])
    return None if best == "text/html" else (best or JSON_LD)


def _achievement_answer(achievement, mimetype, page):
    """An achievement id's answer: to a JSON client (`mimetype`, from wants_linked_data) the
    Achievement as a JSON-LD document of its own, else `page()` (a page or a redirect). One
    address in two forms and three languages (?lang=, the cookie, the browser's): a cache keeps
    each apart."""
    if mimetype:
        response = jsonify({"@context": [VC_V2, OB_V3], **achievement})
        response.mimetype = mimetype
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Cache-Control"] = "public, max-age=300"
    else:
        response = make_response(page())
    response.vary.update(("Accept", "Accept-Language", "Cookie"))
    return response


@bp.route("/achievements/<code>/v<int:number>")
def achievement(code, number):
    """What a credential's `achievement.id` names: a module version, to a browser as a page in
    the reader's language, to a JSON client as the Achievement the credentials embed."""
    view = achievement_view(get_session(), code, number)
    if view is None:
        abort(404)
    found = credential_documents.achievement(view, current_language())
    return _achievement_answer(
        found,
        wants_linked_data(),
        lambda: render_template("training/achievement.html", view=view, achievement=found),
    )


@bp.route("/achievements/<code>/v<int:number>/units/<unit_code>")
def unit_achievement(code, number, unit_code):
    """What a learner record's unit achievement id names: a practical unit of a module
    version. A JSON client gets the Achievement the record embeds; a browser reads the unit on
    its module's achievement page."""
    view = achievement_view(get_session(), code, number)
    unit = next((u for u in view.units if u.code == unit_code), None) if view else None
    if unit is None:
        abort(404)
    found = clr.unit_achievement(unit, view.module, view.version, current_language())
    anchor = f"unit-{unit.code}"
    return _achievement_answer(
        found,
        wants_linked_data(),
        lambda: redirect(url_for(".achievement", code=code, number=number, _anchor=anchor), 303),
    )


@bp.route("/achievements/placements/<int:school_id>/<int:company_id>")
def placement_achievement(school_id, company_id):
    """What a placement certificate's `achievement.id` names: the school's industry placement
    at the company, once the school has graded one there (as a page or as JSON-LD)."""
    from eduplatform.placements import credential as placement_credential
    from eduplatform.placements.models import Company

    db = get_session()
    school, company = db.get(Organization, school_id), db.get(Organization, company_id)
    if (
        school is None
        or company is None
        or not placement_credential.graded_placement_exists(db, school_id, company_id)
    ):
        abort(404)
    found = placement_credential.placement_achievement(
        school, company, db.get(Company, company_id), current_language()
    )
    return _achievement_answer(
        found,
        wants_linked_data(),
        lambda: render_template(
            "training/placement_achievement.html", achievement=found, school=school, company=company
        ),
    )


@bp.route("/issuers/<int:organization_id>")
def issuer(organization_id):
    """The Open Badges issuer profile of a school or university named in credentials."""
    organization = get_session().get(Organization, organization_id)
    if organization is None or organization.kind == OrgKind.OFFICE:
        abort(404)
    profile = {
        "@context": [VC_V2, OB_V3],
        "id": public_url("public.issuer", organization_id=organization.id),
        "type": ["Profile"],
        "name": organization.name,
    }
    return jsonify(profile)


@bp.route("/passport/<slug>")
def passport(slug):
    passport = service.public_passport(get_session(), slug)
    if passport is None:
        abort(404)
    response = render_template("training/passport.html", passport=passport, slug=slug)
    return response, 200, {"X-Robots-Tag": "noindex"}
