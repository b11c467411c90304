"""The OpenAPI 3.1 document, generated from the routes' Operation records and pydantic models.

Nothing here is written by hand per route: paths, parameters, bodies, responses and schemas all
come from `api_route` registrations, so the document and the code cannot disagree.
"""

import re
from http import HTTPStatus

from pydantic.json_schema import models_json_schema

from eduplatform.api.framework import JSON, MAX_JSON_BYTES, OPERATIONS
from eduplatform.api.problems import PROBLEM_MEDIA_TYPE, Problem

REF = "#/components/schemas/{model}"
SECURITY_SCHEME = "bearerToken"
INT_MAX = 2**31 - 1

TAGS = {
    "Catalogue": "Programs, modules and units of the shared curriculum.",
    "Me": "The caller's profile and progress.",
    "Completions": "Practical units logged by students and verified by their teachers.",
    "Classes": "Classes (cohorts) and their students.",
    "Certificates": "Certificates and their Open Badges 3.0 credentials.",
    "Exchange": "Partnerships and exchange activities.",
    "Placements": "Industry placements (PKL) and the students' daily journals; a company's "
    "supervisor has no account and never uses the API.",
    "Dashboard": "The education office's figures.",
    "Learning records": "Verified completions as xAPI statements for a learning record store.",
}

DESCRIPTION = f"""\
The JSON API of eduplatform. It applies the same rules, roles and school scope as the web pages.

**Authentication.** Create a personal access token on your profile page (or with `eduplatform
tokens create --email E --scope read-write --json`) and send it as
`Authorization: Bearer edu_...`. The API never reads the session cookie. A `read` token may
call GET operations only; `read-write` may also change data. An expired, revoked or unknown
token answers 401; a role or scope that does not allow the operation answers 403. Records
outside your school answer 404, as if they did not exist.

**Errors** are RFC 9457 problem documents (`application/problem+json`):
`{{"type", "title", "status", "detail", "errors": [{{"field", "message"}}]}}`. Malformed JSON
answers 400, a body that is not JSON 415, a JSON body over {MAX_JSON_BYTES // (1024 * 1024)} MB or a
photo over 15 MB 413, refused input 422 (unknown fields too), a conflict with the record's state
409 (for example a record reviewed already), and too many requests 429 with `Retry-After`.

**Lists** are paginated with keyset cursors: `{{"items": [...], "next": "..."}}` and a
`Link: <...>; rel="next"` header. Pass `next` back as `cursor`; `limit` is 50 by default, at
most 200. Translated texts follow `?lang=` (id, en, zh), then the account's language, then
`Accept-Language`; each says which language it is in and whether it is a fallback.
"""

ERRORS = {
    400: ("BadRequest", "The body is not valid JSON, or the request holds a NUL character."),
    401: ("Unauthorized", "No token, or an unknown, expired or revoked one."),
    403: ("Forbidden", "The role or the token's scope does not allow this."),
    404: ("NotFound", "No such record, or one outside the caller's scope."),
    409: ("Conflict", "The record's state does not allow this (for example reviewed already)."),
    413: ("TooLarge", "The body or the file is too large."),
    415: ("UnsupportedMediaType", "The body has the wrong content type."),
    422: ("Unprocessable", "The input was refused; `errors` names each field."),
    429: ("TooManyRequests", "Too many requests with this token; wait `Retry-After` seconds."),
}

PATH_PARAMETER = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


def _string_header(description, required=False):
    return {"description": description, "required": required, "schema": {"type": "string"}}


def _error_responses():
    responses = {}
    for status, (name, description) in ERRORS.items():
        response = {
            "description": description,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": REF.format(model="Problem")}}},
        }
        if status == 401:
            response["headers"] = {
                "WWW-Authenticate": _string_header("The Bearer challenge.", required=True)
            }
        if status == 429:
            response["headers"] = {"Retry-After": _string_header("Seconds to wait.", required=True)}
        responses[name] = response
    return responses


