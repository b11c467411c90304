"""Walk every rule of the app's URL map as one role, with ids of its own side and of the other.

Each URL parameter is filled from the world by its name (and, where one name means different
things, by the endpoint). A rule with a parameter this file does not know fails the walk, so a
new route gets a value here and a line in the expected table.
"""

import re
from dataclasses import dataclass

from tests.conftest import PASSWORD

ROLES = ("anonymous", "student", "teacher", "author", "office", "admin")
SKIPPED_METHODS = {"HEAD", "OPTIONS"}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
CERTIFICATE_ENDPOINTS = re.compile(r"certificate|credential")


class UnknownParameter(AssertionError):
    pass


def parameter(world, actor, endpoint, name, side):
    """The value of URL parameter `name` for `endpoint`, from side A ("own") or B ("other")."""
    s = world.a if side == "own" else world.b
    if name == "code":
        return s.certificate.code if CERTIFICATE_ENDPOINTS.search(endpoint) else s.module.code
    if name == "unit_id":
        return s.units[0].id if endpoint.startswith("training.") else s.draft_unit.id
    if name == "token_id":
        owner = actor if side == "own" and actor is not None else world.b.student
        return world.tokens[owner.id]["spare_id"]
    values = {
        "user_id": s.student.id,
        "student_id": s.student.id,
        "cohort_id": s.cohort.id,
        "version_id": s.draft.id,
        "number": s.version.number,
        "activity_id": s.activity.id,
        "attachment_id": s.attachment.id,
        "participant_id": s.participant.id,
        "partnership_id": s.partnership.id,
        "npsn": s.school.npsn,
        "school_id": s.school.id,
        "organization_id": s.school.id,
        "completion_id": s.submitted.id,
        "slug": s.slug,
        "path": "no-such-resource",
        "filename": "css/app.css",
        "name": "schools",  # a dashboard table
        "fmt": "csv",
    }
    if name not in values:
        raise UnknownParameter(
            f"{endpoint}: URL parameter <{name}> has no value in tests/security/crawl.py"
        )
    return values[name]


@dataclass
class Visit:
    key: str  # "METHOD /rule"
    side: str  # "own", "other", or "-" for rules without parameters
    url: str
    status: int
    location: str
    response: object


# Writes whose success removes or closes what later requests use run after the others, in
# this order (a unit is removed from the draft before the draft is published, and so on).
CLOSING = ("remove", "cancel", "withdraw", "revoke", "publish", "retire", "discard", "active",
           "anonymise")  # fmt: skip
# Bodies that pass validation, so that the answer shows whether the record is in scope.
JSON_BODIES = {
    "POST /api/v1/completions/<int:completion_id>/reject": {"feedback": "Redo the lock-out."},
    "POST /api/v1/activities/<int:activity_id>/complete": {
        "outcomes": "Shared the battery lab.",
        "hours": 4,
        "report": "Next visit in May.",
    },
}


def _order(route):
    key, rule, method = route
    if method not in WRITE_METHODS:
        return (0, key)
    if rule.endpoint == "auth.logout":
        return (99, key)
    last = rule.rule.rsplit("/", 1)[-1]
    if last in CLOSING:
        return (2 + CLOSING.index(last), key)
    return (1, key)


def routes(app):
    """[(key, rule, method)] of every rule and method: reads, writes, closing writes, logout."""
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - SKIPPED_METHODS):
            found.append((f"{method} {rule.rule}", rule, method))
    return sorted(found, key=_order)


def build_url(world, actor, rule, side):
    values = {
        name: parameter(world, actor, rule.endpoint, name, side)
        for name in rule.arguments
        if name not in (rule.defaults or {})
    }
    return rule.build(values, append_unknown=False)[1]


def sign_in(client, user):
    response = client.post("/login", data={"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, f"{user.role} could not sign in"


def visit(client, world, actor, key, rule, method, token=None):
    """Request the rule for each side it has; returns [Visit]."""
    sides = ("own", "other") if rule.arguments - set(rule.defaults or {}) else ("-",)
    visits = []
    for side in sides:
        url = build_url(world, actor, rule, side)
        headers = {}
        kwargs = {}
        if rule.rule.startswith("/api/"):
            if token:
                headers["Authorization"] = f"Bearer {token}"
            if method in WRITE_METHODS:
                kwargs["json"] = JSON_BODIES.get(key, {})
        elif method in WRITE_METHODS:
            kwargs["data"] = {}
        response = client.open(url, method=method, headers=headers, **kwargs)
        response.get_data()  # read streamed files to the end, then let them go
        response.close()
        visits.append(
            Visit(
                key, side, url, response.status_code, response.headers.get("Location", ""), response
            )  # fmt: skip
        )
    return visits


def outcome(visit):
    """How a request was answered, in the expected table's words.

    Reads (GET) are compared exactly. Writes sent with an empty form may succeed, fail
    validation or conflict depending on what ran before them; what matters is whether the
    role got through to the view ("ok") or was turned away ("login", "403", "404", "405").
    """
    status = visit.status
    if status in (301, 302, 303) and "/login" in visit.location:
        return "login"
    if status == 401:
        return "login"
    if visit.key.split()[0] in WRITE_METHODS and status in (200, 201, 204, 302, 303, 400, 409, 422):
        return "ok"
    return str(status)
