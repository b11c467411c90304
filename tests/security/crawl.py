"""Walk every rule of the app's URL map as one role, with ids of its own side and of the other.

Each URL parameter is filled from the world by its name (and, where one name means different
things, by the endpoint). A rule with a parameter this file does not know fails the walk, so a
new route gets a value here and a line in the expected table.
"""

import re
from dataclasses import dataclass, field

from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property

from tests.conftest import PASSWORD

# "teacher_of_two" is a teacher whose home is a third school C and whose second school is A:
# every answer must be the teacher's (A through the membership, B still another school).
ROLES = ("anonymous", "student", "teacher", "teacher_of_two", "author", "office", "admin")
SKIPPED_METHODS = {"HEAD", "OPTIONS"}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
CERTIFICATE_ENDPOINTS = re.compile(r"certificate|credential")


class UnknownParameter(AssertionError):
    pass


def parameter(world, actor, endpoint, name, side):
    """The value of URL parameter `name` for `endpoint`, from side A ("own") or B ("other")."""
    s = world.a if side == "own" else world.b
    if name == "code":
        if endpoint == "curriculum.adopt":  # a school's own module
            return s.school_module.code
        return s.certificate.code if CERTIFICATE_ENDPOINTS.search(endpoint) else s.module.code
    if name == "unit_id":
        return s.units[0].id if endpoint.startswith("training.") else s.draft_unit.id
    if name == "notification_id":
        owner = actor if side == "own" and actor is not None else world.b.student
        return world.notifications[owner.id]
    if name == "plan_id":
        return world.plans["a" if side == "own" else "b"]
    if name == "completion_id" and endpoint == "quality.dispute":
        return s.returned.id  # a record sent back
    if name == "sample_id":
        return world.samples["a" if side == "own" else "b"]
    if name == "action_id":
        # A teacher's own action on their side; another teacher's on the other.
        owner = actor if side == "own" and actor is not None else world.b.teacher
        return world.actions.get(owner.id, world.actions[world.a.teacher.id])
    if name == "user_id" and endpoint.startswith("quality."):  # a university's lecturer
        return s.author.id
    if name == "token_id":
        owner = actor if side == "own" and actor is not None else world.b.student
        return world.tokens[owner.id]["spare_id"]
    values = {
        "user_id": s.student.id,
        "student_id": s.student.id,
        "cohort_id": s.cohort.id,
        "version_id": s.draft.id,
        "number": s.version.number,
        "unit_code": s.units[0].code,
        "activity_id": s.activity.id,
        "attachment_id": s.attachment.id,
        "participant_id": s.participant.id,
        "partnership_id": s.partnership.id,
        "npsn": s.school.npsn,
        "school_id": s.school.id,
        "teacher_id": s.teacher.id,
        "organization_id": s.school.id,
        "university_id": s.university.id,
        "completion_id": s.submitted.id,
        "slug": s.slug,
        "path": "no-such-resource",
        "filename": "css/app.css",
        "name": "schools",  # a dashboard table
        "fmt": "csv",
        "thumbprint": "no-such-key",
        "list_id": 1,
        "placement_id": s.placement.id,
        "company_id": s.company.id,
        "entry_id": s.entry.id,
        "link_id": s.link.id,
        "supervisor_id": s.placement.supervisor_id,
        "token": s.link_token,
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
    "POST /api/v1/quality/samples/<int:sample_id>/review": {
        "agrees": False,
        "rating": 2,
        "feedback": "The photo does not show the tag.",
    },
    "POST /api/v1/quality/actions/<int:action_id>/answer": {"response": "Re-assessed it."},
    "POST /api/v1/completions/<int:completion_id>/reject": {"feedback": "Redo the lock-out."},
    "POST /api/v1/activities/<int:activity_id>/complete": {
        "outcomes": "Shared the battery lab.",
        "hours": 4,
        "report": "Next visit in May.",
    },
    # Bodies that pass the API's input model and are then refused by the rules (a day outside
    # the placement, a present day without times, ending early without a reason): nothing is
    # written, and the other side's ids meet the scope guard first.
    "POST /api/v1/placements/<int:placement_id>/journal": {"day": "2020-01-06", "kind": "sick"},
    "PUT /api/v1/journal-entries/<int:entry_id>": {"kind": "present"},
    "POST /api/v1/placements/<int:placement_id>/status": {"action": "end_early"},
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
            # One field that no form has: the forms then read their fields (WTForms reads
            # nothing from an empty body), so the ids they hold are seen.
            kwargs["data"] = {"crawl": "1"}
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


# Ids that arrive outside the path: in the query string, a form field or a JSON body.

READS_KEY = "tests.request_reads"  # what a view read from request.args and request.form
ID_SUFFIX = re.compile(r"(^|_)ids?$")
# Names that hold an id although they do not end in _id: the guard's kinds, their plurals, and
# the names the forms use for them.
ID_WORDS = {"partner", "member_schools"}


def id_like(name):
    """Whether a request parameter's name says it holds an id (a WTForms prefix is dropped)."""
    from eduplatform.scope import FINDERS

    name = (name or "").rsplit("-", 1)[-1]
    words = set(FINDERS) | {f"{kind}s" for kind in FINDERS} | ID_WORDS
    return bool(ID_SUFFIX.search(name)) or name in words


@dataclass
class Id:
    """An id a route reads from the query string, a form or a JSON body (see ID_PARAMETERS).

    `answers` is like an EXPECTED line, for a request carrying an id of the role's own side and
    of the other side ("own/other"), as plain status codes; roles it does not name keep the
    route's EXPECTED answer (they are turned away before the view). `unknown` is the answer for
    an id that names nothing (an unknown one, a 25-digit one); `data` other fields to send.
    `choices`: the field is a form's SelectField whose choices are built from the user's scope,
    so none of these values reaches the view (WTForms refuses them with the list's message);
    otherwise at least one request must go through the scope guard (eduplatform.scope).
    """

    kind: str
    answers: str
    unknown: str = "404"
    data: dict = field(default_factory=dict)
    choices: bool = False


def id_value(world, kind, side):
    """An id of `kind` from side A ("own") or B ("other")."""
    s = world.a if side == "own" else world.b
    values = {
        "school": s.school.id,
        "organization": s.school.id,
        "cohort": s.cohort.id,
        "student": s.student.id,
        "teacher": s.teacher.id,
        "user": s.student.id,
        "module": s.module.id,
        "program": world.program.id,
        "partnership": s.partnership.id,
        "activity": s.activity.id,
        "completion": s.submitted.id,
        "company": s.company.id,
    }
    if kind not in values:
        raise UnknownParameter(f"no {kind} id in tests/security/crawl.py's id_value")
    return values[kind]


class _Recording(ImmutableMultiDict):
    """request.args or request.form, noting every key a view asks for."""

    def __init__(self, mapping, source, environ):
        super().__init__(mapping)
        self._reads = environ.setdefault(READS_KEY, set())
        self._source = source

    def _note(self, key):
        self._reads.add((self._source, key))

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)

    def get(self, key, default=None, type=None):  # noqa: A002 - MultiDict's own signature
        self._note(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        self._note(key)
        return super().getlist(key, type)


def record_reads(app):
    """Make the app's requests note which parameters the views read (for the id checks)."""
    base = app.request_class
    if getattr(base, "records_reads", False):
        return

    class RecordingRequest(base):
        records_reads = True

        def __init__(self, environ, *args, **kwargs):
            super().__init__(environ, *args, **kwargs)
            # The test client hands the app a copy of its environ: keep the app's request.
            app.extensions["tests.last_request"] = self

        @cached_property
        def args(self):
            return _Recording(super().args, "query", self.environ)

        def _load_form_data(self):
            super()._load_form_data()
            form = self.__dict__.get("form")
            if form is not None and not isinstance(form, _Recording):
                self.__dict__["form"] = _Recording(form, "form", self.environ)

    app.request_class = RecordingRequest


def reads_of(app):
    """({(source, name)} of id-like parameters the last request's view read, {(source, name)}
    it read through the scope guard)."""
    from eduplatform.scope import READS_KEY as GUARD_KEY

    last = app.extensions.pop("tests.last_request", None)
    environ = last.environ if last is not None else {}
    names = set(environ.get(READS_KEY, ()))
    # title_id beside title_en is a title in Indonesian, not an id
    read = {
        (source, name)
        for source, name in names
        if id_like(name) and (source, name.removesuffix("_id") + "_en") not in names
    }
    # find() on a value the view took itself notes source "value": matched by name only
    guarded = {(source, name) for source, name, _kind in environ.get(GUARD_KEY, ())}
    return read, guarded


def api_id_fields(app):
    """{route key: {"query name" | "json name"}} of the API's id-like input fields."""
    if "api" not in app.blueprints:
        return {}
    from eduplatform.api.framework import OPERATIONS

    found = {}
    for operation in OPERATIONS:
        key = f"{operation.method} /api/v1{operation.rule}"
        for source, model in (("query", operation.query), ("json", operation.body)):
            for name in model.model_fields if model else {}:
                if id_like(name):
                    found.setdefault(key, set()).add(f"{source} {name}")
    return found


def visit_with_id(client, world, actor, key, rule, method, token, where, declared, value):
    """Request the route (its path from side A) carrying `value` as the declared parameter."""
    source, name = where.split()
    url = build_url(world, actor, rule, "own") if rule.arguments else rule.rule
    # "own" in the other fields: the own side's id of that field's kind (a partnership, ...)
    data = {
        key: id_value(world, key.removesuffix("_id"), "own") if given == "own" else given
        for key, given in declared.data.items()
    }
    if source == "json" and name.endswith("s"):  # a list of ids
        value = [value]
    headers, kwargs = {}, {}
    if rule.rule.startswith("/api/") and token:
        headers["Authorization"] = f"Bearer {token}"
    if source == "query":
        kwargs["query_string"] = {**data, name: value}
    elif source == "form":
        kwargs["data"] = {**data, name: str(value)}
    else:
        kwargs["json"] = {**data, name: value}
    if method in WRITE_METHODS and source == "query":
        kwargs["data" if not rule.rule.startswith("/api/") else "json"] = {}
    response = client.open(url, method=method, headers=headers, **kwargs)
    response.get_data()
    response.close()
    return response
