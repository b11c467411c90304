"""The API's small framework: routes that declare roles, token scope, input and output models.

`api_route` registers a Flask route on the `api` blueprint and records an Operation; the OpenAPI
generator (api.openapi) reads the same records, so the document cannot drift from the code.
Each request: bearer token -> caller (g.api_user) -> role and scope -> query and body parsed by
pydantic -> the view, which calls the areas' services with actor=g.api_user -> the response
model as JSON. Every refusal becomes a problem document (api.problems).
"""

import inspect
import re
from dataclasses import dataclass, field
from functools import wraps

from flask import Blueprint, current_app, g, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import BaseConverter

from eduplatform import uploads
from eduplatform.api import service
from eduplatform.api.models import TokenScope
from eduplatform.api.pagination import next_link
from eduplatform.api.problems import (
    BEARER_CHALLENGE,
    ApiProblem,
    problem_from_exception,
    validation_errors,
)
from eduplatform.api.schemas import CODE_PATTERN, MAX_ID
from eduplatform.db import first_statement, get_session
from eduplatform.extensions import csrf, limit_blueprint

JSON = "application/json"
MAX_JSON_BYTES = 1024 * 1024
MULTIPART_OVERHEAD = 64 * 1024
DEFAULT_RATE_LIMIT = "120 per minute"

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# The API reads no cookie, so a forged cross-site form cannot act for anyone: no CSRF token.
csrf.exempt(bp)


class CodeConverter(BaseConverter):
    """Module and unit codes such as EV-101 in URLs."""

    regex = CODE_PATTERN.strip("^$")


bp.record_once(lambda state: state.app.url_map.converters.setdefault("code", CodeConverter))


@dataclass
class Operation:
    """What one route takes, gives and requires: read by the OpenAPI generator."""

    rule: str
    method: str
    endpoint: str
    summary: str
    description: str
    tag: str
    status: int
    roles: tuple
    scope: str
    body: type[BaseModel] | None = None
    body_optional: bool = False
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    media_type: str | tuple = JSON  # a tuple lists alternatives (images)
    upload: dict = field(default_factory=dict)  # multipart file field -> accepted media types
    paginated: bool = False
    conflict: bool = False
    not_found: bool = False  # 404 for something other than a path's id (a filter's)
    response_headers: dict = field(default_factory=dict)
    request_headers: dict = field(default_factory=dict)  # optional header -> description

    @property
    def path(self):
        """The OpenAPI path: /completions/{completion_id}."""
        return re.sub(r"<(?:[^:<>]+:)?(\w+)>", r"{\1}", self.rule)


OPERATIONS: list[Operation] = []


def rate_limit():
    return current_app.config.get("RATELIMIT_API") or DEFAULT_RATE_LIMIT


def rate_limit_key():
    """One budget per token; requests without a valid token share their address's budget."""
    auth = current_auth()
    return f"api-token:{auth[0].id}" if auth else f"api-address:{get_remote_address()}"


limit_blueprint(bp, rate_limit, key_func=rate_limit_key, scope="api")


def bearer_token():
    """The token of an `Authorization: Bearer <token>` header, or None."""
    scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
    value = value.strip()
    return value if scheme.lower() == "bearer" and value else None


def current_auth():
    """(token, user) of the request's bearer token, looked up once per request, or None."""
    if "api_auth" not in g:
        raw = bearer_token()
        db = get_session()
        g.api_auth = first_statement(db, lambda: service.authenticate(db, raw)) if raw else None
    return g.api_auth


def api_language():
    """?lang=, then the caller's account language, then Accept-Language, then Indonesian."""
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    if asked in languages:
        return asked
    user = g.get("api_user")
    if user is not None and user.locale in languages:
        return user.locale
    best = request.accept_languages.best_match(languages)
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def caller():
    """The user the request's token belongs to."""
    return g.api_user


def _authorize(operation):
    if bearer_token() is None:
        raise ApiProblem(401, headers={"WWW-Authenticate": BEARER_CHALLENGE})
    auth = current_auth()
    if auth is None:
        raise ApiProblem(
            401,
            _("The token is unknown, expired or revoked, or its account is deactivated."),
            headers={"WWW-Authenticate": f'{BEARER_CHALLENGE}, error="invalid_token"'},
        )
    token, user = auth
    g.api_token, g.api_user = token, user
    if operation.scope == TokenScope.READ_WRITE and not token.writes:
        raise ApiProblem(
            403,
            _("This token may only read. Create a read-write token to make changes."),
            headers={
                "WWW-Authenticate": f'{BEARER_CHALLENGE}, error="insufficient_scope", '
                'scope="read-write"'
            },
        )
    if operation.roles and user.role not in operation.roles:
        raise ApiProblem(403, _("Your role does not allow this."))


