"""The /api/v1 blueprint: every resource's routes, the OpenAPI document and its reference page."""

from pathlib import Path

from flask import current_app, jsonify, request, send_from_directory

from eduplatform.api import (  # noqa: F401 - importing a resource registers its routes
    activities,
    catalogue,
    certificates,
    cohorts,
    completions,
    me,
    partnerships,
    placements,
    quality,
    reviews,
    stats,
    xapi,
)
from eduplatform.api.framework import OPERATIONS, bp
from eduplatform.api.openapi import openapi_document
from eduplatform.api.problems import ApiProblem

DOCUMENT_KEY = "eduplatform.openapi"
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
STATIC_API = Path(__file__).resolve().parent.parent / "static" / "api"


@bp.route("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document (public, no token needed)."""
    if DOCUMENT_KEY not in current_app.extensions:
        current_app.extensions[DOCUMENT_KEY] = openapi_document(
            OPERATIONS, languages=current_app.config["LANGUAGES"]
        )
    response = jsonify(current_app.extensions[DOCUMENT_KEY])
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/docs")
def docs():
    """The API's reference page: static HTML and JS that render openapi.json."""
    return send_from_directory(STATIC_API, "docs.html", max_age=300)


@bp.route("/", defaults={"path": ""}, methods=METHODS)
@bp.route("/<path:path>", methods=METHODS)
def unknown(path):
    """Anything else under /api/v1: 405 when the path exists for other methods, else 404."""
    adapter = current_app.create_url_adapter(request)
    allowed = []
    for method in METHODS:
        try:
            endpoint, _values = adapter.match(request.path, method=method)
        except Exception:  # noqa: BLE001 - no route for this method
            continue
        if endpoint != "api.unknown":
            allowed.append(method)
    if allowed:
        raise ApiProblem(405, headers={"Allow": ", ".join(allowed)})
    raise ApiProblem(404)
