"""RFC 9457 problem documents: every refusal the API gives, in one shape.

`{"type", "title", "status", "detail", "errors": [{"field", "message"}]}` served as
application/problem+json. The title is the HTTP status phrase (type "about:blank"); the detail
and the field messages are in the caller's language.
"""

from http import HTTPStatus

from flask import current_app, g
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from eduplatform.errors import Conflict, Invalid

PROBLEM_MEDIA_TYPE = "application/problem+json"
BEARER_CHALLENGE = 'Bearer realm="eduplatform"'


class FieldError(BaseModel):
    field: str | None
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem document; `errors` names each refused field (empty otherwise)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldError] = []


class ApiProblem(Exception):
    """A refusal raised inside the API, rendered as a problem document."""

    def __init__(self, status, detail=None, errors=(), headers=None):
        super().__init__(detail or "")
        self.status, self.detail = status, detail
        self.errors, self.headers = list(errors), dict(headers or {})


def default_detail(status):
    details = {
        400: _("The request body is not valid JSON."),
        401: _("Send a valid API token in the header Authorization: Bearer <token>."),
        403: _("Your role or your token's scope does not allow this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        409: _("This conflicts with the current state of the record."),
        413: _("The request body is too large."),
        415: _("Send the body as application/json."),
        422: _("The input was refused; see the errors."),
        429: _("Too many requests. Wait a moment and try again."),
    }
    return details.get(status) or _("Something went wrong on our side. Please try again later.")


def problem_response(status, detail=None, errors=(), headers=None):
    document = Problem(
        title=HTTPStatus(status).phrase,
        status=status,
        detail=str(detail or default_detail(status)),
        errors=[
            FieldError(field=e.get("field"), message=str(e.get("message", ""))) for e in errors
        ],
    )
    response = current_app.response_class(
        document.model_dump_json(), status=status, mimetype=PROBLEM_MEDIA_TYPE
    )
    response.headers.update(headers or {})
    response.headers["Cache-Control"] = "no-store"
    return response


def validation_errors(error: ValidationError, prefix=""):
    """Pydantic's errors as [{field, message}], with the common ones in the caller's language."""
    messages = {
        "missing": _("This field is required."),
        "extra_forbidden": _("Unknown field."),
    }
    found = []
    for item in error.errors(include_url=False, include_context=False, include_input=False):
        field = ".".join(str(part) for part in item["loc"]) or None
        if prefix and field:
            field = f"{prefix}.{field}"
        found.append({"field": field, "message": messages.get(item["type"], item["msg"])})
    return found


def _rollback():
    session = g.get("db_session")
    if session is not None:
        session.rollback()


def problem_from_exception(error):
    """The problem document for an exception raised while serving an API request."""
    _rollback()
    if isinstance(error, ApiProblem):
        return problem_response(error.status, error.detail, error.errors, error.headers)
    if isinstance(error, Invalid):
        return problem_response(422, None, error.errors)
    if isinstance(error, Conflict):
        return problem_response(409, str(error))
    if isinstance(error, HTTPException):
        status = error.code or 500
        headers = {}
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            headers["Allow"] = ", ".join(sorted(error.valid_methods))
        if status == 401:
            headers["WWW-Authenticate"] = BEARER_CHALLENGE
        return problem_response(status if status >= 400 else 500, None, (), headers)
    current_app.logger.exception("unhandled error in the API", exc_info=error)
    return problem_response(500)