def _path_parameters(rule):
    parameters = []
    for match in PATH_PARAMETER.finditer(rule):
        converter = match.group("converter")
        if converter == "int":
            schema = {"type": "integer", "minimum": 0, "maximum": INT_MAX}
        elif converter == "code":
            schema = {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"}
        else:
            schema = {"type": "string", "pattern": r"^[^/\x00]+$"}
        parameters.append(
            {"name": match.group("name"), "in": "path", "required": True, "schema": schema}
        )
    return parameters


def _query_parameters(schema):
    parameters = []
    required = set(schema.get("required", ()))
    for name, prop in schema.get("properties", {}).items():
        prop = dict(prop)
        prop.pop("title", None)
        parameter = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if "description" in prop:
            parameter["description"] = prop.pop("description")
        parameters.append(parameter)
    return parameters


def _error_statuses(operation):
    # 400 everywhere: a NUL character anywhere in a request is refused before any view runs.
    statuses = [400, 401, 403, 429]
    if operation.not_found or PATH_PARAMETER.search(operation.rule):
        statuses.append(404)
    if operation.body is not None:
        statuses += [400, 413, 415, 422]
    if operation.upload:
        statuses += [413, 415, 422]
    if operation.query is not None:
        statuses.append(422)
    if operation.conflict:
        statuses.append(409)
    return sorted(set(statuses))


def _success(operation, schemas_by_key):
    media_types = operation.media_type
    if isinstance(media_types, str):
        media_types = (media_types,)
    content = {}
    for media_type in media_types:
        if operation.response is not None and media_type == JSON:
            schema = schemas_by_key[(operation.response, "serialization")]
        elif media_type.startswith("image/"):
            schema = {"type": "string", "format": "binary"}
        else:
            schema = {"type": "string"}
        content[media_type] = {"schema": schema}
    headers = {
        name: _string_header(description, required=True)
        for name, description in operation.response_headers.items()
    }
    if operation.paginated:
        headers["Link"] = _string_header('The next page: <url>; rel="next".')
    if operation.status == 201:
        headers["Location"] = _string_header("Where the new record is.", required=True)
    response = {"description": HTTPStatus(operation.status).phrase, "content": content}
    if headers:
        response["headers"] = headers
    return response


def _request_body(operation, schemas_by_key):
    if operation.upload:
        properties = {
            name: {"type": "string", "format": "binary", "description": ", ".join(types)}
            for name, types in operation.upload.items()
        }
        return {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": properties,
                        "required": list(properties),
                    },
                    "encoding": {
                        name: {"contentType": ", ".join(types)}
                        for name, types in operation.upload.items()
                    },
                }
            },
        }
    return {
        "required": not operation.body_optional,
        "content": {JSON: {"schema": schemas_by_key[(operation.body, "validation")]}},
    }


def _describe(operation):
    who = ", ".join(operation.roles) if operation.roles else "every role"
    return f"{operation.description}\n\nRoles: {who}. Token scope: {operation.scope}."


def _operation(operation, schemas_by_key, schemas):
    document = {
        "operationId": operation.endpoint.removeprefix("api."),
        "summary": operation.summary,
        "description": _describe(operation),
        "tags": [operation.tag],
        "x-roles": list(operation.roles),
        "x-scope": operation.scope,
        "parameters": _path_parameters(operation.rule) + [{"$ref": "#/components/parameters/lang"}],
        "responses": {str(operation.status): _success(operation, schemas_by_key)},
    }
    if operation.query is not None:
        name = schemas_by_key[(operation.query, "validation")]["$ref"].rsplit("/", 1)[1]
        document["parameters"] += _query_parameters(schemas[name])
    document["parameters"] += [
        {"name": name, "in": "header", "description": text, "schema": {"type": "string"}}
        for name, text in operation.request_headers.items()
    ]
    if operation.body is not None or operation.upload:
        document["requestBody"] = _request_body(operation, schemas_by_key)
    for status in _error_statuses(operation):
        name = ERRORS[status][0]
        document["responses"][str(status)] = {"$ref": f"#/components/responses/{name}"}
    return document


def _schemas(operations):
    pairs = [(Problem, "serialization")]
    for operation in operations:
        if operation.body is not None:
            pairs.append((operation.body, "validation"))
        if operation.query is not None:
            pairs.append((operation.query, "validation"))
        if operation.response is not None:
            pairs.append((operation.response, "serialization"))
    keys, definitions = models_json_schema(list(dict.fromkeys(pairs)), ref_template=REF)
    return keys, definitions.get("$defs", {})


def openapi_document(operations=None, languages=("id", "en", "zh")):
    """The OpenAPI 3.1 document of every registered operation."""
    operations = OPERATIONS if operations is None else operations
    schemas_by_key, schemas = _schemas(operations)
    paths = {}
    for operation in operations:
        paths.setdefault(operation.path, {})[operation.method.lower()] = _operation(
            operation, schemas_by_key, schemas
        )
    for operation in operations:  # query models became parameters, not schemas
        if operation.query is not None:
            name = schemas_by_key[(operation.query, "validation")]["$ref"].rsplit("/", 1)[1]
            schemas.pop(name, None)
    used_tags = {operation.tag for operation in operations}
    return {
        "openapi": "3.1.0",
        "info": {"title": "eduplatform API", "version": "1.0.0", "description": DESCRIPTION},
        "servers": [{"url": "/api/v1"}],
        "tags": [{"name": n, "description": d} for n, d in TAGS.items() if n in used_tags],
        "security": [{SECURITY_SCHEME: []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": _error_responses(),
            "parameters": {
                "lang": {
                    "name": "lang",
                    "in": "query",
                    "required": False,
                    "description": "Language of translated texts and messages.",
                    "schema": {"type": "string", "enum": list(languages)},
                }
            },
            "securitySchemes": {
                SECURITY_SCHEME: {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "edu_ followed by 43 characters",
                    "description": "A personal access token from the profile page.",
                }
            },
        },
    }