def _parse_query(model):
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as error:
        raise ApiProblem(422, errors=validation_errors(error)) from None


def _parse_body(operation):
    if operation.body_optional and not request.content_length and not request.content_type:
        return operation.body()
    if not request.is_json:
        raise ApiProblem(415)
    if (request.content_length or 0) > MAX_JSON_BYTES:
        raise RequestEntityTooLarge()
    request.max_content_length = MAX_JSON_BYTES
    data = request.get_data(cache=True)
    if len(data) > MAX_JSON_BYTES:  # read already (a before-request check) under the app's limit
        raise RequestEntityTooLarge()
    try:
        return operation.body.model_validate_json(data, strict=True)
    except ValidationError as error:
        if any(e["type"] == "json_invalid" for e in error.errors()):
            raise ApiProblem(400) from None
        raise ApiProblem(422, errors=validation_errors(error)) from None


def _parse_upload(operation):
    if request.mimetype != "multipart/form-data":
        raise ApiProblem(415, _("Send the file as multipart/form-data."))
    request.max_content_length = uploads.MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD
    files = {}
    for name in operation.upload:
        upload = request.files.get(name)
        if upload is None or not upload.filename:
            raise ApiProblem(422, errors=[{"field": name, "message": _("Choose a file.")}])
        upload.stream.seek(0, 2)
        if upload.stream.tell() > uploads.MAX_UPLOAD_BYTES:
            raise RequestEntityTooLarge()
        upload.stream.seek(0)
        files[name] = upload.stream
    return files


def _render(operation, result):
    headers = {}
    if isinstance(result, tuple):
        result, headers = result
    if not isinstance(result, BaseModel):
        return result  # a ready Response (files, credentials)
    response = current_app.response_class(
        result.model_dump_json(), status=operation.status, mimetype=operation.media_type
    )
    if operation.paginated and getattr(result, "next", None):
        headers.setdefault("Link", next_link(result.next))
    response.headers.update(headers)
    response.headers.setdefault("Cache-Control", "private, no-store")
    return response


def api_route(
    rule,
    *,
    summary,
    tag,
    method="GET",
    description="",
    roles=(),
    scope=None,
    body=None,
    body_optional=False,
    query=None,
    response=None,
    status=200,
    media_type=JSON,
    upload=None,
    paginated=False,
    conflict=False,
    not_found=False,
    response_headers=None,
    request_headers=None,
):
    """Register an API route and record what it takes, gives and requires.

    `roles` empty means every signed-in role; `scope` defaults to read for GET and read-write
    otherwise. The view receives the path's values, `query=` and `body=` (pydantic models) and
    `files=` for uploads, and returns a response model, (model, headers) or a Response.
    """
    scope = scope or (TokenScope.READ if method == "GET" else TokenScope.READ_WRITE)

    def decorator(view):
        operation = Operation(
            rule=rule,
            method=method,
            endpoint=f"api.{view.__name__}",
            summary=summary,
            description=description or inspect.cleandoc(view.__doc__ or ""),
            tag=tag,
            status=status,
            roles=tuple(str(r) for r in roles),
            scope=str(scope),
            body=body,
            body_optional=body_optional,
            query=query,
            response=response,
            media_type=media_type,
            upload=dict(upload or {}),
            paginated=paginated,
            conflict=conflict,
            not_found=not_found,
            response_headers=dict(response_headers or {}),
            request_headers=dict(request_headers or {}),
        )
        OPERATIONS.append(operation)

        @wraps(view)
        def endpoint(**values):
            if any(isinstance(v, int) and v > MAX_ID for v in values.values()):
                raise ApiProblem(404)  # no such row can exist
            _authorize(operation)
            with force_locale(api_language()):
                if operation.query:
                    values["query"] = _parse_query(operation.query)
                if operation.body:
                    values["body"] = _parse_body(operation)
                if operation.upload:
                    values["files"] = _parse_upload(operation)
                return _render(operation, view(**values))

        bp.add_url_rule(rule, view.__name__, endpoint, methods=[method])
        return view

    return decorator


def problem_for(error):
    """The problem document for an error under /api/v1, in the caller's language (also used by
    the app's error handler when no API route matched the path)."""
    with force_locale(api_language()):
        return problem_from_exception(error)


bp.register_error_handler(Exception, problem_for)
